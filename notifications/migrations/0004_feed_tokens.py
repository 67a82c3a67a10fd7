from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_pending_due_index_with_id"),
        ("calendars", "0001_feed_tokens"),
    ]

    # The private feed tokens moved to the calendars app; their table stays (see calendars 0001).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="CalendarFeedToken",
                ),
            ],
        ),
    ]
