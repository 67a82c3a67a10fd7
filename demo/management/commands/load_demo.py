"""manage.py load_demo: the demo catalogue and parties (idempotent within a week)."""

from django.core.management.base import BaseCommand

from demo.appointments import demo_appointments_load
from demo.consultations import demo_consultations_load
from demo.history import past_sessions_load
from demo.load import load_demo
from demo.series import demo_series_load
from demo.translations import demo_translations_apply


class Command(BaseCommand):
    help = (
        "Load the demo facilities, programmes, eight weeks of sessions and sixteen past weeks"
        " with attendance, and consultations with eight past weeks of appointments (idempotent)."
    )

    def handle(self, *args, **options):
        created = load_demo()
        created.update(past_sessions_load())
        created.update(demo_series_load())
        created["consultation types"] = demo_consultations_load()
        created["consultation appointments"] = demo_appointments_load()
        created["translated rows"] = demo_translations_apply()  # the consultation types' too
        summary = ", ".join(f"{kind}: {n} new" for kind, n in created.items())
        self.stdout.write(f"demo data loaded ({summary})")
