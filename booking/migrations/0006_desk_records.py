from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0005_waitlist_limit"),
    ]

    # The staff desk's records moved to the staffdesk app; their tables stay (see staffdesk 0001).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="staffaction",
                    name="actor",
                ),
                migrations.RemoveField(
                    model_name="staffaction",
                    name="facility",
                ),
                migrations.RemoveField(
                    model_name="staffaction",
                    name="reservation",
                ),
                migrations.RemoveField(
                    model_name="staffaction",
                    name="session",
                ),
                migrations.DeleteModel(
                    name="SessionAttendance",
                ),
                migrations.DeleteModel(
                    name="StaffAction",
                ),
            ],
        ),
    ]
