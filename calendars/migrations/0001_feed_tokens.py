from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [("notifications", "0003_pending_due_index_with_id")]

    # The private feed tokens, moved from notifications with their table (notifications 0001-0002).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='CalendarFeedToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.EmailField(db_index=True, max_length=254)),
                ('token_hash', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'private calendar feed',
                'verbose_name_plural': 'private calendar feeds',
                'db_table': 'notifications_calendarfeedtoken',
            },
        ),
                ],
        ),
    ]
