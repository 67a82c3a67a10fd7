"""Issue, list, rotate and revoke staff API tokens from the command line."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import ApiToken
from core.services import api_token_create, api_token_revoke, api_token_rotate


class Command(BaseCommand):
    help = (
        "Staff API tokens: `create USER` and `rotate USER` print a new key on the last line "
        "(rotate also revokes the user's other tokens); `list [USER]`; "
        "`revoke USER [--prefix P]` revokes one token by its prefix, or all of the user's."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "rotate", "list", "revoke"])
        parser.add_argument("user", nargs="?", help="username (the staff member's email)")
        parser.add_argument("--label", default="", help="what the token is for")
        parser.add_argument(
            "--expires-days", type=int, default=None, help="the token stops working after this"
        )
        parser.add_argument("--prefix", default=None, help="revoke only the token with this prefix")

    def handle(self, *args, action: str, user: str | None, **options):
        account = self._user(user) if user else None
        if action in ("create", "rotate", "revoke") and account is None:
            raise CommandError(f"{action} needs a user")
        if action == "list":
            self._list(account)
            return
        if action == "revoke":
            tokens = ApiToken.objects.filter(user=account)
            if options["prefix"]:
                tokens = tokens.filter(prefix=options["prefix"])
                if not tokens.exists():
                    raise CommandError(f"no token with prefix {options['prefix']} for {user}")
            count = api_token_revoke(tokens=tokens)
            self.stdout.write(f"revoked {count} token(s) of {user}")
            return
        days = options["expires_days"]
        expires_at = timezone.now() + timedelta(days=days) if days else None
        make = api_token_rotate if action == "rotate" else api_token_create
        issued = make(user=account, label=options["label"], expires_at=expires_at)
        self.stdout.write(
            f"{'rotated' if action == 'rotate' else 'created'} token {issued.token.prefix} "
            f"for {user}; the key is shown only now:"
        )
        self.stdout.write(issued.key)

    def _user(self, username: str):
        User = get_user_model()
        account = User.objects.filter(username=username).first()
        if account is None:
            raise CommandError(f"unknown user: {username}")
        return account

    def _list(self, account) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if account is not None:
            tokens = tokens.filter(user=account)
        now = timezone.now()
        for token in tokens:
            state = "revoked" if token.revoked_at else ("live" if token.is_live(now) else "expired")
            used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "-"
            self.stdout.write(
                "\t".join(
                    [
                        token.prefix,
                        token.user.get_username(),
                        state,
                        token.created_at.isoformat(timespec="minutes"),
                        used,
                        token.label,
                    ]
                )
            )
