"""Programmes (event series and the booking rules every session of one follows) and courses
(sessions of one programme booked together)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from events.models.facilities import Facility
from events.models.members import MemberList


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
    asks_attendee_names = models.BooleanField(
        _("asks the name of each adult who comes"),
        default=False,
        help_text=_(
            "For a seminar a company books for its managers: the booking names everyone who "
            "comes, one name per adult, for the roster and name cards."
        ),
    )
    member_list = models.ForeignKey(
        MemberList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programs",
        verbose_name=_("member list of the audience"),
        help_text=_(
            "Only the active members of this list can book; the company is chosen from it."
        ),
    )
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

    def clean(self) -> None:
        if self.member_list_id and not self.requires_company:
            raise ValidationError(
                {"requires_company": _("A programme for a member list asks for the company.")}
            )


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
