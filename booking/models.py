"""Reservations, their history, lottery draws, idempotency keys and "my reservations" links."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.languages import listed
from events.models import Course, Session


class ReservationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    APPLIED = "applied", _("Lottery application")
    WON = "won", _("Won in the lottery")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Lapsed")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")


class Need(models.TextChoices):
    """What a family asks the facility to prepare (配慮事項); details go in ``needs_detail``."""

    WHEELCHAIR = "wheelchair", _("Wheelchair")
    ALLERGY = "allergy", _("Allergy")
    INTERPRETER = "interpreter", _("Interpreter")
    OTHER = "other", _("Other")


def status_label(value: str) -> str:
    """A status's word (予約確定, キャンセル待ち ...); the value itself if it is not one."""
    return str(ReservationStatus(value).label) if value in ReservationStatus.values else value


def needs_text(needs: list[str] | None, detail: str = "") -> str:
    """A party's needs (配慮事項) in a line, in the active language, as the party reads them
    back and the desk prints them: 車いす、アレルギー（卵） (the needs, then their details)."""
    labels = listed(str(Need(n).label) for n in needs or [] if n in Need.values)
    if labels and detail:
        return gettext("%(needs)s (%(detail)s)") % {"needs": labels, "detail": detail}
    return labels or detail


# Who made a change, as booking.services.status.actor_label writes it ("staff:<login>" for staff).
ACTORS = {"parent": _("parent"), "system": _("system (automatic)")}


def actor_text(label: str) -> str:
    """'parent' -> 保護者, 'system' -> システム（自動）, 'staff:hanako@example.jp' -> the login
    (as the desk's audit log writes it: the prefix is technical)."""
    if label in ACTORS:
        return str(ACTORS[label])
    return label.split(":", 1)[1] if label.startswith("staff:") else label


class HistoryNote(models.TextChoices):
    """What the system says of a status change (``ReservationHistory.note``), in words of each
    reader's language; what a person typed stays in ``reason``, as typed."""

    DRAWN = "drawn", pgettext_lazy("status change", "Drawn in the lottery")
    NOT_DRAWN = (
        "not_drawn",
        pgettext_lazy("status change", "Not drawn in the lottery: on the waiting list"),
    )
    WIN_CONFIRMED = "win_confirmed", pgettext_lazy("status change", "Lottery win confirmed")
    WIN_LAPSED = (
        "win_lapsed",
        pgettext_lazy("status change", "Lottery win not confirmed in time: no longer valid"),
    )
    PROMOTED = "promoted", pgettext_lazy("status change", "Promoted from the waiting list")
    PROMOTED_CANCELLATION = (
        "promoted_cancellation",
        pgettext_lazy(
            "status change", "Promoted from the waiting list: a reservation was cancelled"
        ),
    )
    PROMOTED_CAPACITY = (
        "promoted_capacity",
        pgettext_lazy("status change", "Promoted from the waiting list: the capacity was raised"),
    )
    PROMOTED_PARTY_CHANGED = (
        "promoted_party_changed",
        pgettext_lazy("status change", "Promoted from the waiting list: a party changed its size"),
    )
    PROMOTED_WIN_LAPSED = (
        "promoted_win_lapsed",
        pgettext_lazy(
            "status change", "Promoted from the waiting list: a lottery win was not confirmed"
        ),
    )
    CAPACITY_RAISED = (
        "capacity_raised",
        pgettext_lazy("status change", "Booked with the capacity raised for this party"),
    )
    CANCELLED_BY_PARENT = (
        "cancelled_by_parent",
        pgettext_lazy("status change", "Cancelled by the parent"),
    )
    SESSION_CANCELLED = (
        "session_cancelled",
        pgettext_lazy("status change", "Cancelled because the session was cancelled"),
    )
    ERASED = (
        "erased",
        pgettext_lazy("status change", "Personal data erased at the person's own request"),
    )
    CHECKED_IN = "checked_in", pgettext_lazy("status change", "Checked in at the desk")
    MOVED = "moved", pgettext_lazy("status change", "Moved to another date")
    CHECK_IN_UNDONE = "check_in_undone", pgettext_lazy("status change", "Check-in undone")
    NO_SHOW_MARKED = (
        "no_show_marked",
        pgettext_lazy("status change", "Marked a no-show when the session ended (not checked in)"),
    )


