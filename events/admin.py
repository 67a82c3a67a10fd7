"""The catalogue's admin: facilities, programmes, member lists, courses and staff memberships,
scoped.

Translated text (names, titles, descriptions, addresses) gets one field per language
(``events.translation``); only the Japanese is required.

Sessions are administered by the staff desk (``staffdesk.admin``): changing one tells parents.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin import EmptyJSONAsDefault
from events.member_admin import MemberListAdmin
from events.models import Course, Facility, MemberList, Program, StaffMembership, StaffRole
from events.selectors import staff_facility_ids, user_can_manage_facility


class FacilityScopedAdmin(admin.ModelAdmin):
    """Staff see only their own facilities' rows, and change only those of the facilities they
    manage (a viewer's role is read-only here as on the desk); superusers see and change all.
    The model permissions (create_staff's group) still decide what a staff user may do at all."""

    facility_lookup = "facility_id"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = staff_facility_ids(request.user)
        return qs if ids is None else qs.filter(**{f"{self.facility_lookup}__in": ids})

    def manages(self, request, obj) -> bool:
        return obj is None or user_can_manage_facility(
            request.user, getattr(obj, self.facility_lookup)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.manages(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.manages(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "facility":
            ids = staff_facility_ids(request.user, role=StaffRole.MANAGER)
            if ids is not None:
                kwargs["queryset"] = Facility.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Facility)
class FacilityAdmin(FacilityScopedAdmin, TranslationAdmin):
    facility_lookup = "id"
    list_display = ["name", "display_order", "city", "address", "phone"]
    # Operators set the order of every list of facilities here (events.models.FACILITY_ORDER),
    # which the list itself follows; a manager, who may only view facilities, sees the numbers.
    list_editable = ["display_order"]
    list_filter = ["city"]
    search_fields = ["name", "name_en", "address"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Program)
class ProgramAdmin(EmptyJSONAsDefault, TranslationAdmin):
    list_display = [
        "title",
        "display_order",
        "audience",
        "booking_mode",
        "party_counting",
        "childcare_offered",
    ]
    # Operators set the order of every list of programmes here (events.models.PROGRAM_ORDER),
    # which the list itself follows; a user who may only view programmes sees the numbers.
    list_editable = ["display_order"]
    list_filter = ["audience", "booking_mode", "party_counting"]
    search_fields = ["title", "title_en", "description"]
    prepopulated_fields = {"slug": ["title_en"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "display_order",
                    "description",
                    "audience",
                    "what_to_bring",
                ]
            },
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
                    "asks_attendee_names",
                    "member_list",
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
                    "waitlist_limit",
                    "lottery_confirmation_required",
                    "lottery_confirmation_period",
                    "priority_groups",
                ]
            },
        ),
    ]


admin.site.register(MemberList, MemberListAdmin)


@admin.register(Course)
class CourseAdmin(FacilityScopedAdmin, TranslationAdmin):
    list_display = ["title", "program", "facility"]
    list_filter = ["program", "facility"]
    search_fields = ["title"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(FacilityScopedAdmin):
    list_display = ["user", "facility", "role"]
    list_select_related = ["user", "facility"]
    list_filter = ["role", "facility"]
    search_fields = ["user__email", "user__username"]
