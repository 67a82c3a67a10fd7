"""Reads of the events catalogue."""

from collections.abc import Collection

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404
from modeltranslation.utils import build_localized_fieldname

from core.languages import current_language
from events.models import (
    FACILITY_ORDER,
    MEMBER_ORDER,
    Facility,
    MemberOrganisation,
    Program,
    Session,
    StaffMembership,
    StaffRole,
)


def facility_list() -> QuerySet[Facility]:
    return Facility.objects.all()


def program_list() -> QuerySet[Program]:
    return Program.objects.all()


def program_list_with_members() -> QuerySet[Program]:
    """Programmes with their member list's active members (``active_members``), in one query
    more for all of them."""
    return Program.objects.select_related("member_list").prefetch_related(
        Prefetch(
            "member_list__members",
            queryset=MemberOrganisation.objects.filter(active=True).order_by(*MEMBER_ORDER),
            to_attr="active_members",
        )
    )


def member_names(*, member_list_id: int) -> list[str]:
    """The official names of a list's active members, in the order of their reading."""
    return list(
        MemberOrganisation.objects.filter(member_list_id=member_list_id, active=True)
        .order_by(*MEMBER_ORDER)
        .values_list("name", flat=True)
    )


def session_list() -> QuerySet[Session]:
    """Return sessions with what their public representation needs, in one query."""
    return Session.objects.select_related("program", "facility", "course").annotate(
        seats_left_value=F("capacity") - F("seats_taken")
    )


def staff_facility_ids(
    user: AbstractBaseUser | AnonymousUser, *, role: str | Collection[str] | None = None
) -> set[int] | None:
    """Return the ids of the facilities the user works at (None: every facility, for superusers).

    ``role`` keeps the facilities where the user has that role, or one of those roles.
    """
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    memberships = StaffMembership.objects.filter(user=user)
    if role is not None:
        roles = [role] if isinstance(role, str) else list(role)
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("facility_id", flat=True))


def only_facility_id(facility_ids: set[int] | None) -> int | None:
    """The one facility of a staff member's (``staff_facility_ids``), None for several or all:
    an audit log's entry is a facility's when the user works at one."""
    if facility_ids is None or len(facility_ids) != 1:
        return None
    return next(iter(facility_ids))


def staff_facilities(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Facility]:
    """Facilities the user works at (every facility for a superuser), in the city's order."""
    ids = staff_facility_ids(user)
    qs = Facility.objects.order_by(*FACILITY_ORDER)
    return qs if ids is None else qs.filter(pk__in=ids)


def staff_facility(user: AbstractBaseUser | AnonymousUser, slug: str | None) -> Facility | None:
    """The facility named by slug if the user works there; None for "all of mine". Any other
    slug is "not found", as if it did not exist."""
    if not slug:
        return None
    facility = staff_facilities(user).filter(slug=slug).first()
    if facility is None:
        raise Http404
    return facility


# The roles that may run the desk on the day: check-in and its undoing, no-shows, walk-ins.
DESK_ROLES = (StaffRole.DESK, StaffRole.MANAGER)


def user_can_manage_facility(user: AbstractBaseUser | AnonymousUser, facility_id: int) -> bool:
    ids = staff_facility_ids(user, role=StaffRole.MANAGER)
    return ids is None or facility_id in ids


def user_can_run_desk(user: AbstractBaseUser | AnonymousUser, facility_id: int) -> bool:
    """Return whether the user may run the facility's desk on the day (desk staff, managers)."""
    ids = staff_facility_ids(user, role=DESK_ROLES)
    return ids is None or facility_id in ids


def user_can_view_facility(user: AbstractBaseUser | AnonymousUser, facility_id: int) -> bool:
    ids = staff_facility_ids(user)
    return ids is None or facility_id in ids


def shown_language(obj, field: str) -> str:
    """The language ``obj.<field>`` is shown in now: the page's language where staff entered a
    translation, else Japanese (the fallback of ``events.translation``)."""
    language = current_language()
    if language == settings.LANGUAGE_CODE:
        return language
    translated = getattr(obj, build_localized_fieldname(field, language), None)
    return language if translated else settings.LANGUAGE_CODE


def text_in(obj, field: str, language: str) -> str:
    """``obj.<field>`` in a given language (an email's, not the request's), else the Japanese."""
    translated = getattr(obj, build_localized_fieldname(field, language), None)
    if translated:
        return translated
    return getattr(obj, build_localized_fieldname(field, settings.LANGUAGE_CODE), None) or ""


def priority_group_label(group: dict, language: str) -> str:
    """A lottery priority group's label in a language (``label_en``, ``label_zh-hans`` ...
    beside the Japanese ``label`` in ``Program.priority_groups``), else the Japanese."""
    return group.get(f"label_{language}") or group.get("label") or str(group.get("key", ""))


def priority_group_label_of(program, key: str, language: str) -> str:
    """The label of a programme's priority group by its key (what a reservation stores), in a
    language; the key itself for a group the programme no longer has, "" for none."""
    for group in (program.priority_groups if program is not None else None) or []:
        if isinstance(group, dict) and group.get("key") == key:
            return priority_group_label(group, language)
    return key
