"""Sessions: one dated occurrence of a programme at a facility, with its seat counters, and
the longest a session may last."""

from datetime import timedelta

from django.db import NotSupportedError, models
from django.db.models import F, Func, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.dates import format_day_time
from events.models.facilities import Facility
from events.models.programs import Course, Program

# A centre's session lasts hours; an end days or decades after the start is a typing mistake
# (2100 for 2026), which would hold seats and sit in calendars for ever.
LONGEST_SESSION = timedelta(hours=24)


class EndsWithin(Func):
    """True when the second expression is at most ``seconds`` after the first, in each
    database's own SQL.

    A CHECK must hold for whatever opens the database, so it may not call the functions
    Django registers on its own SQLite connections (``F("end") - F("start")`` compiles to
    ``django_format_dtdelta`` there): SQLite's ``julianday`` with its own modifier instead,
    exact to the millisecond where subtracting two julian days is not; PostgreSQL's intervals.
    """

    arity = 2
    output_field = models.BooleanField()

    def __init__(self, start, end, *, seconds: int) -> None:
        super().__init__(start, end, seconds=int(seconds))

    def sides(self, compiler, connection) -> tuple[str, str, list]:
        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        return start_sql, end_sql, [*end_params, *start_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        start, end, params = self.sides(compiler, connection)
        seconds = self.extra["seconds"]
        return f"julianday({end}) <= julianday({start}, '+{seconds} seconds')", params

    def as_postgresql(self, compiler, connection, **extra_context):
        start, end, params = self.sides(compiler, connection)
        seconds = self.extra["seconds"]
        return f"{end} <= {start} + interval '{seconds} seconds'", params

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("EndsWithin is written for SQLite and PostgreSQL only.")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")


class Session(models.Model):
    """One dated occurrence of a programme at a facility."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("programme")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("facility")
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        related_name="sessions",
        null=True,
        blank=True,
        verbose_name=_("course"),
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Empty: the programme's title.")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveIntegerField(_("capacity"))
    children_capacity = models.PositiveIntegerField(
        _("children capacity"),
        null=True,
        blank=True,
        help_text=_("Only for programmes that give children their own limit."),
    )
    childcare_capacity = models.PositiveIntegerField(_("childcare capacity"), null=True, blank=True)
    registration_opens = models.DateTimeField(_("registration opens"))
    registration_closes = models.DateTimeField(_("registration closes"))
    cancellation_deadline = models.DateTimeField(_("cancellation deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    # Seats held by confirmed parties, kept in the same transaction as every reservation
    # change; the check constraints below make overbooking impossible at the database level.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    children_taken = models.PositiveIntegerField(
        _("children's seats taken"), default=0, editable=False
    )
    childcare_taken = models.PositiveIntegerField(
        _("childcare places taken"), default=0, editable=False
    )
    waitlist_limit = models.PositiveIntegerField(
        _("waiting list limit (parties)"),
        null=True,
        blank=True,
        help_text=_("Empty: the programme's limit."),
    )
    # Parties on the waiting list now, and the places ever given on it (the next party's
    # ticket): kept in the transaction that changes the list, like the seat counters.
    waitlist_taken = models.PositiveIntegerField(
        _("parties on the waiting list"), default=0, editable=False
    )
    waitlist_joined = models.PositiveIntegerField(
        _("parties that joined the waiting list (all time)"), default=0, editable=False
    )
    # RFC 5545 SEQUENCE: raised on every change of time, place or status.
    sequence = models.PositiveIntegerField(_("calendar update number"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["start"], name="session_start_idx"),
            models.Index(fields=["facility", "start"], name="session_facility_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="session_end_after_start"),
            models.CheckConstraint(
                condition=EndsWithin("start", "end", seconds=int(LONGEST_SESSION.total_seconds())),
                name="session_at_most_longest",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=0), name="session_capacity_nonneg"),
            models.CheckConstraint(
                condition=Q(registration_opens__lt=F("registration_closes")),
                name="session_registration_window_order",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes__lte=F("start")),
                name="session_registration_closes_before_start",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_deadline__lte=F("start")),
                name="session_cancellation_deadline_before_start",
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="session_seats_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(children_capacity__isnull=True)
                | Q(children_taken__lte=F("children_capacity")),
                name="session_children_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(childcare_capacity__isnull=True, childcare_taken=0)
                | Q(childcare_taken__lte=F("childcare_capacity")),
                name="session_childcare_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        # In Japan time and the desk's form (core.dates), in the admin's lists and dropdowns.
        return f"{self.display_title} {format_day_time(self.start, get_language())}"

    @property
    def display_title(self) -> str:
        return self.title or self.program.title

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def children_left(self) -> int | None:
        if self.children_capacity is None:
            return None
        return max(self.children_capacity - self.children_taken, 0)

    @property
    def waitlist_capacity(self) -> int | None:
        """The parties this session's waiting list takes (None: no limit)."""
        if self.waitlist_limit is not None:
            return self.waitlist_limit
        return self.program.waitlist_limit

    @property
    def waitlist_left(self) -> int | None:
        """Places left on the waiting list (None: no limit)."""
        limit = self.waitlist_capacity
        return None if limit is None else max(limit - self.waitlist_taken, 0)

    @property
    def childcare_left(self) -> int:
        return max((self.childcare_capacity or 0) - self.childcare_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED
