"""A facility's month: series of sessions published at once, and the days it is closed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Facility, Program, Session
from schedule.naming import rule_label, series_name


class OpensRule(models.TextChoices):
    DAYS_BEFORE = "days_before", _("A number of days before each session")
    PREVIOUS_MONTH_FIRST = "previous_month_first", _("On the 1st of the month before")


class Series(models.Model):
    """A repeating pattern of a programme at a facility, and the sessions published from it.

    Each session keeps a link to its series (``SeriesSession``); the session rows are the
    truth afterwards (a staff change to one session is not undone by its series).
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="series")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="series")
    title = models.CharField(_("title"), max_length=200, blank=True)
    weekdays = models.JSONField(_("weekdays (ISO, Monday = 1)"), default=list)
    nth = models.JSONField(_("weeks of the month (1-5), empty: every week"), default=list)
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    capacity = models.PositiveIntegerField(_("capacity"))
    children_capacity = models.PositiveIntegerField(_("children's places"), null=True, blank=True)
    childcare_capacity = models.PositiveIntegerField(_("childcare places"), null=True, blank=True)
    opens_rule = models.CharField(
        _("registration opens"),
        max_length=30,
        choices=OpensRule.choices,
        default=OpensRule.DAYS_BEFORE,
    )
    opens_days_before = models.PositiveSmallIntegerField(_("opens days before"), default=30)
    opens_time = models.TimeField(_("opens at"))
    closes_days_before = models.PositiveSmallIntegerField(_("closes days before"), default=1)
    closes_time = models.TimeField(_("closes at"))
    cancel_days_before = models.PositiveSmallIntegerField(_("cancel days before"), default=1)
    cancel_time = models.TimeField(_("cancel by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["-first_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="series_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(last_date__gte=models.F("first_date")),
                name="series_last_date_not_before_first",
            ),
            # The rules of schedule.services (pattern_errors, series_change_later), held by the
            # database too: a series keeps a seat (a single session may have none at the desk),
            # falls on some day of the week, and closes registration and cancellations no later
            # than the start on the day itself.
            models.CheckConstraint(condition=Q(capacity__gte=1), name="series_capacity_min"),
            models.CheckConstraint(condition=~Q(weekdays=[]), name="series_has_weekdays"),
            models.CheckConstraint(
                condition=Q(closes_days_before__gt=0) | Q(closes_time__lte=models.F("start_time")),
                name="series_closes_before_start",
            ),
            models.CheckConstraint(
                condition=Q(cancel_days_before__gt=0) | Q(cancel_time__lte=models.F("start_time")),
                name="series_cancel_by_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.first_date}〜{self.last_date}"

    @property
    def rule_label(self) -> str:
        """The days it falls on: 毎週水曜, 第2・4水曜."""
        return rule_label(self.weekdays, self.nth)

    @property
    def name(self) -> str:
        """What staff call it: 毎週水曜 10:00 ブックスタート (never its id)."""
        return series_name(
            weekdays=self.weekdays,
            nth=self.nth,
            start=self.start_time,
            title=self.title or self.program.title,
        )


class SeriesSession(models.Model):
    """The link of a session to the series it was published from."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="links")
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="series_link")

    class Meta:
        verbose_name = _("session of a series")
        verbose_name_plural = _("sessions of series")

    def __str__(self) -> str:
        return f"{self.series_id}: {self.session_id}"


class ClosedDay(models.Model):
    """A day a facility is closed beyond public holidays and 年末年始 (12/29-1/3)."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="closed_days", verbose_name=_("facility")
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "date"], name="one_closed_day_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.date} {self.name}"
