"""manage.py create_staff: a staff login for a facility, with a role and an API token.

Who gets the admin (/admin/): the staff desk (/staff/, its API and the schedule's pages) is every
staff member's tool, and it asks for a membership only (events.staff_pages, staff_facility_ids),
never for ``is_staff``. The admin is the operators' (superusers'). A facility's managers get it
too, with what the README promises them there: their facilities' reservations with their emails
and history, lottery draws, the audit log and closed days to read, sessions and courses to
change (the admins scope every row to the user's facilities, and writes to those they manage).
A viewer gets no admin login, and neither does desk staff (受付担当, ``--role desk``: a viewer who
also checks parties in, marks no-shows and adds walk-ins, all at /staff/): ``is_staff`` without
permissions opened an admin that only said "no permission", and the admin's rights are per
model, not per facility role, so a viewer or desk member given them could change there what the
desk refuses them. The rights are those of one group,
``MANAGER_GROUP``, set again on every run so that operators see (and may widen) them in the admin.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from core.selectors import api_tokens_live
from core.services import api_token_create
from events.models import Facility, StaffMembership, StaffRole

MANAGER_GROUP = "施設の管理者"
# (app label, model): the actions a facility's manager has in the admin.
MANAGER_PERMISSIONS = {
    ("events", "facility"): ["view"],
    ("events", "program"): ["view"],
    ("events", "course"): ["view", "add", "change"],
    ("events", "session"): ["view", "add", "change"],
    ("events", "staffmembership"): ["view"],
    ("booking", "reservation"): ["view"],
    ("booking", "reservationhistory"): ["view"],
    ("booking", "lotterydraw"): ["view"],
    ("notifications", "notification"): ["view"],
    ("staffdesk", "staffaction"): ["view"],
    ("schedule", "closedday"): ["view", "add", "change", "delete"],
}


def manager_group() -> Group:
    """The managers' group, with exactly ``MANAGER_PERMISSIONS`` added (an operator's additions
    are kept)."""
    group, _created = Group.objects.get_or_create(name=MANAGER_GROUP)
    wanted = Q(pk__in=[])
    for (app_label, model), actions in MANAGER_PERMISSIONS.items():
        wanted |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.add(*Permission.objects.filter(wanted))
    return group


def admin_access(user) -> bool:
    """Make a manager (at any facility) an admin user in the managers' group; take the admin
    from a user who manages nowhere. A superuser is left as the operators made them."""
    if user.is_superuser:
        return True
    manages = StaffMembership.objects.filter(user=user, role=StaffRole.MANAGER).exists()
    group = manager_group()
    if manages:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    if user.is_staff != manages:
        user.is_staff = manages
        user.save(update_fields=["is_staff"])
    return manages


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
        user, created = User.objects.get_or_create(username=email, defaults={"email": email})
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
        if admin_access(user):
            self.stdout.write("admin (/admin/): yes, as a facility manager or a superuser")
        else:
            self.stdout.write(
                "admin (/admin/): no (a viewer or desk staff everywhere: the desk is at /staff/)"
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
