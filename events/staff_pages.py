"""What every staff page shares, whichever app serves it (the staff desk, the schedule,
consultations): log in first, staff only, another facility's data is "not found", nothing
cached (the pages hold names, phone numbers and answers)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from events.selectors import staff_facility_ids


def error_page(request, status: int):
    return render(request, "staff/error.html", {"status": status}, status=status)


def staff_page(view):
    """Log in first; staff only; another facility's data is "not found"."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("staff:login"))
        ids = staff_facility_ids(request.user)
        if ids is not None and not ids:
            return error_page(request, 403)
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return error_page(request, 404)
        except PermissionDenied:
            return error_page(request, 403)
        response["Cache-Control"] = "no-store"
        return response

    return wrapper
