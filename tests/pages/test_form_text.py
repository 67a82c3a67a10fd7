"""The parents' and staff forms hold text to the API's rules (core.text): no control or format
characters in a name, an address typed with a phone keyboard's full-width @ still books."""

from __future__ import annotations

import pytest

from booking.models import Reservation
from notifications.models import Notification, NotificationKind
from staffdesk.forms import WalkInForm
from tests.pages.conftest import fill

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["山田\u202e花子", "\u200b\u200b", "山田\r\n花子", "山田\x00花子", "\u3164"],
    ids=["bidi-override", "zero-width-only", "line-break", "nul", "hangul-filler"],
)
def test_the_reservation_form_refuses_a_name_no_roster_could_print(ja_client, tiny, name):
    answer, _ = fill(ja_client, tiny, name=name)

    assert answer.status_code == 400
    assert "name" in answer.context["form"].errors
    assert not Reservation.objects.exists()


def test_a_full_width_at_sign_is_folded_not_refused(ja_client, tiny):
    answer, _ = fill(ja_client, tiny, email="ｈａｎａｋｏ＠example.jp")

    assert answer.status_code == 303
    assert Reservation.objects.get().email == "hanako@example.jp"


def test_my_reservations_takes_a_full_width_address(ja_client):
    answer = ja_client.post("/my-reservations/", {"email": "ｈａｎａｋｏ＠example.jp"})

    assert answer.status_code == 303
    row = Notification.objects.get(kind=NotificationKind.MY_RESERVATIONS)
    assert row.to_email == "hanako@example.jp"


def test_the_walk_in_form_refuses_a_bidi_override_in_a_name():
    form = WalkInForm(data={"name": "山田\u202e花子", "adults": "1", "children": "0"})

    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["name"]] == ["unprintable"]
