"""Which facility a manager page of the schedule acts on (``?facility=``), answered as every
manager page is: a facility the staff member does not work at is "not found" (404), one they
work at without the manager role is "no permission" (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from events.models import Facility
from events.selectors import user_can_manage_facility
from schedule import selectors


def managed_facility(request) -> Facility:
    """The facility the request names, if its user manages it; else 404 or 403."""
    facility = selectors.staff_facility(request.user, request.GET.get("facility", ""))
    if facility is None:
        raise Http404
    if not user_can_manage_facility(request.user, facility.pk):
        raise PermissionDenied
    return facility
