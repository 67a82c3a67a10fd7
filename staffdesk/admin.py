"""The staff desk's admin: sessions (a change tells the parties), and the audit log."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from booking.models import actor_text
from core.admin import ReadOnlyAdmin
from core.errors import AppError, AppValidationError, errors_on_form
from events import services as catalogue
from events.admin import FacilityScopedAdmin
from events.models import Session
from staffdesk.models import StaffAction
from staffdesk.services import session_cancel_all, session_update


@admin.register(StaffAction)
class StaffActionAdmin(ReadOnlyAdmin, FacilityScopedAdmin):
    """The audit log, read-only; staff see their own facilities' entries."""

    list_display = ["at", "who", "kind", "facility", "session", "reservation", "reason"]
    list_filter = ["kind", "facility"]
    search_fields = ["actor_label", "reason", "reservation__code"]
    date_hierarchy = "at"
    list_select_related = ["facility", "session__program", "reservation"]
    readonly_fields = [
        "at",
        "actor",
        "who",
        "kind",
        "facility",
        "session",
        "reservation",
        "reason",
        "before",
        "after",
    ]

    fields = readonly_fields

    @admin.display(description=_("who"), ordering="actor_label")
    def who(self, obj: StaffAction) -> str:
        return actor_text(obj.actor_label)


class SessionAdminForm(forms.ModelForm):
    """The catalogue's rules for a session (``events.services.session_validate``), said on the
    form's own fields: a session they refuse is shown again, never saved."""

    def clean(self):
        cleaned = super().clean()
        try:
            catalogue.session_validate(cleaned)
        except AppValidationError as exc:
            errors_on_form(self, exc, lambda name: name if name in self.fields else None)
        return cleaned


@admin.register(Session)
class SessionAdmin(FacilityScopedAdmin):
    form = SessionAdminForm
    list_display = [
        "__str__",
        "facility",
        "start",
        "capacity",
        "seats_taken",
        "status",
    ]
    list_filter = ["status", "facility", "program"]
    date_hierarchy = "start"
    search_fields = ["title", "program__title", "facility__name"]
    readonly_fields = ["seats_taken", "children_taken", "childcare_taken", "sequence", "status"]
    list_select_related = ["program", "facility"]
    actions = ["cancel_sessions"]

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if change:
                session_update(session=obj, by=request.user, **values)
            else:
                catalogue.session_create(by=request.user, **form.cleaned_data)
        except AppError as exc:
            self.message_user(request, str(exc.message), level=messages.ERROR)

    @admin.action(
        description=_("Cancel the selected sessions (everyone is told)"), permissions=["change"]
    )
    def cancel_sessions(self, request, queryset):
        # Only sessions of facilities the user manages (a viewer's are read-only here).
        for session in queryset:
            if self.manages(request, session):
                session_cancel_all(session=session, by=request.user, reason="")
        self.message_user(request, _("Cancelled."))
