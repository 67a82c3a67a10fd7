"""Who may write through the API: managers of the object's facility."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from events.selectors import user_can_manage_facility


class ReadOnlyOrFacilityManager(BasePermission):
    """Anyone reads; only managers of the object's facility (or superusers) write."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return user_can_manage_facility(request.user, obj.facility_id)


def facility_manager_required(user, facility_id: int) -> None:
    """Refuse (403) a user who is not a manager of the facility."""
    if not user_can_manage_facility(user, facility_id):
        raise PermissionDenied(_("You are not a manager of this facility."))
