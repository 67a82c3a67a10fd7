"""The layout of the code holds: imports point down the layers, modules stay readable."""

import ast
import re
from pathlib import Path

from importlinter.cli import lint_imports

from booking import signals
from booking.models import Reservation
from calendars import signals as calendar_signals
from calendars.models import CalendarFeedToken
from notifications import receivers

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "events",
    "booking",
    "calendars",
    "notifications",
    "consultations",
    "parents",
    "staffdesk",
    "schedule",
    "demo",
)
MAX_LINES = 400
# The benchmarks and the settings are the project's code too, held to the same length.
SHORT_AND_DOCUMENTED = (*APPS, "bench", "config")


PROBE = "contract_probe_for_tests.py"


def product_modules():
    for app in SHORT_AND_DOCUMENTED:
        for path in sorted((ROOT / app).rglob("*.py")):
            # The layers test's probe comes and goes while the other worker runs.
            if "migrations" not in path.parts and path.name != PROBE:
                yield path


def test_imports_point_down_the_layers():
    """import-linter's layers contract in pyproject.toml: demo > staffdesk | parents (neither
    imports the other) > notifications > calendars > booking > events > core; a function-level
    import counts as any other.

    Then the check is shown to fail: a module of events that imports booking breaks it. One
    test, so that no other worker checks the layers while the probe is there."""
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
    probe = ROOT / "events" / PROBE
    probe.write_text('"""Written and removed by tests/test_architecture.py."""\n\nimport booking\n')
    try:
        assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) != 0
    finally:
        probe.unlink()


def test_product_modules_are_short_and_say_what_they_own():
    too_long, undocumented = [], []
    for path in product_modules():
        text = path.read_text()
        if text.count("\n") > MAX_LINES:
            too_long.append(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines")
        body = ast.parse(text).body
        if (
            body
            and ast.get_docstring(ast.parse(text)) is None
            and path.name
            not in (
                "__init__.py",
                "apps.py",
            )
        ):
            undocumented.append(str(path.relative_to(ROOT)))
    assert not too_long, too_long
    assert not undocumented, undocumented


def test_every_signal_has_its_receiver():
    """Emails are queued by notifications' receivers; a signal nobody hears sends nothing."""
    assert set(receivers.RECEIVERS) == set(signals.ALL)
    assert set(receivers.CALENDAR_RECEIVERS) == {calendar_signals.feed_link_issued}
    for table, sender in (
        (receivers.RECEIVERS, Reservation),
        (receivers.CALENDAR_RECEIVERS, CalendarFeedToken),
    ):
        for signal, receiver in table.items():
            uid = f"notifications.{receiver.__name__}"
            assert signal.disconnect(receiver, sender=sender, dispatch_uid=uid), uid
            signal.connect(receiver, sender=sender, dispatch_uid=uid)


# Django's date filter and its now tag write Japanese days as 12/5 (土) or 2026/12/05, not as
# core.dates does (12月5日（土）); only a month's name, YEAR_MONTH_FORMAT and values for machines
# may use them.
DATE_FILTER = re.compile(r"""(?:\|date:|\{% now )["']([^"']*)["']""")
DATE_FORMATS_NOT_FOR_DAYS = {"Y-m-d", "Y-m", "Ymd", "c", "M", "YEAR_MONTH_FORMAT", r"Y-m-d\TH:i"}


def test_templates_write_days_for_people_through_core_dates():
    found = [
        f"{path.relative_to(ROOT)}: |date:{fmt!r}"
        for path in [*ROOT.glob("*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")]
        for fmt in DATE_FILTER.findall(path.read_text(encoding="utf-8"))
        if fmt not in DATE_FORMATS_NOT_FOR_DAYS
    ]
    assert not found, "write days with the day / when / when_short / span filters:\n" + "\n".join(
        found
    )


# A colon written in a template after a translated label stays half-width in Japanese (電話: 099);
# the catalogue's "label separator" gives each language its own (電話：099, Phone: 099).
COLON_AFTER_A_LABEL = re.compile(r"""\{% translate ["'][^"']*["'] %\}: """)


def test_templates_take_the_colon_after_a_label_from_the_catalogue():
    found = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in [*ROOT.glob("*/templates/**/*.*"), *ROOT.glob("templates/**/*.*")]
        if path.suffix in {".html", ".txt"}
        for match in COLON_AFTER_A_LABEL.findall(path.read_text(encoding="utf-8"))
    ]
    assert not found, 'use {% translate ": " context "label separator" %}:\n' + "\n".join(found)
