"""Fuzz the whole API from its OpenAPI schema (schemathesis, all checks, fixed seed).

Runs the schemathesis CLI against a live server, once as a facility manager (staff token) and
once as a parent (manage token), so authenticated operations are exercised too.
Result wanted: no 5xx, and every response conforms to the schema.
"""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SEED = os.environ.get("SCHEMATHESIS_SEED", "20261122")
EXAMPLES = os.environ.get("SCHEMATHESIS_EXAMPLES", "100")


def schemathesis_bin() -> str:
    found = Path(sys.executable).with_name("schemathesis")
    return str(found) if found.exists() else (shutil.which("schemathesis") or "schemathesis")


def run_schemathesis(base_url: str, env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    config = Path(__file__).with_name("schemathesis.toml")
    return subprocess.run(
        [
            schemathesis_bin(),
            "--config-file",
            str(config),
            "run",
            f"{base_url}/api/schema/?format=json",
            "--url",
            base_url,
            "--checks",
            "all",
            "--seed",
            SEED,
            "--max-examples",
            EXAMPLES,
            "--generation-database",
            "none",
            "--workers",
            "2",
            "--phases",
            os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing"),
            "--request-timeout",
            "20",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **env},
    )


@pytest.fixture
def credentials(live_server, settings, client):
    settings.API_THROTTLE_RATES = {k: "100000/min" for k in settings.API_THROTTLE_RATES}
    call_command("load_demo")
    out = io.StringIO()
    call_command("create_staff", "fuzz@example.jp", "--facility", "ribbonkan", stdout=out)
    staff_token = out.getvalue().strip().splitlines()[-1]
    from django.utils import timezone

    from events.models import Session

    now = timezone.now()
    session = Session.objects.filter(
        status="scheduled",
        registration_opens__lte=now,
        registration_closes__gt=now,  # the demo's past sessions are closed
        program__booking_mode="first_come",
        course__isnull=True,
        program__requires_due_date=False,
        program__requires_child_ages=False,
        program__requires_company=False,
        program__requires_residency=False,
    ).first()
    from rest_framework.test import APIClient

    body = {
        "session": session.pk,
        "name": "山田 花子",
        "email": "fuzz-parent@example.jp",
        "adults": 1,
        "children": 0,
    }
    created = APIClient().post("/api/v1/reservations/", body, format="json").json()
    # The staff operations on a session are fuzzed on the demo's session of the day at the
    # staff user's facility, which has parties to check in, move and cancel.
    from django.utils import timezone

    today = Session.objects.filter(
        facility__slug="ribbonkan", start__date=timezone.localdate(), course__isnull=True
    ).first()
    return staff_token, created["code"], created["token"], today.pk


@pytest.mark.parametrize("who", ["staff", "parent"])
def test_api_survives_schemathesis(live_server, credentials, tmp_path, who):
    staff_token, code, parent_token, session_id = credentials
    env = {
        "ST_SESSION_ID": str(session_id),
        # The parent run sends a staff header that no token matches: only the manage token helps.
        "ST_STAFF_AUTHORIZATION": f"Token {staff_token if who == 'staff' else 'x' * 40}",
        "ST_RESERVATION_CODE": code,
        "ST_RESERVATION_TOKEN": parent_token,
    }
    result = run_schemathesis(live_server.url, env, tmp_path)
    output = result.stdout + result.stderr
    artifacts = Path(__file__).resolve().parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"schemathesis-{who}.txt").write_text(output)
    assert result.returncode == 0, output[-6000:]
