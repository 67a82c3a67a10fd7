from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import AppError
from events import services
from events.models import Course, Facility, Program, Session, StaffMembership
from events.selectors import staff_facility_ids


class FacilityScopedAdmin(admin.ModelAdmin):
    """Staff see and change only their own facilities' rows; superusers see all."""

    facility_lookup = "facility_id"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = staff_facility_ids(request.user)
        return qs if ids is None else qs.filter(**{f"{self.facility_lookup}__in": ids})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "facility":
            ids = staff_facility_ids(request.user)
            if ids is not None:
                kwargs["queryset"] = Facility.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Facility)
class FacilityAdmin(FacilityScopedAdmin):
    facility_lookup = "id"
    list_display = ["name", "city", "address", "phone"]
    list_filter = ["city"]
    search_fields = ["name", "name_en", "address"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "booking_mode", "party_counting", "childcare_offered"]
    list_filter = ["audience", "booking_mode", "party_counting"]
    search_fields = ["title", "title_en", "description"]
    prepopulated_fields = {"slug": ["title_en"]}
    fieldsets = [
        (
            None,
            {"fields": ["title", "title_en", "slug", "description", "audience", "what_to_bring"]},
        ),
        (
            _("Eligibility"),
            {
                "fields": [
                    "eligibility_note",
                    "requires_due_date",
                    "requires_child_ages",
                    "child_age_min_months",
                    "child_age_max_months",
                    "requires_residency",
                    "requires_company",
                ]
            },
        ),
        (
            _("Booking"),
            {
                "fields": [
                    "booking_mode",
                    "party_counting",
                    "max_adults",
                    "max_children",
                    "childcare_offered",
                    "waitlist_enabled",
                    "waitlist_cutoff",
                    "lottery_confirmation_required",
                    "lottery_confirmation_period",
                    "priority_groups",
                ]
            },
        ),
    ]


@admin.register(Course)
class CourseAdmin(FacilityScopedAdmin):
    list_display = ["title", "program", "facility"]
    list_filter = ["program", "facility"]
    search_fields = ["title"]


@admin.register(Session)
class SessionAdmin(FacilityScopedAdmin):
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
                services.session_update(session=obj, by=request.user, **values)
            else:
                services.session_create(by=request.user, **form.cleaned_data)
        except AppError as exc:
            self.message_user(request, str(exc.message), level=messages.ERROR)

    @admin.action(description=_("Cancel the selected sessions (everyone is told)"))
    def cancel_sessions(self, request, queryset):
        for session in queryset:
            services.session_cancel(session=session, by=request.user, reason="")
        self.message_user(request, _("Cancelled."))


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "facility", "role"]
    list_filter = ["role", "facility"]
    search_fields = ["user__email", "user__username"]
