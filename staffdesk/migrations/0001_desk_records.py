import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("booking", "0006_desk_records"),
        ("events", "0003_waitlist_limit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The staff desk's records, moved from booking with their tables (booking 0002-0003).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SessionAttendance",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("attended", "Attended"), ("no_show", "No-show")],
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        ("at", models.DateTimeField(auto_now=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reservation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="session_attendances",
                                to="booking.reservation",
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attendances",
                                to="events.session",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "course session attendance",
                        "verbose_name_plural": "course session attendances",
                        "db_table": "booking_sessionattendance",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("reservation", "session"), name="session_attendance_unique"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("status__in", ["attended", "no_show"])),
                                name="session_attendance_status_valid",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="StaffAction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="when"
                            ),
                        ),
                        ("actor_label", models.CharField(max_length=150, verbose_name="who")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("check_in", "Checked in"),
                                    ("check_in_undo", "Check-in undone"),
                                    ("no_shows", "Marked the rest as no-show"),
                                    ("walk_in", "Walk-in added"),
                                    ("session_move", "Session moved"),
                                    ("session_cancel", "Session cancelled"),
                                    ("capacity_change", "Capacity changed"),
                                    ("waitlist_promote", "Promoted from the waiting list by hand"),
                                    ("lottery_draw", "Lottery drawn"),
                                    ("export", "Personal data exported"),
                                    ("session_update", "Session changed"),
                                    ("personal_data_erase", "Personal data erased"),
                                ],
                                max_length=30,
                                verbose_name="what",
                            ),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="reason")),
                        (
                            "before",
                            models.JSONField(blank=True, default=dict, verbose_name="before"),
                        ),
                        ("after", models.JSONField(blank=True, default=dict, verbose_name="after")),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="staff_actions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "facility",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="staff_actions",
                                to="events.facility",
                            ),
                        ),
                        (
                            "reservation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="staff_actions",
                                to="booking.reservation",
                            ),
                        ),
                        (
                            "session",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="staff_actions",
                                to="events.session",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "staff action",
                        "verbose_name_plural": "staff actions",
                        "db_table": "booking_staffaction",
                        "ordering": ["at", "id"],
                        "indexes": [
                            models.Index(fields=["session", "at"], name="staff_action_session_at"),
                            models.Index(
                                fields=["facility", "at"], name="staff_action_facility_at"
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
