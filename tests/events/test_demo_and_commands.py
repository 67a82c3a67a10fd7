from datetime import date, timedelta

import pytest
from django.core.management import call_command

from booking.models import Reservation
from consultations.models import Appointment
from events.models import Facility, Program, Session

pytestmark = pytest.mark.django_db


def counts():
    return (
        Facility.objects.count(),
        Program.objects.count(),
        Session.objects.count(),
        Reservation.objects.count(),
        Appointment.objects.count(),
    )


def test_load_demo_twice_changes_nothing():
    call_command("load_demo")
    first = counts()
    seats = list(Session.objects.order_by("id").values_list("seats_taken", flat=True))
    call_command("load_demo")
    assert counts() == first
    assert list(Session.objects.order_by("id").values_list("seats_taken", flat=True)) == seats


def test_demo_has_nearly_full_lottery_and_cancelled_sessions():
    call_command("load_demo")
    assert Session.objects.filter(status="cancelled").exists()
    assert Session.objects.filter(program__booking_mode="lottery").exists()
    nearly_full = [
        s for s in Session.objects.all() if s.capacity and s.seats_left <= s.capacity * 0.2
    ]
    assert len(nearly_full) >= 2
    for session in Session.objects.all():
        assert session.seats_taken <= session.capacity
    assert Facility.objects.filter(name__contains="りぼんかん").exists()
    assert Program.objects.filter(title="まつさかスマイルパパ講座").exists()


def test_create_staff_prints_the_token_last(capsys):
    call_command("load_demo")
    call_command("create_staff", "staff@example.jp", "--facility", "ribbonkan")
    out = capsys.readouterr().out.strip().splitlines()
    from core.models import ApiToken
    from core.services import api_key_hash

    token = ApiToken.objects.get(user__username="staff@example.jp")
    assert token.key_hash == api_key_hash(out[-1])
    assert len(out[-1]) >= 43 and out[-1] not in {token.prefix, token.key_hash}


def test_create_staff_unknown_facility_fails():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_staff", "x@example.jp", "--facility", "nope")


def test_demo_parents_get_no_mail(mailoutbox):
    from notifications.models import Notification

    call_command("load_demo")
    assert mailoutbox == []
    statuses = set(Notification.objects.values_list("status", flat=True))
    assert statuses == {"skipped"}


def test_the_demo_has_a_session_today_with_parties_to_check_in(monkeypatch):
    """On a day the centre is open: on a closed day (年末年始, a holiday) the demo holds none."""
    import datetime as dt

    from django.utils import timezone

    wednesday = timezone.make_aware(dt.datetime(2027, 1, 20, 10, 7))
    monkeypatch.setattr(timezone, "now", lambda: wednesday)
    call_command("load_demo")
    [today] = Session.objects.filter(start__date=timezone.localdate(), program__slug="fureai-0-1")
    assert today.seats_taken >= 9 and today.status == "scheduled"
    assert Reservation.objects.filter(session=today, status="confirmed").count() >= 5


def test_the_demo_has_a_session_that_already_started_to_try_no_shows(monkeypatch):
    """Issue 21, item 18: staff see the no-show action without moving a session."""
    import datetime as dt

    from django.utils import timezone

    noon = timezone.make_aware(dt.datetime(2027, 1, 20, 12, 7))  # a Wednesday the centre is open
    monkeypatch.setattr(timezone, "now", lambda: noon)
    call_command("load_demo")
    [begun] = Session.objects.filter(start__date=noon.date(), start__lte=noon)
    assert timezone.localtime(begun.start).time() == dt.time(11, 15)
    assert begun.end > noon and begun.status == "scheduled"
    assert Reservation.objects.filter(session=begun, status="confirmed").count() >= 3
    call_command("load_demo")  # loading again adds no second one
    assert Session.objects.filter(start__date=noon.date(), start__lte=noon).count() == 1


