from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from events.models import Facility, StaffMembership, StaffRole


class Command(BaseCommand):
    help = "Create (or update) a staff user for a facility and print their API token last."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--facility", action="append", required=True, help="facility slug")
        parser.add_argument(
            "--role", choices=[r.value for r in StaffRole], default=StaffRole.MANAGER.value
        )
        parser.add_argument("--password", default=None, help="set a password for the pages")

    def handle(self, *args, email: str, facility: list[str], role: str, password, **options):
        facilities = list(Facility.objects.filter(slug__in=facility))
        missing = sorted(set(facility) - {f.slug for f in facilities})
        if missing:
            raise CommandError(f"unknown facility: {', '.join(missing)}")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "is_staff": True}
        )
        if password:
            user.set_password(password)
            user.save()
        for fac in facilities:
            StaffMembership.objects.update_or_create(
                user=user, facility=fac, defaults={"role": role}
            )
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(
            f"{'created' if created else 'updated'} {email}: {role} at {', '.join(facility)}"
        )
        self.stdout.write(token.key)
