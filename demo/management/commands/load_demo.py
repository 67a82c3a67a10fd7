"""manage.py load_demo: the demo catalogue and parties (idempotent within a week)."""

from django.core.management.base import BaseCommand

from demo.load import load_demo


class Command(BaseCommand):
    help = "Load the demo facilities, programmes and eight weeks of sessions (idempotent)."

    def handle(self, *args, **options):
        created = load_demo()
        summary = ", ".join(f"{kind}: {n} new" for kind, n in created.items())
        self.stdout.write(f"demo data loaded ({summary})")