def history_text(history: "ReservationHistory") -> str:
    """Why a status changed, in the active language, as every reader shows it (the desk's
    party page, the admin, a personal-data export): the system's note (抽選で当選（抽選順3番）),
    the words a person typed, as typed, or both (開催回の中止によるキャンセル：講師の都合).
    The row alone is read: no query."""
    note = str(HistoryNote(history.note).label) if history.note in HistoryNote.values else ""
    if note and history.rank is not None:
        note = pgettext("status change", "%(note)s (draw order %(rank)s)") % {
            "note": note,
            "rank": history.rank,
        }
    if note and history.reason:
        return pgettext("label and value", "%(label)s: %(value)s") % {
            "label": note,
            "value": history.reason,
        }
    return note or history.reason


# Statuses whose party holds seats in the session's counters.
SEAT_HOLDING = (
    ReservationStatus.CONFIRMED,
    ReservationStatus.WON,
    ReservationStatus.ATTENDED,
    ReservationStatus.NO_SHOW,
)
# Statuses that block a second reservation with the same email for the same session.
LIVE = SEAT_HOLDING + (ReservationStatus.WAITLISTED, ReservationStatus.APPLIED)


class Reservation(models.Model):
    """A party's seats at one session, or at every session of a course."""

    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        related_name="reservations",
        null=True,
        blank=True,
        verbose_name=_("session"),
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        related_name="reservations",
        null=True,
        blank=True,
        verbose_name=_("course"),
    )
    code = models.CharField(_("reservation code"), max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=ReservationStatus.choices)
    # The party, as the programme asks for it.
    adults = models.PositiveSmallIntegerField(_("adults"), default=1)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    children_ages = models.JSONField(_("children's ages (months)"), default=list, blank=True)
    due_date = models.DateField(_("expected due date"), null=True, blank=True)
    childcare = models.PositiveSmallIntegerField(_("childcare seats"), default=0)
    resident = models.BooleanField(_("resident of the city"), null=True, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    # One name per adult, where the programme asks (asks_attendee_names); personal data.
    attendee_names = models.JSONField(_("names of those who come"), default=list, blank=True)
    priority_group = models.CharField(_("priority group"), max_length=50, blank=True)
    # Seats counted for this party when it was (last) sized, so releases are exact.
    seats = models.PositiveSmallIntegerField(_("seats held"), default=0, editable=False)
    child_seats = models.PositiveSmallIntegerField(
        _("children's seats held"), default=0, editable=False
    )
    # Contact.
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=1000)
    # 配慮事項: personal data like the notes (erased and exported with them).
    needs = models.JSONField(_("needs"), default=list, blank=True)
    needs_detail = models.CharField(_("needs (details)"), max_length=200, blank=True)
    # A code of settings.LANGUAGES ("ja", "ja-easy", "zh-hans", "pt-br", ...): every email,
    # reminder and invite about the reservation speaks it.
    language = models.CharField(_("language"), max_length=10, default="ja")
    # How many times the party was changed: each change's invite carries a higher SEQUENCE
    # (calendars.invites), so calendar clients take the update.
    party_changes = models.PositiveIntegerField(_("party changes"), default=0)
    # How many times the parent moved the reservation to another date of the programme: each
    # move cancels the old date's invite and sends the new one's, two SEQUENCE steps.
    moves = models.PositiveIntegerField(_("date changes"), default=0)
    # Waiting list and lottery.
    draw_rank = models.PositiveIntegerField(
        _("place in the draw"), null=True, blank=True, editable=False
    )
    # The party's place in the order it joined a session's waiting list (the session's
    # ``waitlist_joined`` when it joined); None for lists ordered by id (courses, older rows).
    waitlist_ticket = models.PositiveIntegerField(
        _("place in the order of joining the waiting list"), null=True, blank=True, editable=False
    )
    confirm_by = models.DateTimeField(_("confirm the lottery win by"), null=True, blank=True)
    source = models.CharField(_("booked through"), max_length=20, default="web", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["session", "status"], name="reservation_session_status"),
            models.Index(fields=["course", "status"], name="reservation_course_status"),
            models.Index(fields=["email"], name="reservation_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, course__isnull=True)
                | Q(session__isnull=True, course__isnull=False),
                name="reservation_session_xor_course",
            ),
            models.CheckConstraint(condition=Q(adults__gte=1), name="reservation_adults_min"),
            models.CheckConstraint(
                condition=Q(childcare__lte=models.F("children")),
                name="reservation_childcare_within_children",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ReservationStatus]),
                name="reservation_status_valid",
            ),
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=[s.value for s in LIVE]),
                name="reservation_one_live_per_email_session",
            ),
            models.UniqueConstraint(
                fields=["course", "email"],
                condition=Q(status__in=[s.value for s in LIVE]),
                name="reservation_one_live_per_email_course",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def holds_seats(self) -> bool:
        return self.status in SEAT_HOLDING

    def needs_text(self) -> str:
        """What the family asked the facility to prepare, in the active language."""
        return needs_text(self.needs, self.needs_detail)


class ReservationHistory(models.Model):
    """One status change of a reservation: who, when, from, to, why."""

    reservation = models.ForeignKey(
        Reservation,
        on_delete=models.CASCADE,
        related_name="history",
        verbose_name=_("reservation"),
    )
    # The audit log's words (staffdesk.StaffAction), in a context of their own: these are the
    # parents' side's msgids, whose やさしい日本語 carries ふりがな.
    at = models.DateTimeField(pgettext_lazy("status change", "when"), auto_now_add=True)
    from_status = models.CharField(_("status before"), max_length=20, blank=True)
    to_status = models.CharField(_("status after"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("staff user"),
    )
    actor_label = models.CharField(pgettext_lazy("status change", "who"), max_length=100)
    # The words a person gave (staff, or a parent through the API), kept as typed; what the
    # system says is ``note`` (with the draw order it names), worded by ``history_text``.
    reason = models.TextField(pgettext_lazy("status change", "reason"), blank=True)
    note = models.CharField(
        pgettext_lazy("status change", "system's note"),
        max_length=30,
        choices=HistoryNote.choices,
        blank=True,
    )
    rank = models.PositiveIntegerField(
        pgettext_lazy("status change", "draw order"), null=True, blank=True
    )
    # A move's date left (``HistoryNote.MOVED``): a later booking of that date by the same
    # address must send invites that outrank the CANCEL the move sent (calendars.invites).
    left_session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("status change", "date left"),
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        # The admin shows it above each row of a reservation's history: the statuses' words.
        before = status_label(self.from_status) or "-"
        return f"{self.reservation_id}: {before} → {status_label(self.to_status)}"


class LotteryDraw(models.Model):
    """The recorded draw of a lottery session: seed and order, so the draw can be shown fair."""

    session = models.OneToOneField(
        Session,
        on_delete=models.CASCADE,
        related_name="lottery_draw",
        verbose_name=_("session"),
    )
    seed = models.CharField(_("seed"), max_length=64)
    order = models.JSONField(
        _("drawn order"), default=list, help_text=_("Reservation ids in drawn order")
    )
    winners = models.JSONField(_("winners"), default=list)
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("drawn by"),
    )
    confirmation_deadline = models.DateTimeField(_("winners confirm by"), null=True, blank=True)

    class Meta:
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")

    def __str__(self) -> str:
        return gettext("Lottery draw: %(session)s") % {"session": self.session}


class IdempotencyKey(models.Model):
    """The first answer to a request sent with an Idempotency-Key header, replayed on retries."""

    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class MyReservationsLink(models.Model):
    """An emailed "my reservations" link: a random token for one address, only its hash kept.

    It opens the address's reservation list until ``expires_at`` (24 hours), as often as the
    parent likes; the daily retention job deletes it afterwards.
    """

    email = models.EmailField(max_length=254, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("my reservations link")
        verbose_name_plural = _("my reservations links")

    def __str__(self) -> str:
        return f"my reservations link until {self.expires_at:%Y-%m-%d %H:%M}"
