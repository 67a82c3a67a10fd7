"""Staff see every email a reservation caused and its state; rows are written by services only."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booking.admin import ReservationAdmin
from booking.models import Reservation
from core.admin import LanguageFilter, ReadOnlyAdmin, language_name
from events.selectors import staff_facility_ids
from notifications.models import Notification, NotificationStatus
from notifications.services import notification_retry, scrub_payload

READ_ONLY = [
    "kind",
    "status",
    "to_email",
    "language_name",
    "reservation",
    "due_at",
    "attempts",
    "sent_at",
    "last_error",
    "message_id",
    "claimed_at",
    "claimed_by",
    "created_at",
    "details",
]


def facility_scope(queryset, user):
    """Limit rows to the facilities the user works at; rows of no reservation: superusers."""
    ids = staff_facility_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(
        Q(reservation__session__facility_id__in=ids) | Q(reservation__course__facility_id__in=ids)
    )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "to_email",
        "reservation",
        "due_at",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind", LanguageFilter]
    search_fields = ["to_email", "reservation__code", "message_id"]
    list_select_related = ["reservation"]
    date_hierarchy = "due_at"
    readonly_fields = READ_ONLY
    fields = READ_ONLY
    actions = ["send_again"]

    @admin.display(description=_("language"))
    def language_name(self, obj: Notification) -> str:
        return language_name(obj.language)

    @admin.display(description=_("details"))
    def details(self, obj: Notification) -> str:
        # Never show a link that carries a token, even before the row is sent.
        return ", ".join(f"{key}={value}" for key, value in scrub_payload(obj.payload).items())

    def get_queryset(self, request):
        return facility_scope(super().get_queryset(request), request.user)

    @admin.action(description=_("Send the selected failed or skipped emails again"))
    def send_again(self, request, queryset):
        done = sum(
            notification_retry(n)
            for n in queryset.filter(
                status__in=[NotificationStatus.FAILED, NotificationStatus.SKIPPED]
            )
        )
        self.message_user(
            request,
            ngettext("%(n)d email queued again.", "%(n)d emails queued again.", done) % {"n": done},
            messages.SUCCESS if done else messages.WARNING,
        )

    def get_actions(self, request):
        # The action changes rows; the model admin itself is read-only, so check it here.
        actions = super().get_actions(request)
        if not request.user.has_perm("notifications.change_notification"):
            actions.pop("send_again", None)
        return actions


class NotificationInline(ReadOnlyAdmin, admin.TabularInline):
    """The emails of one reservation, on its admin page."""

    model = Notification
    extra = 0
    can_delete = False
    fields = ["kind", "status", "due_at", "sent_at", "attempts", "last_error"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    show_change_link = True


# A reservation's page in the admin lists its emails too. Booking's admin knows nothing of
# notifications (it is the lower app), so the inline is added here, above it.
admin.site.unregister(Reservation)


@admin.register(Reservation)
class ReservationWithEmailsAdmin(ReservationAdmin):
    inlines = [*ReservationAdmin.inlines, NotificationInline]
