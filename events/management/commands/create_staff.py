"""manage.py create_staff: a staff login for a facility, with a role and an API token."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.selectors import api_tokens_live
from core.services import api_token_create
from events.models import Facility, StaffMembership, StaffRole


class Command(BaseCommand):
    help = (
        "Create (or update) a staff user for a facility. A user without a working API token "
        "gets one, printed once on the last line (only its hash is stored); --new-token issues "
        "another. Rotate and revoke with `manage.py staff_token`."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--facility", action="append", required=True, help="facility slug")
        parser.add_argument(
            "--role", choices=[r.value for r in StaffRole], default=StaffRole.MANAGER.value
        )
        parser.add_argument("--password", default=None, help="set a password for the pages")
        parser.add_argument(
            "--new-token",
            action="store_true",
            help="issue a new API token even if the user already has one",
        )

    def handle(
        self, *args, email: str, facility: list[str], role: str, password, new_token, **options
    ):
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
        self.stdout.write(
            f"{'created' if created else 'updated'} {email}: {role} at {', '.join(facility)}"
        )
        if new_token or not api_tokens_live(user).exists():
            issued = api_token_create(user=user, label="create_staff")
            self.stdout.write(f"API token {issued.token.prefix} (shown only now):")
            self.stdout.write(issued.key)
        else:
            self.stdout.write(
                "the user already has an API token; --new-token issues another "
                "(`manage.py staff_token list|rotate|revoke` manage them)"
            )
