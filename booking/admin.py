"""The admin of reservations, their history and lottery draws (read-mostly, scoped).

Values the services store as codes (a status in the history, who acted, what the system noted
of a change, where a booking came from) are shown in the words of the staff desk
(staffdesk/terms.py, docs/glossary.md).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from booking.models import (
    LotteryDraw,
    Reservation,
    ReservationHistory,
    actor_text,
    history_text,
    status_label,
)
from core.admin import EmptyJSONAsDefault
from events.selectors import staff_facility_ids

# Where a booking came from (Reservation.source).
SOURCES = {
    "web": pgettext_lazy("booked through", "Parents' pages"),
    "api": pgettext_lazy("booked through", "API"),
    "walk_in": pgettext_lazy("booked through", "Walk-in"),
    "phone": pgettext_lazy("booked through", "Phone booking"),
    "demo": pgettext_lazy("booked through", "Demo data"),
}


class HistoryInline(admin.TabularInline):
    model = ReservationHistory
    extra = 0
    can_delete = False
    fields = ["at", "status_before", "status_after", "actor", "who", "why"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status before"))
    def status_before(self, obj: ReservationHistory) -> str:
        return status_label(obj.from_status) or "-"

    @admin.display(description=_("status after"))
    def status_after(self, obj: ReservationHistory) -> str:
        return status_label(obj.to_status)

    @admin.display(description=pgettext_lazy("status change", "who"))
    def who(self, obj: ReservationHistory) -> str:
        return actor_text(obj.actor_label)

    @admin.display(description=pgettext_lazy("status change", "reason"))
    def why(self, obj: ReservationHistory) -> str:
        return history_text(obj)


@admin.register(Reservation)
class ReservationAdmin(EmptyJSONAsDefault, admin.ModelAdmin):
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
        # Changed on the party's page, where the rules want one name per adult.
        "attendee_names",
        "seats",
        "child_seats",
        "draw_rank",
        # Counters the invites' SEQUENCE is made of: they only ever rise (calendars.invites).
        "party_changes",
        "moves",
        "booked_through",
        "created_at",
        "updated_at",
    ]
    exclude = ["token_hash"]
    inlines = [HistoryInline]  # notifications.admin adds the reservation's emails

    @admin.display(description=_("booked through"))
    def booked_through(self, obj: Reservation) -> str:
        return str(SOURCES.get(obj.source, obj.source))

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
    list_select_related = ["session__program", "drawn_by"]
    readonly_fields = [
        "session",
        "seed",
        "order",
        "winners",
        "drawn_at",
        "drawn_by",
        "confirmation_deadline",
    ]

    def get_queryset(self, request):
        # Staff with admin access see their own facilities' draws, as on the desk.
        qs = super().get_queryset(request)
        ids = staff_facility_ids(request.user)
        return qs if ids is None else qs.filter(session__facility_id__in=ids)

    def has_add_permission(self, request):
        return False
