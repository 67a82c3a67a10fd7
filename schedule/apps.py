"""The schedule app's configuration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "schedule"
    verbose_name = _("Monthly schedule")

    def ready(self) -> None:
        # The consultations app (below) cannot read closed days: it asks the readers registered
        # with it, so its free slots skip the facility's closed days and 年末年始.
        from consultations.closures import register_closed_dates
        from schedule.closed_days import closed_dates

        register_closed_dates("schedule", closed_dates)
