"""What the tests of an order chosen in the admin's list (並び順 of programmes, facilities and
consultation types) share: an operator logged in, the list's form as a browser posts it, and a
page's select options in their order."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.test import Client


def operator_client() -> Client:
    """A superuser logged in to the admin."""
    client = Client()
    client.force_login(
        get_user_model().objects.create_superuser("operator", "operator@example.jp", "pw-Op-123")
    )
    return client


def list_edit(rows: list[tuple[int, object]], field: str = "display_order") -> dict[str, str]:
    """The admin list's form with ``field`` typed in for each (pk, value), rows in list order."""
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for n, (pk, value) in enumerate(rows):
        data[f"form-{n}-id"] = str(pk)
        data[f"form-{n}-{field}"] = str(value)
    return data


def select_options(html: str, name: str) -> list[str]:
    """The values of a select's options, in the page's order (the empty "all" one left out)."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]
