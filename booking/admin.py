"""The admin of reservations, their history and lottery draws (read-mostly, scoped)."""

from django.contrib import admin

from booking.models import LotteryDraw, Reservation, ReservationHistory
from events.selectors import staff_facility_ids


class HistoryInline(admin.TabularInline):
    model = ReservationHistory
    extra = 0
    can_delete = False
    readonly_fields = ["at", "from_status", "to_status", "actor", "actor_label", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "session",
        "course",
        "status",
        "adults",
        "children",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["code", "name", "name_kana", "email"]
    list_select_related = ["session__program", "course"]
    readonly_fields = [
        "code",
        "status",
        "session",
        "course",
        "seats",
        "child_seats",
        "draw_rank",
        "source",
        "created_at",
        "updated_at",
    ]
    exclude = ["token_hash"]
    inlines = [HistoryInline]  # notifications.admin adds the reservation's emails

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = staff_facility_ids(request.user)
        if ids is None:
            return qs
        return qs.filter(session__facility_id__in=ids) | qs.filter(course__facility_id__in=ids)

    def has_add_permission(self, request):
        return False  # reservations are made through the booking rules, not raw rows


@admin.register(LotteryDraw)
class LotteryDrawAdmin(admin.ModelAdmin):
    list_display = ["session", "seed", "drawn_at", "drawn_by", "confirmation_deadline"]
    readonly_fields = [
        "session",
        "seed",
        "order",
        "winners",
        "drawn_at",
        "drawn_by",
        "confirmation_deadline",
    ]

    def has_add_permission(self, request):
        return False
