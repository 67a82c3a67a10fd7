"""The schedule's admin: a facility's closed days (年末年始 and public holidays need none)."""

from django.contrib import admin

from events.selectors import staff_facility_ids
from schedule.models import ClosedDay


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["date", "facility", "name"]
    list_filter = ["facility"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = staff_facility_ids(request.user)
        return qs if ids is None else qs.filter(facility_id__in=ids)
