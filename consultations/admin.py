"""Admin for operators: counsellors with their weekly hours and days off, consultation types.

Appointments are read here, never edited: bookings, blocks and cancellations go through the
services (the API), which keep the one-holder-per-slot rule and send the emails. The
questionnaire's answers are not shown here (only the counsellor and the facility's managers
read them, through the staff API).
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from booking.models import actor_text
from consultations.models import (
    Appointment,
    AvailabilityWindow,
    ConsultationAction,
    ConsultationType,
    Counsellor,
    CounsellorLeave,
)
from consultations.topics import topic_list_errors
from core.admin import ReadOnlyAdmin, language_name
from events.admin import FacilityScopedAdmin


class WindowInline(admin.TabularInline):
    model = AvailabilityWindow
    extra = 1


class LeaveInline(admin.TabularInline):
    model = CounsellorLeave
    extra = 1


@admin.register(Counsellor)
class CounsellorAdmin(TranslationAdmin):  # the shown name per language (consultations.translation)
    list_display = ["display_name", "role", "facility", "active"]
    list_filter = ["facility", "role"]
    inlines = [WindowInline, LeaveInline]


class ConsultationTypeForm(forms.ModelForm):
    """Topics: a list per language, item for item the Japanese one's translation; a list of
    another length is refused here (consultations.topics)."""

    def clean(self):
        cleaned = super().clean()
        fields = [build_localized_fieldname("topics", code) for code, _name in settings.LANGUAGES]
        lists = {field: cleaned.get(field) for field in fields if field in self.fields}
        for field, message in topic_list_errors(lists).items():
            self.add_error(field, message)
        return cleaned


@admin.register(ConsultationType)
class ConsultationTypeAdmin(TranslationAdmin):  # a tab per language (consultations.translation)
    form = ConsultationTypeForm
    list_display = [
        "title",
        "display_order",
        "facility",
        "minutes",
        "buffer_minutes",
        "mode",
        "published",
    ]
    # Operators set the order of every list of a facility's types here
    # (consultations.models.CONSULTATION_TYPE_ORDER), which the list itself follows; a user who
    # may only view consultation types sees the numbers.
    list_editable = ["display_order"]
    list_filter = ["facility", "mode"]
    filter_horizontal = ["counsellors"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["code", "start", "counsellor", "consultation_type", "status"]
    list_filter = ["status", "counsellor__facility"]
    # Every column but the manage token's hash (a credential's digest, of no use to staff);
    # the language by its name.
    readonly_fields = [
        "language_name" if f.name == "language" else f.name
        for f in Appointment._meta.fields
        if f.name != "token_hash"
    ]
    fields = readonly_fields

    @admin.display(description=_("language"))
    def language_name(self, obj: Appointment) -> str:
        return language_name(obj.language)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsultationAction)
class ConsultationActionAdmin(ReadOnlyAdmin, FacilityScopedAdmin):
    """The consultations' audit log, read-only; staff see their own facilities' entries."""

    list_display = ["at", "who", "kind", "facility", "appointment"]
    list_filter = ["kind", "facility"]
    search_fields = ["actor_label", "appointment__code"]
    date_hierarchy = "at"
    list_select_related = ["facility", "appointment"]
    readonly_fields = ["at", "actor", "who", "kind", "facility", "appointment", "after"]
    fields = readonly_fields

    @admin.display(description=_("who"), ordering="actor_label")
    def who(self, obj: ConsultationAction) -> str:
        return actor_text(obj.actor_label)