def test_the_demo_report_of_this_fiscal_year_shows_attendance_and_no_shows():
    """A newcomer who opens the yearly report sees figures: the demo's past sessions were run
    at the desk (check-in, no-shows) through the staff desk's own services."""
    from datetime import date, timedelta

    from django.utils import timezone
    from rest_framework.test import APIClient

    from booking.models import ReservationStatus
    from staffdesk.selectors import fiscal_year_of
    from tests.factories import api_key, staff_user

    call_command("load_demo")
    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Token {api_key(staff_user(Facility.objects.get(slug='ribbonkan')))}"
    )
    year = fiscal_year_of(timezone.localdate() - timedelta(weeks=4))  # a past session in it
    report = api.get("/api/v1/staff/report/", {"fiscal_year": year}).json()
    this_year = Reservation.objects.filter(
        session__facility__slug="ribbonkan",
        session__start__date__gte=date(year, 4, 1),
        session__start__date__lt=date(year + 1, 4, 1),
    )
    attended = this_year.filter(status=ReservationStatus.ATTENDED).count()
    no_shows = this_year.filter(status=ReservationStatus.NO_SHOW).count()
    assert attended > 0 and no_shows > 0
    assert report["total"]["attended"] == attended
    assert report["total"]["no_shows"] == no_shows


def test_the_demo_report_of_consultations_shows_families_who_came_and_did_not():
    """A newcomer opening 個別相談 found no appointment and a report of zeros: the demo books
    families through the consultations' services, runs the past weeks (done, no-show) and
    keeps a few ahead; their emails are kept in the outbox, not sent."""
    from django.utils import timezone
    from rest_framework.test import APIClient

    from core.fiscal_years import fiscal_year_of
    from notifications.models import Notification
    from tests.factories import api_key, staff_user

    call_command("load_demo")
    appointments = Appointment.objects.all()
    assert appointments.filter(status="done").exists()
    assert appointments.filter(status="no_show").exists()
    assert appointments.filter(status="booked", start__gt=timezone.now()).exists()
    assert not appointments.filter(status="booked", end__lt=timezone.now()).exists()
    sent = Notification.objects.filter(to_email__in=appointments.values("email"))
    assert sent.exists() and not sent.exclude(status="skipped").exists()
    api = APIClient()
    facility = Facility.objects.get(slug="ribbonkan")
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(staff_user(facility))}")
    year = fiscal_year_of(timezone.localdate() - timedelta(weeks=4))
    report = api.get("/api/v1/staff/consultations/report/", {"fiscal_year": year})
    assert report.status_code == 200, report.content[:300]
    in_year = appointments.filter(
        start__date__gte=date(year, 4, 1), start__date__lt=date(year + 1, 4, 1)
    )
    totals = report.json()["totals"]
    assert totals["done"] == in_year.filter(status="done").count() > 0
    assert totals["no_show"] == in_year.filter(status="no_show").count() > 0


@pytest.mark.parametrize("language", ["en", "zh-hans", "ko", "pt-br", "vi", "ja-easy"])
def test_the_demo_speaks_every_language(client, language):
    """Every text the demo writes in Japanese (a programme's title, description, what to bring
    and eligibility, a facility's name and access, a consultation's texts) is written in every
    language too: a page in Vietnamese showed the イクボスセミナー's eligibility, and the access
    of five facilities, in Japanese. やさしい日本語 shows ふりがな."""
    from demo.translations import FIELDS, column

    call_command("load_demo")
    untranslated = [
        f"{model.__name__} {row.pk} {field}"
        for model, fields in FIELDS.values()
        for row in model.objects.all()
        for field in fields
        if getattr(row, field) and not getattr(row, column(field, language))
    ]
    assert untranslated == []
    client.cookies["django_language"] = language
    html = client.get("/").content.decode()
    if language == "ja-easy":
        assert "<ruby>" in html and "{" not in html.split("<main", 1)[1].split("</main>")[0]


def test_demo_translations_refuse_a_misspelt_field(tmp_path, monkeypatch):
    from demo import translations

    typo = tmp_path / "translations.toml"
    typo.write_text('[programs.smile-papa.vi]\ntitel = "Lớp học"\n', encoding="utf-8")
    monkeypatch.setattr(translations, "TEXTS", typo)
    with pytest.raises(ValueError, match="titel"):
        translations.demo_translations_apply()
    unknown = tmp_path / "language.toml"
    unknown.write_text('[programs.smile-papa.fr]\ntitle = "Atelier"\n', encoding="utf-8")
    monkeypatch.setattr(translations, "TEXTS", unknown)
    with pytest.raises(ValueError, match="language"):
        translations.demo_translations_apply()
