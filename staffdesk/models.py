"""The staff desk's own records: the audit log of staff actions, and course attendance."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from booking.models import Reservation, actor_text
from core.dates import format_day_time
from events.models import Session, StaffLogEntry


class SessionAttendance(models.Model):
    """Attendance of a course reservation at one of the course's sessions.

    A single-session reservation records attendance in its own status (attended, no-show); a
    course reservation keeps one status for the whole course, so each session's check-in is a
    row here, one per reservation and session.
    """

    class Status(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")

    reservation = models.ForeignKey(
        Reservation, on_delete=models.CASCADE, related_name="session_attendances"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    at = models.DateTimeField(auto_now=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        db_table = "booking_sessionattendance"  # made by booking before the desk had its app
        verbose_name = _("course session attendance")
        verbose_name_plural = _("course session attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "session"], name="session_attendance_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["attended", "no_show"]),
                name="session_attendance_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reservation_id}@{self.session_id}: {self.status}"


class StaffActionKind(models.TextChoices):
    CHECK_IN = "check_in", _("Checked in")
    CHECK_IN_UNDO = "check_in_undo", _("Check-in undone")
    NO_SHOWS = "no_shows", _("Marked the rest as no-show")
    WALK_IN = "walk_in", _("Walk-in added")
    PHONE_BOOKING = "phone_booking", _("Booked by phone")
    SESSION_MOVE = "session_move", _("Session moved")
    SESSION_CANCEL = "session_cancel", _("Session cancelled")
    CAPACITY_CHANGE = "capacity_change", _("Capacity changed")
    WAITLIST_PROMOTE = "waitlist_promote", _("Promoted from the waiting list by hand")
    LOTTERY_DRAW = "lottery_draw", _("Lottery drawn")
    WIN_CONFIRM = "win_confirm", _("Lottery win confirmed for the party")
    EXPORT = "export", _("Personal data exported")
    SESSION_UPDATE = "session_update", _("Session changed")
    PERSONAL_DATA_ERASE = "personal_data_erase", _("Personal data erased")
    SERIES_PUBLISH = "series_publish", _("Series published")
    SERIES_CHANGE = "series_change", _("Later sessions of a series changed")
    SERIES_CANCEL = "series_cancel", _("Rest of a series cancelled")
    MONTH_COPY = "month_copy", _("Month copied to the next")
    RESERVATION_CANCEL = "reservation_cancel", _("Booking cancelled for the party")
    PARTY_CHANGE = "party_change", _("Party changed")
    PARTY_MOVE = "party_move", _("Booking moved to another date")
    SESSION_NOTICE = "session_notice", _("Notice sent to the parties")
    SEARCH = "search", _("Reservations searched")


class StaffAction(StaffLogEntry):
    """The audit log: one action of a staff member, with what it changed (before and after);
    when, who and the facility as every staff log keeps them (``events.models.StaffLogEntry``)."""

    kind = models.CharField(_("what"), max_length=30, choices=StaffActionKind.choices)
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_actions",
        verbose_name=_("session"),
    )
    reservation = models.ForeignKey(
        Reservation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_actions",
        verbose_name=_("reservation"),
    )
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        db_table = "booking_staffaction"  # made by booking before the desk had its app
        verbose_name = _("staff action")
        verbose_name_plural = _("staff actions")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["session", "at"], name="staff_action_session_at"),
            models.Index(fields=["facility", "at"], name="staff_action_facility_at"),
        ]

    def __str__(self) -> str:
        # Japan time and the desk's form (core.dates), the kind's words.
        when = format_day_time(self.at, get_language())
        return f"{when} {actor_text(self.actor_label)} {self.get_kind_display()}"
