"""Who sees staff tokens and the audit log in the admin: the city administrator manages the
tokens and reads the whole log, which nobody can add to; a facility's staff member with admin
access reads only their facility's entries."""

from __future__ import annotations

import pytest

from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db


def test_staff_tokens_are_managed_in_the_admin(users):
    token_client(users["manager_a"])  # issues manager-a a token
    client = page_client(users["superuser"])
    response = client.get("/admin/core/apitoken/")
    assert response.status_code == 200
    assert b"manager-a" in response.content


def test_the_audit_log_is_read_only_in_the_admin_and_scoped(world, users, facility_b):
    from staffdesk.models import StaffAction as Action

    Action.objects.create(
        actor_label="staff:x@example.jp", kind="check_in", facility=facility_b, reason="B"
    )
    Action.objects.create(
        actor_label="staff:y@example.jp",
        kind="check_in",
        facility=world.started.facility,
        reason="A",
    )
    admin = page_client(users["superuser"])
    listing = admin.get("/admin/staffdesk/staffaction/")
    assert listing.status_code == 200
    assert b"x@example.jp" in listing.content and b"y@example.jp" in listing.content
    assert admin.get("/admin/staffdesk/staffaction/add/").status_code == 403
    # A facility-B staff member with admin access sees only B's entries.
    staff_b = users["manager_b"]
    staff_b.is_staff = True
    staff_b.save()
    from django.contrib.auth.models import Permission

    staff_b.user_permissions.add(Permission.objects.get(codename="view_staffaction"))
    scoped = page_client(staff_b).get("/admin/staffdesk/staffaction/")
    assert scoped.status_code == 200
    assert b"x@example.jp" in scoped.content and b"y@example.jp" not in scoped.content
