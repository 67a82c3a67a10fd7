from django.db import migrations, models
from django.db.models import Count, Q


def count_waiting_parties(apps, schema_editor):
    """Sessions now keep how many parties wait on their list: count the ones already waiting."""
    Session = apps.get_model("events", "Session")
    Reservation = apps.get_model("booking", "Reservation")
    waiting = Reservation.objects.filter(status="waitlisted")
    by_session = dict(
        waiting.filter(session__isnull=False).values_list("session").annotate(n=Count("id"))
    )
    by_course = dict(
        waiting.filter(course__isnull=False).values_list("course").annotate(n=Count("id"))
    )
    for session in Session.objects.filter(
        Q(pk__in=by_session) | Q(course__in=[c for c in by_course if c is not None])
    ):
        taken = by_session.get(session.pk, 0) + by_course.get(session.course_id, 0)
        Session.objects.filter(pk=session.pk).update(waitlist_taken=taken, waitlist_joined=taken)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0004_my_reservations_links"),
        ("events", "0003_waitlist_limit"),
    ]

    operations = [
        migrations.AddField(
            model_name="reservation",
            name="waitlist_ticket",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(count_waiting_parties, migrations.RunPython.noop),
    ]
