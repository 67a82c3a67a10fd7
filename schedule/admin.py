"""The schedule's admin: a facility's closed days (年末年始 and public holidays need none),
scoped like the catalogue's (a staff member sees and picks only their own facilities)."""

from django.contrib import admin

from events.admin import FacilityScopedAdmin
from schedule.models import ClosedDay


@admin.register(ClosedDay)
class ClosedDayAdmin(FacilityScopedAdmin):
    list_display = ["date", "facility", "name"]
    list_filter = ["facility"]
    date_hierarchy = "date"
