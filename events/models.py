"""The catalogue: facilities, programmes (event series and their rules), courses, sessions,
staff memberships."""

from datetime import time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.dates import format_day_time


class Audience(models.TextChoices):
    FATHERS = "fathers", _("Fathers")
    EXPECTANT_PARENTS = "expectant_parents", _("Expectant parents")
    PARENTS_AGE_BAND = "parents_age_band", _("Parents of children in an age band")
    MEMBER_MANAGERS = "member_managers", _("Managers of member companies")
    ANYONE = "anyone", _("Anyone")


class BookingMode(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first served")
    LOTTERY = "lottery", _("Lottery")


class PartyCounting(models.TextChoices):
    ADULTS_ONLY = "adults_only", _("Adults only")
    ADULTS_AND_CHILDREN = "adults_and_children", _("Adults and children")
    CHILDREN_SEPARATE = "children_separate", _("Children with their own limit")


def default_reminder_offsets() -> list[int]:
    return [24]


class Facility(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=300)
    access = models.TextField(_("access notes"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    quiet_hours_start = models.TimeField(
        _("quiet hours start"),
        default=time(21, 0),
        help_text=_("Reminders and waiting-list news wait until quiet hours end."),
    )
    quiet_hours_end = models.TimeField(_("quiet hours end"), default=time(7, 0))
    noreply_email = models.EmailField(
        _("no-reply sender"),
        blank=True,
        help_text=_("Sender and calendar ORGANIZER; empty: the site's default sender."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["city", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="facility_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="facility_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="facility_lat_lon_together",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# Programmes are listed everywhere (admin, API, selects, the report) in the centre's chosen order,
# as its reports to the city list 事業: a title's code points are no order a person recognises.
PROGRAM_ORDER = ("display_order", "title", "id")


class Program(models.Model):
    """An event series, e.g. まつさかスマイルパパ講座; its rules apply to every session."""

    title = models.CharField(_("title"), max_length=200)
    display_order = models.PositiveSmallIntegerField(
        _("display order"),
        default=0,
        help_text=_(
            "Lower numbers come first; programmes with the same number are listed by title."
        ),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("audience"), max_length=30, choices=Audience.choices, default=Audience.ANYONE
    )
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    eligibility_note = models.TextField(
        _("eligibility explained"), blank=True, help_text=_("Shown to parents before the form.")
    )
    # Eligibility rules, checked when a parent reserves.
    requires_due_date = models.BooleanField(_("asks for the expected due date"), default=False)
    requires_child_ages = models.BooleanField(_("asks for children's ages"), default=False)
    child_age_min_months = models.PositiveSmallIntegerField(
        _("youngest child age (months)"), null=True, blank=True
    )
    child_age_max_months = models.PositiveSmallIntegerField(
        _("oldest child age (months)"), null=True, blank=True
    )
    requires_residency = models.BooleanField(_("residents of the city only"), default=False)
    requires_company = models.BooleanField(_("asks for the member company"), default=False)
    booking_mode = models.CharField(
        _("booking mode"),
        max_length=20,
        choices=BookingMode.choices,
        default=BookingMode.FIRST_COME,
    )
    party_counting = models.CharField(
        _("how a party is counted"),
        max_length=30,
        choices=PartyCounting.choices,
        default=PartyCounting.ADULTS_AND_CHILDREN,
    )
    max_adults = models.PositiveSmallIntegerField(_("adults per reservation (max)"), default=2)
    max_children = models.PositiveSmallIntegerField(_("children per reservation (max)"), default=3)
    childcare_offered = models.BooleanField(_("childcare (託児) offered"), default=False)
    waitlist_enabled = models.BooleanField(_("waiting list"), default=True)
    waitlist_cutoff = models.DurationField(
        _("waiting list closes before start"), default=timedelta(hours=2)
    )
    waitlist_limit = models.PositiveIntegerField(
        _("waiting list limit (parties)"),
        null=True,
        blank=True,
        help_text=_("キャンセル待ち上限: parties the list takes per session. Empty: no limit."),
    )
    lottery_confirmation_required = models.BooleanField(
        _("lottery winners must confirm"), default=True
    )
    lottery_confirmation_period = models.DurationField(
        _("time to confirm a lottery win"), default=timedelta(days=3)
    )
    priority_groups = models.JSONField(
        _("lottery priority groups"),
        default=list,
        blank=True,
        help_text=_(
            'Ordered list, e.g. [{"key": "first_time", "label": "初めての参加", "label_en": '
            '"First time"}] (a label_<language> per language); '
            "applicants in an earlier group are drawn first."
        ),
    )
    reminder_offsets = models.JSONField(
        _("reminders (hours before start)"),
        default=default_reminder_offsets,
        blank=True,
        help_text=_("e.g. [24] for the day before, [24, 3] to add a same-day reminder."),
    )
    calendar_alarm = models.BooleanField(
        _("alarm in calendar invites (a day before)"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = PROGRAM_ORDER
        constraints = [
            models.CheckConstraint(
                condition=Q(child_age_min_months__isnull=True)
                | Q(child_age_max_months__isnull=True)
                | Q(child_age_min_months__lte=F("child_age_max_months")),
                name="program_child_age_order",
            ),
            models.CheckConstraint(condition=Q(max_adults__gte=1), name="program_max_adults_min"),
        ]

    def __str__(self) -> str:
        return self.title


class Course(models.Model):
    """Sessions of one programme that are booked together as a whole."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="courses", verbose_name=_("programme")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="courses", verbose_name=_("facility")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


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


class StaffRole(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    DESK = "desk", _("Desk")
    MANAGER = "manager", _("Manager")


class StaffMembership(models.Model):
    """A staff user's role at one facility."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("staff user"),
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("facility")
    )
    role = models.CharField(
        pgettext_lazy("staff membership", "role"),
        max_length=20,
        choices=StaffRole.choices,
        default=StaffRole.MANAGER,
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "facility"], name="staff_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.facility} ({self.get_role_display()})"
