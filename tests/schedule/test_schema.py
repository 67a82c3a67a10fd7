"""The schedule's endpoints are in the OpenAPI document with their bodies and answers."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_schema_shows_the_series_and_month_copy_endpoints():
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    create = paths["/api/v1/series/"]["post"]
    assert {p["name"] for p in create["parameters"]} >= {"dry_run"}
    assert {"200", "201", "400", "403"} <= set(create["responses"])
    assert set(paths["/api/v1/series/{id}/"]) >= {"get", "patch"}
    assert "post" in paths["/api/v1/months/copy/"]
    pattern = schema["components"]["schemas"]["SeriesPatternRequest"]
    assert pattern["properties"]["weekdays"]["items"]["maximum"] == 7
    assert set(pattern["required"]) >= {
        "program",
        "facility",
        "weekdays",
        "start_time",
        "end_time",
        "first_date",
        "last_date",
        "capacity",
    }
    skipped = schema["components"]["schemas"]["Skipped"]["properties"]
    assert set(skipped) == {"date", "reason", "name"}
