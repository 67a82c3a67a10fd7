"""The consultations' audit log (操作履歴): a staff member's booking for a family, cancellation,
block and its lifting, outcome and private note, and each search of the families'
appointments are logged in the change's transaction, with who and when; the family's own
booking or cancellation is not. The log keeps codes, statuses and times, never the family's
name, number, answers or the counsellor's note; the appointment's page shows its entries to
the counsellor and the managers, in the desk's words."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.models import (
    Appointment,
    AppointmentStatus,
    ConsultationAction,
    ConsultationActionKind,
)
from consultations.services import Family, appointment_book, appointment_cancel
from core.errors import AppError
from events.models import StaffRole
from tests.consultations.conftest import held_on, ordinary_tuesday, ten
from tests.factories import staff_user
from tests.staff.conftest import page_client, token_client

pytestmark = pytest.mark.django_db

HANAKO = Family("山田 花子", "hanako@example.jp", phone="090-1111-2222", topic="入園")


@pytest.fixture
def manager(facility):
    return staff_user(facility, StaffRole.MANAGER)


def kinds() -> list[str]:
    return list(ConsultationAction.objects.order_by("id").values_list("kind", flat=True))


def kept_text() -> str:
    rows = ConsultationAction.objects.values_list("actor_label", "after")
    return json.dumps(list(rows), ensure_ascii=False)


def test_a_booking_for_a_family_and_its_cancellation_are_logged(
    kind, facility, counsellor, manager, tuesday_ahead
):
    desk = page_client(manager)
    start = ten(tuesday_ahead)
    form = {"start": start.isoformat(), "counsellor": counsellor.pk, "name": "山田 花子"}
    form |= {"phone": "090-1111-2222", "topic": "入園"}

    booked = desk.post(f"/staff/consultations/book/{kind.slug}/", form)
    appointment = Appointment.objects.get()
    desk.post(f"/staff/consultations/appointments/{appointment.code}/", {"action": "cancel"})

    assert booked.status_code == 302
    assert kinds() == [ConsultationActionKind.BOOKED, ConsultationActionKind.CANCELLED]
    first, second = ConsultationAction.objects.order_by("id")
    assert (first.actor, first.facility, first.appointment) == (manager, facility, appointment)
    assert first.after == {"status": "booked", "start": timezone.localtime(start).isoformat()}
    assert second.after == {"status": "cancelled", "was": "booked"}
    for personal in ("山田", "花子", "1111", "入園"):
        assert personal not in kept_text()


def test_the_familys_own_booking_and_cancellation_are_not_logged(kind, tuesday_ahead):
    appointment, _token = appointment_book(kind=kind, start=ten(tuesday_ahead), family=HANAKO)
    appointment_cancel(appointment=appointment)

    assert kinds() == []


def test_a_block_and_its_lifting_are_logged(counsellor, facility, manager, tuesday_ahead):
    desk = page_client(manager)
    path = f"/staff/consultations/counsellors/{counsellor.pk}/block/"

    desk.post(path, {"start": f"{tuesday_ahead:%Y-%m-%d}T11:00", "minutes": "30"})
    block = Appointment.objects.get(status=AppointmentStatus.BLOCKED)
    desk.post(f"/staff/consultations/appointments/{block.code}/", {"action": "cancel"})

    assert kinds() == [ConsultationActionKind.BLOCKED, ConsultationActionKind.UNBLOCKED]
    assert ConsultationAction.objects.last().after == {"status": "cancelled", "was": "blocked"}


def test_an_outcome_and_a_note_are_logged_without_the_note(kind, facility, manager):
    held = held_on(kind, ordinary_tuesday(facility, ahead=False), HANAKO)
    api = token_client(manager)

    closed = api.post(
        f"/api/v1/staff/appointments/{held.code}/close/",
        {"status": "no_show", "note": "連絡なし"},
        format="json",
    )
    page_client(manager).post(
        f"/staff/consultations/appointments/{held.code}/", {"action": "note", "note": "電話した"}
    )

    assert closed.status_code == 200
    assert kinds() == [ConsultationActionKind.CLOSED, ConsultationActionKind.NOTE]
    assert ConsultationAction.objects.first().after == {"status": "no_show"}
    assert "連絡なし" not in kept_text() and "電話した" not in kept_text()


def test_a_refused_change_logs_nothing(kind, manager, tuesday_ahead):
    appointment, _token = appointment_book(kind=kind, start=ten(tuesday_ahead), family=HANAKO)
    appointment_cancel(appointment=appointment)

    with pytest.raises(AppError):
        appointment_cancel(appointment=appointment, by_staff=True, by=manager)

    assert kinds() == []


def test_a_search_is_logged_by_what_it_showed(kind, facility, manager, tuesday_ahead):
    appointment, _token = appointment_book(kind=kind, start=ten(tuesday_ahead), family=HANAKO)
    viewer = staff_user(facility, StaffRole.VIEWER)

    page = page_client(viewer).get("/staff/consultations/", {"q": "09011112222"})
    api = token_client(manager).get("/api/v1/staff/appointments/", {"q": "山田"})

    assert page.status_code == 200 and api.status_code == 200
    assert kinds() == [ConsultationActionKind.SEARCH] * 2
    for action in ConsultationAction.objects.all():
        assert action.facility == facility and action.appointment is None
        assert action.after == {"appointments": [appointment.code], "rows": 1}
    assert "0901111" not in kept_text() and "山田" not in kept_text()


def test_the_appointments_page_shows_its_log_to_the_counsellor_and_managers(
    kind, facility, manager
):
    held = held_on(kind, ordinary_tuesday(facility, ahead=False), HANAKO)
    token_client(manager).post(
        f"/api/v1/staff/appointments/{held.code}/close/", {"status": "done"}, format="json"
    )
    path = f"/staff/consultations/appointments/{held.code}/"

    html = page_client(manager).get(path).content.decode()
    viewer = page_client(staff_user(facility, StaffRole.VIEWER)).get(path).content.decode()

    assert "操作履歴" in html
    assert f"<b>{manager.username}</b>：結果の保存（相談済み）" in html
    assert "操作履歴" not in viewer


def test_the_admin_lists_the_log_for_an_operator(kind, tuesday_ahead, manager, django_user_model):
    appointment, _token = appointment_book(
        kind=kind, start=ten(tuesday_ahead), family=HANAKO, by_staff=True, by=manager
    )
    operator = django_user_model.objects.create_superuser("op", "op@example.jp", "pw-Op-12345")

    listing = page_client(operator).get("/admin/consultations/consultationaction/")

    assert listing.status_code == 200
    body = listing.content.decode()
    assert "相談予約（職員）" in body and appointment.code in body
    assert timezone.now() - ConsultationAction.objects.get().at < timedelta(minutes=1)


def test_the_staff_api_logs_as_the_pages_do(kind, counsellor, manager, tuesday_ahead):
    api = token_client(manager)
    made = api.post(
        "/api/v1/staff/appointments/",
        {"consultation": kind.slug, "start": ten(tuesday_ahead).isoformat(), "name": "電話 太郎"}
        | {"email": "t@example.jp", "topic": "入園"},
        format="json",
    )
    code = made.json()["code"]
    api.post(f"/api/v1/staff/appointments/{code}/cancel/")
    block = api.post(
        f"/api/v1/staff/counsellors/{counsellor.pk}/blocks/",
        {"start": ten(tuesday_ahead, 40).isoformat(), "minutes": 30},
        format="json",
    )

    assert made.status_code == 201 and block.status_code == 201, block.json()
    assert kinds() == [
        ConsultationActionKind.BOOKED,
        ConsultationActionKind.CANCELLED,
        ConsultationActionKind.BLOCKED,
    ]
    assert {action.actor for action in ConsultationAction.objects.all()} == {manager}
