"""The outbox: one row per email to send, with its kind, payload, due time and delivery state."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking.models import Reservation


class NotificationKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Reservation confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    APPLIED = "applied", _("Lottery application received")
    PROMOTED = "promoted", _("Promoted from the waiting list")
    LOTTERY_WON = "lottery_won", _("Lottery won")
    LOTTERY_NOT_DRAWN = "lottery_not_drawn", _("Lottery not drawn")
    CANCELLED = "cancelled", _("Reservation cancelled")  # by the parent or by staff
    SESSION_CHANGED = "session_changed", _("Session changed")
    PARTY_CHANGED = "party_changed", _("Party changed")
    MOVED = "moved", _("Moved to another date")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    REMINDER = "reminder", _("Reminder")
    MY_RESERVATIONS = "my_reservations", _("Link to my reservations")
    FEED_LINK = "feed_link", _("Private calendar feed link")
    SESSION_NOTICE = "session_notice", _("Notice from the facility")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class Notification(models.Model):
    """Outbox row: written in the transaction that causes it, delivered later by a worker."""

    reservation = models.ForeignKey(
        Reservation,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
        verbose_name=_("reservation"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    to_email = models.EmailField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=10, default="ja")
    payload = models.JSONField(_("email data"), default=dict, blank=True)
    # Makes scheduling idempotent: e.g. "reminder:<reservation>:<hours>".
    dedupe_key = models.CharField(
        _("duplicate check key"), max_length=200, null=True, blank=True, unique=True
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    claimed_by = models.CharField(_("sent by (worker)"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["due_at", "id"]
        indexes = [
            # The sweep takes due rows in (due_at, id) order, a batch at a time: with the id in
            # the index it reads one batch, not every pending row, whatever the backlog.
            models.Index(
                fields=["status", "due_at", "id"],
                name="notification_pending_due_id",
                condition=Q(status__in=["pending", "sending"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_email} ({self.get_status_display()})"
