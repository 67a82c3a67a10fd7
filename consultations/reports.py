"""The yearly report of consultations: how many were held (booked, done or missed; not cancelled
and not blocks) by consultation type and month of a fiscal year (April to March, 年度), with the
done and no-show totals, for the facilities a staff member works at (or one of them). The page,
its CSV (``consultations.report_csv``) and the staff API show the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count
from django.db.models.functions import TruncMonth

from consultations.models import (
    CONSULTATION_TYPE_BY_FACILITY_ORDER,
    Appointment,
    AppointmentStatus,
    ConsultationType,
)
from consultations.selectors import TOKYO
from core.fiscal_years import fiscal_months
from events.models import Facility
from events.selectors import staff_facilities, staff_facility_ids

COUNTED = (AppointmentStatus.BOOKED, AppointmentStatus.DONE, AppointmentStatus.NO_SHOW)


@dataclass
class TypeRow:
    kind: ConsultationType
    months: list[int]
    done: int = 0
    no_show: int = 0
    total: int = field(init=False, default=0)


@dataclass
class YearReport:
    fiscal_year: int
    months: list[date]
    rows: list[TypeRow]
    totals: list[int]
    total: int
    done: int = 0
    no_show: int = 0
    facility: Facility | None = None


def report_facilities(user) -> list[Facility]:
    """The facilities the user works at that offer consultations, in the city's order: the
    page's choice of facility."""
    return list(staff_facilities(user).filter(consultation_types__isnull=False).distinct())


def consultation_year(user, fiscal_year: int, facility: Facility | None = None) -> YearReport:
    """Count a fiscal year's consultations by type and month (Japan time), at the user's
    facilities or at one of them. Two queries."""
    months = fiscal_months(fiscal_year)
    begin = datetime.combine(months[0], time.min, TOKYO)
    end = datetime.combine(date(fiscal_year + 1, 4, 1), time.min, TOKYO)
    # Facilities in the city's order, as the programmes' report lists them; each one's types in
    # its order.
    kinds = ConsultationType.objects.select_related("facility").order_by(
        *CONSULTATION_TYPE_BY_FACILITY_ORDER
    )
    ids = staff_facility_ids(user)
    if ids is not None:
        kinds = kinds.filter(facility_id__in=ids)
    if facility is not None:
        kinds = kinds.filter(facility=facility)
    rows = {kind.pk: TypeRow(kind, [0] * 12) for kind in kinds}
    counts = (
        Appointment.objects.filter(
            consultation_type_id__in=rows, status__in=COUNTED, start__gte=begin, start__lt=end
        )
        .annotate(month=TruncMonth("start", tzinfo=TOKYO))
        .values("consultation_type_id", "month", "status")
        .annotate(n=Count("pk"))
    )
    for count in counts:
        row = rows[count["consultation_type_id"]]
        month = count["month"]
        month = month.date() if isinstance(month, datetime) else month
        row.months[months.index(month.replace(day=1))] += count["n"]
        if count["status"] == AppointmentStatus.DONE:
            row.done += count["n"]
        elif count["status"] == AppointmentStatus.NO_SHOW:
            row.no_show += count["n"]
    for row in rows.values():
        row.total = sum(row.months)
    totals = [sum(row.months[i] for row in rows.values()) for i in range(12)]
    return YearReport(
        fiscal_year,
        months,
        list(rows.values()),
        totals,
        sum(totals),
        done=sum(row.done for row in rows.values()),
        no_show=sum(row.no_show for row in rows.values()),
        facility=facility,
    )
