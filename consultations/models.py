"""Counsellors, their weekly availability and leave, consultation types, appointments and the
questionnaire answers that only the counsellor and the facility's managers may read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.dates import format_day_time
from events.models import Facility, StaffLogEntry


class CounsellorRole(models.TextChoices):
    CONCIERGE = "concierge", _("Child-rearing concierge")
    PUBLIC_HEALTH_NURSE = "public_health_nurse", _("Public health nurse")
    CHILDCARE_WORKER = "childcare_worker", _("Childcare worker")
    OTHER = "other", _("Counsellor")


class Counsellor(models.Model):
    """Who listens: a staff member, or a named role staffed in turn (子育てコンシェルジュ)."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="counsellors", verbose_name=_("facility")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counsellor_roles",
        verbose_name=_("staff user"),
    )
    role = models.CharField(
        pgettext_lazy("counsellor", "role"), max_length=30, choices=CounsellorRole.choices
    )
    display_name = models.CharField(_("name shown to parents"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counsellor")
        verbose_name_plural = _("counsellors")
        ordering = ["facility_id", "pk"]

    def __str__(self) -> str:
        return f"{self.display_name} @ {self.facility}"


class AvailabilityWindow(models.Model):
    """A weekly window of a counsellor in Japan time, e.g. Tuesday 10:00-12:00."""

    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 = Monday, as date.weekday()
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        ordering = ["counsellor_id", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="consult_window_weekday"),
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="consult_window_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counsellor} {self.weekday} {self.start_time}-{self.end_time}"


class CounsellorLeave(models.Model):
    """A day a counsellor takes no consultations (leave, training, a facility closed day)."""

    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE, related_name="leaves")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("day off")
        verbose_name_plural = _("days off")
        constraints = [
            models.UniqueConstraint(fields=["counsellor", "date"], name="consult_leave_unique")
        ]

    def __str__(self) -> str:
        return f"{self.counsellor} {self.date}"


class ConsultationMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    ONLINE = "online", _("Online")


# Consultation types are listed everywhere (the parents' list, the APIs, the staff's plan and
# report, the admin) each facility's together, in the order its centre chooses, as programmes are
# (events.models.PROGRAM_ORDER): a title's code points are no order a person recognises. By the
# facility's id, not its name: the services' row locks (``select_for_update().first()``) take
# this order, and a join would lock the facility's row too.
CONSULTATION_TYPE_ORDER = ("facility_id", "display_order", "title", "id")
# Where people see several facilities' types (the parents' list, the API, the report): the
# facilities in the city's order (ordering by the relation follows Facility's own,
# events.models.FACILITY_ORDER), each one's types in its own.
CONSULTATION_TYPE_BY_FACILITY_ORDER = ("facility", *CONSULTATION_TYPE_ORDER)


class ConsultationType(models.Model):
    """What a family can book at a facility (入園相談, 30 minutes + 10 minutes' buffer)."""

    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        related_name="consultation_types",
        verbose_name=_("facility"),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    display_order = models.PositiveSmallIntegerField(
        _("display order"),
        default=0,
        help_text=_(
            "Lower numbers come first; consultation types with the same number are listed by title."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("who it is for"), max_length=200, blank=True)
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    buffer_minutes = models.PositiveSmallIntegerField(_("buffer (minutes)"), default=0)
    mode = models.CharField(
        _("mode"), max_length=20, choices=ConsultationMode.choices, default="in_person"
    )
    online_link = models.URLField(_("online link"), blank=True)
    opens_days_ahead = models.PositiveSmallIntegerField(_("bookable from (days ahead)"), default=1)
    closes_weeks_ahead = models.PositiveSmallIntegerField(
        _("bookable up to (weeks ahead)"), default=4
    )
    cancel_hours_before = models.PositiveSmallIntegerField(
        _("cancel or change until (hours before)"), default=24
    )
    max_held_per_family = models.PositiveSmallIntegerField(_("held at once per family"), default=1)
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder (hours before, 0: none)"), default=24
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    counsellors = models.ManyToManyField(
        Counsellor, related_name="consultation_types", verbose_name=_("counsellors")
    )
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("consultation type")
        verbose_name_plural = _("consultation types")
        ordering = CONSULTATION_TYPE_ORDER
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=5), name="consult_type_minutes"),
            models.CheckConstraint(
                condition=Q(max_held_per_family__gte=1), name="consult_type_max_held"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    BLOCKED = "blocked", _("Blocked")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")
    NO_SHOW = "no_show", _("No-show")


# The statuses that hold a counsellor's time: at most one such row per counsellor and start.
HOLDING = (AppointmentStatus.BOOKED, AppointmentStatus.BLOCKED, AppointmentStatus.DONE)


class Appointment(models.Model):
    """One family (or a staff block) holding one counsellor's slot."""

    consultation_type = models.ForeignKey(
        ConsultationType,
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        verbose_name=_("consultation type"),
    )
    counsellor = models.ForeignKey(
        Counsellor,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("counsellor"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # The end including the buffer: what the counsellor's time is held until.
    held_until = models.DateTimeField(_("held until (buffer included)"))
    status = models.CharField(
        _("status"), max_length=20, choices=AppointmentStatus.choices, default="booked"
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=10, default="ja")
    booked_by_staff = models.BooleanField(_("booked by staff"), default=False)
    # The calendar invite's SEQUENCE: raised by each move (a REQUEST) and by the cancellation.
    sequence = models.PositiveIntegerField(_("calendar update number"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start", "pk"]
        constraints = [
            # Two families can never hold the same slot, whatever the code above does. Times that
            # overlap without starting together (two types of different lengths) are refused by
            # the migration 0002's exclusion constraint (PostgreSQL) or triggers (SQLite).
            models.UniqueConstraint(
                fields=["counsellor", "start"],
                condition=Q(status__in=HOLDING),
                name="consult_one_holder_per_slot",
            ),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="consult_appt_order"),
            models.CheckConstraint(
                condition=Q(end__lte=F("held_until")), name="consult_appt_held_until"
            ),
        ]
        indexes = [models.Index(fields=["counsellor", "start"], name="consult_appt_cs")]

    def __str__(self) -> str:
        return f"{self.code} {format_day_time(self.start, get_language())}"


class AppointmentAnswers(models.Model):
    """The questionnaire: read only by the counsellor and the facility's managers."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="answers"
    )
    child_age_months = models.PositiveSmallIntegerField(_("child's age (months)"), null=True)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    free_text = models.TextField(_("what you would like to talk about"), blank=True)
    staff_note = models.TextField(_("private note"), blank=True)

    class Meta:
        verbose_name = _("questionnaire answers")
        verbose_name_plural = _("questionnaire answers")

    def __str__(self) -> str:
        return f"answers of {self.appointment_id}"


class ConsultationActionKind(models.TextChoices):
    BOOKED = "booked", _("Booked for the family")
    CANCELLED = "cancelled", _("Cancelled for the family")
    BLOCKED = "blocked", _("Time blocked")
    UNBLOCKED = "unblocked", _("Block lifted")
    CLOSED = "closed", _("Outcome saved")
    NOTE = "note", _("Private note saved")
    SEARCH = "search", _("Appointments searched")


class ConsultationAction(StaffLogEntry):
    """The consultations' audit log (操作履歴): what a staff member did to an appointment, and
    each search of the families' appointments, as the desk's log keeps the staff's actions on
    bookings. It holds codes, statuses and times, never a family's name, number or answers, so
    an erasure leaves nothing of the family in it."""

    kind = models.CharField(_("what"), max_length=20, choices=ConsultationActionKind.choices)
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("appointment"),
    )
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        verbose_name = _("consultation staff action")
        verbose_name_plural = _("consultation staff actions")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["appointment", "at"], name="consult_action_appt_at"),
            models.Index(fields=["facility", "at"], name="consult_action_facility_at"),
        ]

    def __str__(self) -> str:
        return f"{format_day_time(self.at, get_language())} {self.get_kind_display()}"
