"""An email and an invite in every language (issue 23): each parsed as a mail client reads it
(subject, text, HTML, the invite's SUMMARY, DESCRIPTION and their LANGUAGE parameter), the
dates in the language's own form, and no English left in an email of another language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from booking.services import reservation_cancel
from core.languages import html_lang
from notifications.emails import Renderer
from notifications.models import Notification, NotificationKind
from tests.factories import FacilityFactory, ProgramFactory, SessionFactory, book
from tests.notifications.mailparse import parse_bytes

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
# A Saturday far ahead, 10:00-11:30 in Japan: the forms below do not move with the clock.
START = datetime(2030, 12, 7, 10, 0, tzinfo=TOKYO)
TITLE = "親子ふれあい遊び"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# subject, a sentence of the body, the session's time as the language writes it, the greeting
EXPECTED = {
    "ja": (
        f"【予約確定】{TITLE} 12月7日（土）10:00",
        "のご予約が確定しました。",
        "2030年12月7日（土）10:00〜11:30",
        "Nguyen Lan 様",
    ),
    "ja-easy": (
        f"【予約(よやく)が 決(き)まりました】{TITLE} 12月7日（土）10:00",
        "予約(よやく)が 決(き)まりました。",
        "2030年12月7日（土）10:00〜11:30",
        "Nguyen Lan さま",
    ),
    "en": (
        f"Reservation confirmed: {TITLE} (Sat 7 Dec, 10:00)",
        "is confirmed. Thank you for booking.",
        "Sat 7 December 2030, 10:00–11:30",
        "Dear Nguyen Lan,",
    ),
    "zh-hans": (
        f"【预约成功】{TITLE} 12月7日（周六）10:00",
        "的预约已成功。",
        "2030年12月7日（周六）10:00～11:30",
        "Nguyen Lan 您好：",
    ),
    "ko": (
        f"[예약 확정] {TITLE} 12월 7일 (토) 10:00",
        "예약이 확정되었습니다.",
        "2030년 12월 7일 (토) 10:00~11:30",
        "Nguyen Lan 님께",
    ),
    "pt-br": (
        f"Reserva confirmada: {TITLE} (sáb., 7/12, 10:00)",
        "está confirmada. Obrigado pela reserva.",
        "sáb., 7 de dezembro de 2030, 10:00–11:30",
        "Prezado(a) Nguyen Lan,",
    ),
    "vi": (
        f"Đã xác nhận đặt chỗ: {TITLE} (Thứ Bảy, 7/12, 10:00)",
        "đã được xác nhận. Cảm ơn bạn đã đăng ký.",
        "Thứ Bảy, 7/12/2030, 10:00–11:30",
        "Kính gửi Nguyen Lan,",
    ),
}
# The invite's prefix for a reservation the parent cancelled, and its reservation-code label.
CANCEL_SUMMARY = {
    "ja": "【キャンセル済み】",
    "ja-easy": "【予約(よやく)を やめました】",
    "en": "[Reservation cancelled] ",
    "zh-hans": "【已取消预约】",
    "ko": "[예약 취소] ",
    "pt-br": "[Reserva cancelada] ",
    "vi": "[Đã hủy đặt chỗ] ",
}
CODE_LABEL = {
    "ja": "予約番号",
    "ja-easy": "予約(よやく)の ばんごう",
    "en": "Reservation code",
    "zh-hans": "预约编号",
    "ko": "예약 번호",
    "pt-br": "Código da reserva",
    "vi": "Mã đặt chỗ",
}


@pytest.fixture
def session(db):
    facility = FacilityFactory(phone="099-000-0000")
    # Staff gave the title in Japanese only: every language shows it as it is.
    program = ProgramFactory(title=TITLE, title_en="", what_to_bring="タオル", reminder_offsets=[])
    return SessionFactory(
        facility=facility,
        program=program,
        start=START,
        end=START + timedelta(minutes=90),
        registration_opens=START - timedelta(days=3650),
        registration_closes=START - timedelta(days=1),
        cancellation_deadline=START - timedelta(days=1),
    )


def sent(reservation, kind: str):
    row = Notification.objects.get(reservation=reservation, kind=kind)
    message = Renderer().message(row, now=START - timedelta(days=10))
    return parse_bytes(message.message().as_bytes())


def event_of(mail):
    [(params, cal)] = mail.calendars
    [event] = cal.walk("VEVENT")
    return params, event


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_confirmation_and_its_invite_in_every_language(session, code):
    reservation = book(
        session, email=f"{code}@example.jp", language=code, name="Nguyen Lan"
    ).reservation
    mail = sent(reservation, NotificationKind.CONFIRMED)
    subject, sentence, when, greeting = EXPECTED[code]

    assert mail.subject == subject
    assert mail.text.startswith(greeting + "\n")
    assert sentence in mail.text and when in mail.text
    assert f"{CODE_LABEL[code]}" in mail.text and reservation.code in mail.text
    assert f'lang="{html_lang(code)}"' in mail.html and sentence.split("(")[0] in mail.html
    # ふりがな never leaks as its notation: 漢字(かんじ) in text, <ruby> in the HTML.
    assert "{" not in mail.text and "|" not in mail.text and "{" not in mail.subject
    if code == "ja-easy":
        assert "<ruby>予約<rt>よやく</rt></ruby>" in mail.html

    params, event = event_of(mail)
    assert params["method"] == "REQUEST"
    assert str(event["SUMMARY"]) == TITLE
    assert event["SUMMARY"].params["LANGUAGE"] == html_lang(code)
    assert event["DESCRIPTION"].params["LANGUAGE"] == html_lang(code)
    # A label takes its language's colon: full-width after Japanese and Chinese.
    colon = "：" if code in ("ja", "ja-easy", "zh-hans") else ": "
    assert f"{CODE_LABEL[code]}{colon}{reservation.code}" in str(event["DESCRIPTION"])


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_cancellation_and_its_cancel_invite_in_every_language(session, code):
    reservation = book(
        session, email=f"{code}@example.jp", language=code, name="Nguyen Lan"
    ).reservation
    reservation_cancel(reservation=reservation, now=START - timedelta(days=10))
    mail = sent(reservation, NotificationKind.CANCELLED)

    params, event = event_of(mail)
    assert params["method"] == "CANCEL"
    assert str(event["SUMMARY"]) == f"{CANCEL_SUMMARY[code]}{TITLE}"
    assert event["SUMMARY"].params["LANGUAGE"] == html_lang(code)
    assert TITLE in mail.subject and "{" not in mail.subject


# Latin words that are names, codes or addresses, not English left untranslated.
NOT_ENGLISH = re.compile(r"https?://\S+|\S+@\S+|Nguyen Lan|[A-Z0-9]{3}-[A-Z0-9]{4}|\w+\.ics")


def english_sentences(text: str) -> set[str]:
    """Runs of three or more English words, once names, links and codes are taken out."""
    plain = NOT_ENGLISH.sub(" ", text)
    return {m.group().strip() for m in re.finditer(r"(?:\b[A-Za-z]{2,}\b[ ,.:]*){3,}", plain)}


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c not in ("en", "pt-br", "vi")])
def test_no_english_is_left_in_an_email(session, code):
    """Every kind of email in a language that is not written in Latin letters has no English
    sentence in its subject, text or HTML (the catalogues cover every string of every kind)."""
    reservation = book(
        session, email=f"{code}@example.jp", language=code, name="Nguyen Lan"
    ).reservation
    rows = [
        Notification(
            kind=kind,
            reservation=reservation,
            to_email=reservation.email,
            language=code,
            payload={"session_id": session.pk, "had_seat": True, "reason": "講師の都合"},
        )
        for kind in NotificationKind.values
    ]
    renderer = Renderer()
    for row in rows:
        rendered = renderer.render(row, now=START - timedelta(days=1))
        html_text = re.sub(r"<[^>]+>", " ", rendered.html.split("<body", 1)[1])
        for part in (rendered.subject, rendered.text, html_text):
            left = english_sentences(part)
            assert not left, f"{row.kind} in {code}: {left}"
