"""A type's topics and a counsellor's shown name in the reader's language
(consultations.translation, consultations.topics): the parents' pages, emails and API speak the
family's language, with the Japanese where staff entered none (or a list that does not match the
Japanese); what a family picks is stored as the Japanese topic, which staff read."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from consultations.models import Appointment, ConsultationType, Counsellor
from consultations.services import Family, appointment_book
from consultations.topics import topic_choices, topic_label, topic_labels, topic_stored
from core.errors import AppError
from demo.consultations import TYPES
from events.models import StaffRole
from notifications.emails import build_message
from notifications.models import Notification
from tests.consultations.conftest import NOW, at, ten
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

VI_TOPICS = ["Vào nhà trẻ", "Sự phát triển của trẻ", "Khác"]
VI_NAME = "Chuyên viên hỗ trợ nuôi dạy trẻ"


@pytest.fixture
def vietnamese(kind, counsellor):
    kind.topics_vi = VI_TOPICS
    kind.save()
    counsellor.display_name_vi = VI_NAME
    counsellor.save()
    return kind


def options(html: str) -> list[tuple[str, str]]:
    select = html.split('name="topic"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)[1:]


def page(client: Client, path: str, language: str) -> str:
    client.cookies["django_language"] = language
    answer = client.get(path)
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_vietnamese_booking_page_offers_vietnamese_topics_and_name(vietnamese, tuesday_ahead):
    html = page(Client(), "/consultations/nyuen/", "vi")
    # Each choice sends the Japanese topic, and reads in Vietnamese.
    assert options(html) == list(zip(["入園", "発達", "その他"], VI_TOPICS, strict=True))
    assert VI_NAME in html and "子育てコンシェルジュ" not in html


def test_a_type_without_translations_shows_the_japanese(kind, tuesday_ahead):
    html = page(Client(), "/consultations/nyuen/", "vi")
    assert options(html) == [("入園", "入園"), ("発達", "発達"), ("その他", "その他")]
    assert "子育てコンシェルジュ" in html


def test_a_translated_list_of_another_length_is_not_used(vietnamese, tuesday_ahead):
    vietnamese.topics_vi = VI_TOPICS[:2]
    vietnamese.topics_ko = "입소"  # not even a list (the admin's JSON box takes anything)
    vietnamese.save()
    html = page(Client(), "/consultations/nyuen/", "vi")
    assert [label for _value, label in options(html)] == ["入園", "発達", "その他"]
    assert topic_labels(vietnamese, "ko") == ["入園", "発達", "その他"]
    assert topic_label(vietnamese, "発達", "vi") == "発達"


def test_the_vietnamese_form_stores_the_japanese_topic_and_staff_read_it(
    vietnamese, tuesday_ahead, facility
):
    client = Client()
    client.cookies["django_language"] = "vi"
    form = {"start": ten(tuesday_ahead).isoformat(), "name": "Nguyen Lan", "email": "lan@ex.jp"}
    answer = client.post("/consultations/nyuen/", {**form, "topic": "発達"})
    assert answer.status_code == 303
    appointment = Appointment.objects.get(email="lan@ex.jp")
    assert (appointment.language, appointment.answers.topic) == ("vi", "発達")

    # Her own page shows her choice and the counsellor in Vietnamese.
    html = client.get(answer["Location"]).content.decode()
    assert f'<dd lang="vi">{VI_TOPICS[1]}</dd>' in html and f'<dd lang="vi">{VI_NAME}</dd>' in html

    # The staff's page shows it in Japanese, whatever language staff read the page in.
    staff = Client()
    staff.force_login(staff_user(facility, StaffRole.MANAGER))
    staff.cookies["staff_language"] = "en"
    text = staff.get(f"/staff/consultations/appointments/{appointment.code}/").content.decode()
    assert "発達" in text and VI_TOPICS[1] not in text
    answers = APIClient()
    answers.force_authenticate(staff_user(facility, StaffRole.MANAGER, username="api"))
    body = answers.get(f"/api/v1/staff/appointments/{appointment.code}/answers/").json()
    assert body["topic"] == "発達"


def test_the_form_refuses_a_label_in_place_of_the_stored_value(vietnamese, tuesday_ahead):
    client = Client()
    client.cookies["django_language"] = "vi"
    start = ten(tuesday_ahead).isoformat()
    answer = client.post(
        "/consultations/nyuen/",
        {"start": start, "name": "Nguyen Lan", "email": "lan@ex.jp", "topic": "株式投資"},
    )
    assert answer.status_code == 400 and not Appointment.objects.exists()


def test_the_vietnamese_email_names_the_counsellor_in_vietnamese(vietnamese):
    appointment_book(
        kind=vietnamese,
        start=at(12, 10),
        family=Family("Nguyen Lan", "lan@ex.jp", language="vi", topic="入園"),
        now=NOW,
    )
    text = build_message(Notification.objects.get(kind="appointment_confirmed"), now=NOW).body
    assert VI_NAME in text and "子育てコンシェルジュ" not in text


def test_an_email_without_a_translation_names_the_counsellor_in_japanese(kind):
    appointment_book(
        kind=kind, start=at(12, 10), family=Family("Kim", "kim@ex.jp", language="ko"), now=NOW
    )
    text = build_message(Notification.objects.get(kind="appointment_confirmed"), now=NOW).body
    assert "子育てコンシェルジュ" in text


def test_the_api_answers_in_the_requests_language(vietnamese, tuesday_ahead):
    api = APIClient()
    vi = api.get("/api/v1/consultations/", HTTP_ACCEPT_LANGUAGE="vi").json()[0]
    ja = api.get("/api/v1/consultations/", HTTP_ACCEPT_LANGUAGE="ja").json()[0]
    ko = api.get("/api/v1/consultations/", HTTP_ACCEPT_LANGUAGE="ko").json()[0]
    assert vi["topics"] == VI_TOPICS
    assert ja["topics"] == ko["topics"] == ["入園", "発達", "その他"]

    path = f"/api/v1/consultations/nyuen/slots/?from={tuesday_ahead}&to={tuesday_ahead}"
    slots = api.get(path, HTTP_ACCEPT_LANGUAGE="vi").json()
    assert slots and {slot["counsellor"] for slot in slots} == {VI_NAME}
    assert (
        api.get(path, HTTP_ACCEPT_LANGUAGE="ko").json()[0]["counsellor"] == "子育てコンシェルジュ"
    )


@pytest.mark.parametrize("topic", ["発達", VI_TOPICS[1]])
def test_an_api_booking_in_vietnamese_stores_the_japanese_topic(vietnamese, tuesday_ahead, topic):
    body = {
        "consultation": "nyuen",
        "start": ten(tuesday_ahead).isoformat(),
        "name": "Nguyen Lan",
        "email": "lan@ex.jp",
        "topic": topic,
    }
    answer = APIClient().post(
        "/api/v1/appointments/", body, format="json", HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["counsellor"] == VI_NAME
    assert Appointment.objects.get(code=answer.json()["code"]).answers.topic == "発達"


def test_a_label_of_another_language_is_refused(vietnamese):
    assert topic_stored(vietnamese, VI_TOPICS[1], "vi") == "発達"
    assert topic_stored(vietnamese, "発達", "en") == "発達"
    assert topic_stored(vietnamese, "", "vi") == ""
    assert topic_stored(vietnamese, VI_TOPICS[1], "en") is None
    family = Family("Kim", "kim@ex.jp", language="ko", topic=VI_TOPICS[1])
    with pytest.raises(AppError) as refused:
        appointment_book(kind=vietnamese, start=at(12, 10), family=family, now=NOW)
    assert refused.value.code == "invalid_topic"


def test_a_topic_the_type_no_longer_lists_is_shown_as_stored(vietnamese):
    assert topic_label(vietnamese, "見学", "vi") == "見学"
    assert topic_label(vietnamese, "入園", "vi") == VI_TOPICS[0]


def test_the_demo_gives_every_topic_and_counsellor_name_in_every_language():
    call_command("load_demo")
    japanese = {spec["slug"]: spec["topics"] for spec in TYPES}
    for code in ("en", "zh-hans", "ko", "pt-br", "vi", "ja-easy"):
        for kind in ConsultationType.objects.all():
            labels = topic_labels(kind, code)
            assert len(labels) == len(japanese[kind.slug]), (code, kind.slug)
            assert set(labels).isdisjoint(japanese[kind.slug]), (code, kind.slug)
            assert [value for value, _label in topic_choices(kind, code)] == japanese[kind.slug]
        column = f"display_name_{code.replace('-', '_')}"
        assert not Counsellor.objects.filter(**{f"{column}__isnull": True}).exists(), code
    korean = ConsultationType.objects.get(slug="nyuen-soudan")
    assert "입원" not in " ".join([korean.title_ko, *korean.topics_ko])
    easy = page(Client(), "/consultations/concierge/", "ja-easy")
    assert "{" not in easy.split("<main", 1)[1]


def test_the_admin_takes_the_topics_and_the_name_per_language(vietnamese, counsellor, admin_client):
    kind_page = admin_client.get(f"/admin/consultations/consultationtype/{vietnamese.pk}/change/")
    name_page = admin_client.get(f"/admin/consultations/counsellor/{counsellor.pk}/change/")
    assert kind_page.status_code == name_page.status_code == 200
    assert 'name="topics_vi"' in kind_page.content.decode()
    assert 'name="topics_ja"' in kind_page.content.decode()
    assert 'name="display_name_vi"' in name_page.content.decode()
    assert VI_TOPICS[0] in kind_page.content.decode() and VI_NAME in name_page.content.decode()
