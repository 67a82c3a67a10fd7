"""What the system says of a status change is a note (``HistoryNote``) that each reader's
language words (``booking.models.history_text``); what a person typed stays as typed. The texts
the system wrote in English before are turned into notes by migration booking/0012."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from booking.models import HistoryNote, Reservation, ReservationHistory, history_text
from booking.privacy import reservation_erase
from booking.rules import Contact, Party
from booking.services import (
    lottery_draw,
    lottery_lapse_expired,
    reservation_cancel,
    reservation_change_party,
    reservation_confirm_win,
    reservation_create,
)
from events.models import SessionStatus
from tests.factories import SessionFactory, api_key, book, lottery_session, staff_user

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("booking.migrations.0012_history_notes_from_texts")
LANGUAGES = ["ja", "en", "zh-hans", "ko", "pt-br", "vi", "ja-easy"]


def words(row: ReservationHistory, language: str) -> str:
    with translation.override(language):
        return history_text(row)


def last(reservation: Reservation) -> ReservationHistory:
    return reservation.history.order_by("-id").first()


def test_every_note_reads_in_each_language_and_in_english_only_in_english():
    for note in HistoryNote:
        row = ReservationHistory(note=note)
        english = words(row, "en")
        with translation.override("en"):
            assert english == str(note.label) and english.isascii()
        texts = {language: words(row, language) for language in LANGUAGES}
        assert all(texts.values()), texts
        others = {language: text for language, text in texts.items() if language != "en"}
        assert english not in others.values(), (note, others)


def test_a_persons_words_read_as_typed_and_beside_the_systems_note():
    typed = ReservationHistory(reason="ご本人から電話で依頼")
    assert words(typed, "ja") == words(typed, "en") == "ご本人から電話で依頼"
    both = ReservationHistory(note=HistoryNote.SESSION_CANCELLED, reason="台風のため")
    assert words(both, "ja") == "開催回の中止によるキャンセル：台風のため"
    assert words(both, "en") == "Cancelled because the session was cancelled: 台風のため"
    assert words(ReservationHistory(), "ja") == ""


def test_the_draw_notes_each_party_with_its_place_in_the_draw(facility):
    session = lottery_session(facility, 1, confirm=True)
    first = book(session, email="a@example.jp").reservation
    second = book(session, email="b@example.jp").reservation
    draw = lottery_draw(session=session, seed="fixed")
    won, lost = (first, second) if draw.winners == [first.pk] else (second, first)
    row, other = last(won), last(lost)
    assert (row.note, row.rank, row.reason) == (HistoryNote.DRAWN, 1, "")
    assert (other.note, other.rank, other.reason) == (HistoryNote.NOT_DRAWN, 2, "")
    assert words(row, "ja") == "抽選で当選（抽選順1番）"
    assert words(other, "ja") == "落選のためキャンセル待ち（抽選順2番）"
    assert words(row, "en") == "Drawn in the lottery (draw order 1)"
    assert words(other, "en") == "Not drawn in the lottery: on the waiting list (draw order 2)"
    assert words(other, "pt-br") == "Não sorteado: na lista de espera (posição no sorteio: 2)"

    # The win not confirmed in time lapses, and the seat goes down the list.
    won.refresh_from_db()
    assert lottery_lapse_expired(now=won.confirm_by + timedelta(seconds=1)) == 1
    assert last(won).note == HistoryNote.WIN_LAPSED
    assert words(last(won), "ja") == "確定期限を過ぎたため当選を無効"
    promoted = last(lost)
    assert (promoted.note, promoted.reason) == (HistoryNote.PROMOTED_WIN_LAPSED, "")
    assert (
        words(promoted, "ja") == "当選者が期限までに確定しなかったため、キャンセル待ちから繰り上げ"
    )


def test_a_confirmed_win_is_noted(facility):
    session = lottery_session(facility, 2, confirm=True)
    winner = book(session).reservation
    lottery_draw(session=session, seed="s")
    reservation_confirm_win(reservation=winner)
    assert (last(winner).note, last(winner).reason) == (HistoryNote.WIN_CONFIRMED, "")
    assert words(last(winner), "ko") == "당첨 후 참가 확정"


def test_a_promotion_says_what_freed_the_seat(session):
    session.capacity = 2
    session.save()
    first = book(session, email="a@example.jp", adults=2).reservation
    waiting = book(session, email="b@example.jp").reservation
    later = book(session, email="c@example.jp").reservation
    reservation_cancel(reservation=first)
    gone = last(first)
    assert (gone.note, gone.reason) == (HistoryNote.CANCELLED_BY_PARENT, "")
    assert words(gone, "ja") == "保護者によるキャンセル"
    up = last(waiting)
    assert (up.note, up.reason) == (HistoryNote.PROMOTED_CANCELLATION, "")
    assert words(up, "ja") == "キャンセルが出たため、キャンセル待ちから繰り上げ"
    assert words(up, "en") == "Promoted from the waiting list: a reservation was cancelled"
    assert words(up, "vi") == "Được chuyển từ danh sách chờ: có người hủy đặt chỗ"
    assert later.history.count() == 2  # booked waiting, then promoted with the second seat

    grown = book(session, email="d@example.jp", adults=2).reservation  # waits: no seat left
    reservation_change_party(reservation=later, party=Party(adults=1))  # nothing freed
    reservation_cancel(reservation=later, reason="都合が悪くなりました")
    reservation_change_party(reservation=grown, party=Party(adults=1))
    assert last(grown).note == HistoryNote.PROMOTED_PARTY_CHANGED
    typed = last(later)
    assert (typed.note, typed.reason) == (HistoryNote.CANCELLED_BY_PARENT, "都合が悪くなりました")


def test_a_staff_override_keeps_the_reason_as_typed_beside_the_raised_capacity(session):
    session.capacity = 1
    session.save()
    book(session)
    manager = staff_user(session.facility)
    result = reservation_create(
        session=session,
        party=Party(adults=1),
        contact=Contact(name="佐藤 葵", email="sato@example.jp"),
        by=manager,
        override_reason="所長了承済み",
    )
    row = result.reservation.history.get()
    assert (row.note, row.reason) == (HistoryNote.CAPACITY_RAISED, "所長了承済み")
    assert words(row, "ja") == "この組のために定員を増やして予約：所長了承済み"
    assert words(row, "en") == "Booked with the capacity raised for this party: 所長了承済み"
    fits = reservation_create(
        session=SessionFactory(facility=session.facility),
        party=Party(adults=1),
        contact=Contact(name="佐藤 葵", email="sato@example.jp"),
        by=manager,
        override_reason="窓口で受付",
    )
    assert (fits.reservation.history.get().note, fits.reservation.history.get().reason) == (
        "",
        "窓口で受付",
    )


def test_an_erasure_is_noted_and_its_export_reads_in_the_requests_language(api, session):
    kept = book(session, email="parent@example.jp").reservation
    other = SessionFactory(facility=session.facility)
    erased = book(other, email="parent@example.jp").reservation
    reservation_erase(reservation=erased)
    assert (last(erased).note, last(erased).reason) == (HistoryNote.ERASED, "")
    waiting_session = SessionFactory(facility=session.facility, capacity=1)
    book(waiting_session, email="first@example.jp")
    promoted = book(waiting_session, email="parent@example.jp").reservation
    reservation_cancel(reservation=Reservation.objects.get(email="first@example.jp"))
    promoted.refresh_from_db()
    assert promoted.status == "confirmed"

    manager = staff_user(session.facility)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(manager)}")
    url = "/api/v1/privacy/export/?email=parent@example.jp"
    reasons = {}
    for language in ("ja", "en", "zh-hans"):
        body = api.get(url, HTTP_ACCEPT_LANGUAGE=language).json()
        rows = {r["code"]: [h["reason"] for h in r["history"]] for r in body["reservations"]}
        reasons[language] = rows
        assert rows[kept.code] == [""]
    assert reasons["ja"][promoted.code] == [
        "",
        "キャンセルが出たため、キャンセル待ちから繰り上げ",
    ]
    assert reasons["en"][promoted.code][1] == (
        "Promoted from the waiting list: a reservation was cancelled"
    )
    assert reasons["zh-hans"][promoted.code][1] == "因有人取消预约，候补转正"
    # The erased reservation is no longer the parent's address: what is left is anonymised.
    assert erased.code not in reasons["ja"]


# --- the data migration --------------------------------------------------------------------

OLD_TEXTS = {
    "drawn #3": ("drawn", 3, ""),
    "not drawn, waiting list #5": ("not_drawn", 5, ""),
    "lottery win confirmed": ("win_confirmed", None, ""),
    "lottery win not confirmed in time": ("win_lapsed", None, ""),
    "promoted": ("promoted", None, ""),
    "promoted from the waiting list (cancellation)": ("promoted_cancellation", None, ""),
    "promoted from the waiting list (capacity_increased)": ("promoted_capacity", None, ""),
    "promoted from the waiting list (party_changed)": ("promoted_party_changed", None, ""),
    "promoted from the waiting list (lottery win lapsed)": ("promoted_win_lapsed", None, ""),
    "personal data erased on request": ("erased", None, ""),
    "marked no-show at the end of the session": ("no_show_marked", None, ""),
    "checked in": ("checked_in", None, ""),
    "check-in undone": ("check_in_undone", None, ""),
    "session cancelled": ("session_cancelled", None, ""),
    "cancelled by parent": ("cancelled_by_parent", None, ""),
    "walk-in": ("", None, ""),
    "所長了承 (capacity raised for this party)": ("capacity_raised", None, "所長了承"),
    "phone booking: 所長了承済み": ("", None, "所長了承済み"),
    "phone booking: 所長了承済み (capacity raised for this party)": (
        "capacity_raised",
        None,
        "所長了承済み",
    ),
    "walk-in over capacity: 部屋に余裕あり (capacity raised for this party)": (
        "capacity_raised",
        None,
        "部屋に余裕あり",
    ),
    "walk-in over capacity: 部屋に余裕あり": ("", None, "部屋に余裕あり"),
}
TYPED = [
    "ご本人から電話で依頼",
    "双子の家庭を優先",
    "drawn #x",
    "promoted early",
    "checked in twice",
]


@pytest.mark.parametrize("old", OLD_TEXTS)
def test_the_migration_turns_each_old_text_into_its_note(old):
    assert MIGRATION.converted(old) == OLD_TEXTS[old]


@pytest.mark.parametrize("typed", TYPED)
def test_the_migration_leaves_what_a_person_typed(typed):
    assert MIGRATION.converted(typed) is None


def test_the_migration_converts_the_rows_and_finds_a_cancelled_sessions_parties(session):
    party = book(session).reservation
    rows = {
        old: ReservationHistory.objects.create(
            reservation=party, to_status="confirmed", actor_label="system", reason=old
        )
        for old in [*OLD_TEXTS, *TYPED]
    }
    cancelled = SessionFactory(
        facility=session.facility, status=SessionStatus.CANCELLED, cancel_reason="台風のため"
    )
    victim = book(SessionFactory(facility=session.facility), email="victim@example.jp").reservation
    Reservation.objects.filter(pk=victim.pk).update(session=cancelled)
    by_session = ReservationHistory.objects.create(
        reservation=victim, to_status="cancelled", actor_label="staff:desk", reason="台風のため"
    )
    MIGRATION.notes_from_texts(apps, None)
    for old, row in rows.items():
        row.refresh_from_db()
        expected = OLD_TEXTS.get(old, ("", None, old))
        assert (row.note, row.rank, row.reason) == expected, old
    by_session.refresh_from_db()
    assert (by_session.note, by_session.reason) == ("session_cancelled", "台風のため")
    with translation.override("ja"):
        assert history_text(rows["drawn #3"]) == "抽選で当選（抽選順3番）"
    MIGRATION.notes_from_texts(apps, None)  # a second run changes nothing
    by_session.refresh_from_db()
    assert by_session.reason == "台風のため"


def test_a_booking_writes_its_history_in_one_insert_and_reads_nothing_for_it(session):
    book(session, email="warm@example.jp")
    with CaptureQueriesContext(connection) as queries:
        result = book(session, email="quick@example.jp")
    touching = [q["sql"] for q in queries if "booking_reservationhistory" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("INSERT")
    row = result.reservation.history.get()
    assert (row.note, row.rank, row.reason) == ("", None, "")
