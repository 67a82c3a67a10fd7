"""Admin for operators: counsellors with their weekly hours and days off, consultation types.

Appointments are read here, never edited: bookings, blocks and cancellations go through the
services (the API), which keep the one-holder-per-slot rule and send the emails. The
questionnaire's answers are not shown here (only the counsellor and the facility's managers
read them, through the staff API).
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from consultations.models import (
    Appointment,
    AvailabilityWindow,
    ConsultationType,
    Counsellor,
    CounsellorLeave,
)


class WindowInline(admin.TabularInline):
    model = AvailabilityWindow
    extra = 1


class LeaveInline(admin.TabularInline):
    model = CounsellorLeave
    extra = 1


@admin.register(Counsellor)
class CounsellorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "role", "facility", "active"]
    list_filter = ["facility", "role"]
    inlines = [WindowInline, LeaveInline]


@admin.register(ConsultationType)
class ConsultationTypeAdmin(TranslationAdmin):  # a tab per language (consultations.translation)
    list_display = ["title", "facility", "minutes", "buffer_minutes", "mode", "published"]
    list_filter = ["facility", "mode"]
    filter_horizontal = ["counsellors"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["code", "start", "counsellor", "consultation_type", "status"]
    list_filter = ["status", "counsellor__facility"]
    readonly_fields = [field.name for field in Appointment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
