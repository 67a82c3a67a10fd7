"""The staff's consultation pages: a counsellor's day and week, blocks, booking for a family who
phoned, done / no-show with the private note, cancelling, and the yearly count; the answers and
the note only for the counsellor and the facility's managers (403 to other staff, 404 elsewhere).

Days are found from today (an ordinary Tuesday a week or more ahead, or one in the past for the
consultations that took place), so the pages' own clock is never faked.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client

from consultations.models import Appointment, AppointmentStatus
from consultations.selectors import TOKYO
from consultations.services import Family, appointment_book
from events.models import StaffRole
from notifications.models import Notification
from tests.consultations.conftest import held_on, ordinary_tuesday, ten
from tests.factories import FacilityFactory, staff_user

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def kind(kind):
    kind.closes_weeks_ahead = 8
    kind.save()
    return kind


@pytest.fixture
def tuesday(facility):
    return ordinary_tuesday(facility, ahead=True)


@pytest.fixture
def booked(kind, tuesday):
    family = Family("山田 花子", "hanako@example.jp", topic="入園", free_text="見学したい")
    appointment, _token = appointment_book(kind=kind, start=ten(tuesday), family=family)
    return appointment


@pytest.fixture
def past(kind, facility):
    day = ordinary_tuesday(facility, ahead=False)
    family = Family("佐藤 太郎", "taro@example.jp", topic="発達", free_text="ことばが遅い")
    return held_on(kind, day, family)


def test_the_desk_lists_the_counsellors_of_my_facilities(counsellor, facility):
    from consultations.models import Counsellor

    Counsellor.objects.create(facility=FacilityFactory(), role="other", display_name="他館の保健師")
    body = logged_in(staff_user(facility, StaffRole.VIEWER)).get("/staff/consultations/")
    assert body.status_code == 200
    text = body.content.decode()
    assert "子育てコンシェルジュ" in text and "他館の保健師" not in text
    assert 'href="/staff/consultations/"' in text  # the staff menu's link
    assert Client().get("/staff/consultations/").status_code == 302


def test_the_day_shows_held_and_free_times(booked, counsellor, facility, tuesday):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    page = client.get(f"/staff/consultations/counsellors/{counsellor.pk}/?date={tuesday}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "山田 花子" in text and f"/staff/consultations/appointments/{booked.code}/" in text
    assert "10:40〜11:10" in text and "11:20〜11:50" in text  # free, after the buffer
    assert "見学したい" not in text  # the answers are not on the plan
    assert "Block this time" not in text and "この時間をブロック" not in text  # a viewer
    week = client.get(f"/staff/consultations/counsellors/{counsellor.pk}/?date={tuesday}&span=week")
    assert week.status_code == 200
    monday = tuesday - timedelta(days=1)
    assert week.content.decode().count('<section class="panel" aria-labelledby="day-') == 7
    assert f'id="day-{monday:%Y%m%d}"' in week.content.decode()
    elsewhere = logged_in(staff_user(FacilityFactory(), StaffRole.MANAGER, username="elsewhere"))
    assert elsewhere.get(f"/staff/consultations/counsellors/{counsellor.pk}/").status_code == 404


def test_blocking_a_time_is_for_the_counsellor_and_managers(counsellor, facility, tuesday):
    path = f"/staff/consultations/counsellors/{counsellor.pk}/block/"
    form = {"start": f"{tuesday:%Y-%m-%d}T11:00", "minutes": "60"}
    viewer = logged_in(staff_user(facility, StaffRole.VIEWER))
    assert viewer.post(path, form).status_code == 403
    manager = logged_in(staff_user(facility, StaffRole.MANAGER))
    answer = manager.post(path, form)
    assert answer.status_code == 302
    block = Appointment.objects.get(status=AppointmentStatus.BLOCKED)
    assert block.start == datetime.combine(tuesday, time(11), TOKYO)
    assert block.held_until - block.start == timedelta(minutes=60)
    # The same time again is refused and said so, not a 500.
    again = manager.post(path, form, follow=True)
    assert again.status_code == 200
    assert Appointment.objects.filter(status=AppointmentStatus.BLOCKED).count() == 1


OUT_OF_RANGE = ["0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01 00:00:00+14:00"]


@pytest.mark.parametrize("start", OUT_OF_RANGE + ["２０２７-０１-１２T10:00"])
def test_a_block_at_a_time_no_day_can_have_is_refused(counsellor, facility, start):
    """Year 1 or 9999 in Japan time cannot be written in UTC: the form refuses it (and digits
    that are not ASCII) as it refuses any other bad time, instead of a 500."""
    manager = logged_in(staff_user(facility, StaffRole.MANAGER))
    path = f"/staff/consultations/counsellors/{counsellor.pk}/block/"
    answer = manager.post(path, {"start": start, "minutes": "30"}, follow=True)
    assert answer.status_code == 200
    assert "ブロックする日時と時間（分）を入力してください。" in answer.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("start", OUT_OF_RANGE)
def test_a_phoned_booking_at_a_time_no_day_can_have_is_refused(kind, counsellor, facility, start):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    path = f"/staff/consultations/book/{kind.slug}/"
    answer = client.post(path, {"start": start, "counsellor": counsellor.pk, "name": "電話 花子"})
    assert answer.status_code == 400
    assert 'id="error-summary"' in answer.content.decode()
    assert not Appointment.objects.exists()
    assert client.get(path, {"start": start, "counsellor": counsellor.pk}).status_code == 404


def test_booking_for_a_family_who_phoned_without_an_email(kind, counsellor, facility, tuesday):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    start = ten(tuesday, 40).isoformat()
    path = f"/staff/consultations/book/{kind.slug}/"
    page = client.get(
        path, {"start": start, "counsellor": counsellor.pk}, HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert page.status_code == 200
    # The time as every page writes it, with its end: no space before the hour.
    summary = re.sub(r"<[^>]+>", "", page.content.decode())
    end = ten(tuesday, 40) + timedelta(minutes=kind.minutes)
    assert f"（{'月火水木金土日'[tuesday.weekday()]}）10:40〜{end:%H:%M}" in summary
    assert client.get(path).status_code == 404  # opened from a free slot only
    answer = client.post(
        path,
        {
            "start": start,
            "counsellor": counsellor.pk,
            "name": "電話 花子",
            "phone": "090-0000-0000",
        },
    )
    appointment = Appointment.objects.get(name="電話 花子")
    assert answer.status_code == 302
    assert answer["Location"] == f"/staff/consultations/appointments/{appointment.code}/"
    assert appointment.booked_by_staff and appointment.email == ""
    assert not Notification.objects.filter(kind__startswith="appointment").exists()
    # The same slot again: the form says why.
    again = client.post(path, {"start": start, "counsellor": counsellor.pk, "name": "別の 家族"})
    assert again.status_code == 409
    assert 'id="error-summary"' in again.content.decode()


def test_answers_and_note_only_for_the_counsellor_and_managers(past, counsellor, facility):
    path = f"/staff/consultations/appointments/{past.code}/"
    viewer_user = staff_user(facility, StaffRole.VIEWER)
    viewer = logged_in(viewer_user)
    page = viewer.get(path)
    assert page.status_code == 200
    assert "ことばが遅い" not in page.content.decode()
    assert viewer.post(path, {"action": "close", "status": "done"}).status_code == 403
    assert viewer.post(path, {"action": "note", "note": "x"}).status_code == 403
    elsewhere = logged_in(staff_user(FacilityFactory(), StaffRole.MANAGER, username="elsewhere"))
    assert elsewhere.get(path).status_code == 404
    manager = logged_in(staff_user(facility, StaffRole.MANAGER))
    assert "ことばが遅い" in manager.get(path).content.decode()
    # The counsellor closes it with a note, and later changes the note.
    counsellor.user = viewer_user
    counsellor.save()
    answer = viewer.post(path, {"action": "close", "status": "done", "note": "次回は発達相談へ"})
    assert answer.status_code == 302
    past.refresh_from_db()
    assert past.status == AppointmentStatus.DONE
    assert past.answers.staff_note == "次回は発達相談へ"
    viewer.post(path, {"action": "note", "note": "保健センターに連絡済み"})
    past.answers.refresh_from_db()
    assert past.answers.staff_note == "保健センターに連絡済み"
    assert "保健センターに連絡済み" in viewer.get(path).content.decode()
    other_viewer = logged_in(staff_user(facility, StaffRole.VIEWER, username="other-viewer"))
    assert "保健センターに連絡済み" not in other_viewer.get(path).content.decode()


def test_a_consultation_not_begun_cannot_be_closed(booked, facility):
    manager = logged_in(staff_user(facility, StaffRole.MANAGER))
    path = f"/staff/consultations/appointments/{booked.code}/"
    manager.post(path, {"action": "close", "status": "no_show"})
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_staff_cancel_frees_the_slot_and_tells_the_family(booked, facility):
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    answer = client.post(f"/staff/consultations/appointments/{booked.code}/", {"action": "cancel"})
    assert answer.status_code == 302
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert Notification.objects.filter(kind="appointment_cancelled").count() == 1


def test_the_yearly_report_counts_by_type_and_month(past, booked, kind, facility):
    from core.fiscal_years import fiscal_year_of

    year = fiscal_year_of(past.start.astimezone(TOKYO).date())
    client = logged_in(staff_user(facility, StaffRole.VIEWER))
    page = client.get(f"/staff/consultations/report/?fiscal_year={year}")
    assert page.status_code == 200
    report = page.context["report"]
    row = next(r for r in report.rows if r.kind == kind)
    month = past.start.astimezone(TOKYO).date().replace(day=1)
    assert row.months[report.months.index(month)] >= 1
    expected = sum(
        1 for a in (past, booked) if fiscal_year_of(a.start.astimezone(TOKYO).date()) == year
    )
    assert row.total == expected == report.total
