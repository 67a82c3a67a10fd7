"""The English texts the system wrote into a history's ``reason`` become notes (0011), which
each reader's language words; what a person typed stays as typed.

The texts are those the services wrote until then; the function below is frozen with them
(it is tested in tests/booking/test_history_notes.py). A session's cancellation kept staff's
reason alone, as the session keeps it: those rows are found by it, as the desk found them.
Going back leaves the notes where they are (the texts are not written again).
"""

import re

from django.db import migrations

BATCH = 1000
PROMOTED = "promoted from the waiting list ("
# Whole texts the system wrote, and the note each becomes.
WHOLE = {
    "lottery win confirmed": "win_confirmed",
    "lottery win not confirmed in time": "win_lapsed",
    "promoted": "promoted",
    f"{PROMOTED}cancellation)": "promoted_cancellation",
    f"{PROMOTED}capacity_increased)": "promoted_capacity",
    f"{PROMOTED}party_changed)": "promoted_party_changed",
    f"{PROMOTED}lottery win lapsed)": "promoted_win_lapsed",
    "personal data erased on request": "erased",
    "marked no-show at the end of the session": "no_show_marked",
    "checked in": "checked_in",
    "check-in undone": "check_in_undone",
    "session cancelled": "session_cancelled",
    "cancelled by parent": "cancelled_by_parent",
}
RANKED = [
    (re.compile(r"drawn #(\d+)"), "drawn"),
    (re.compile(r"not drawn, waiting list #(\d+)"), "not_drawn"),
]
CAPACITY_RAISED = " (capacity raised for this party)"
# Prefixes the desk put before staff's own words; the reservation's source says as much.
DESK_PREFIXES = ("phone booking: ", "walk-in over capacity: ")


def converted(reason: str) -> tuple[str, int | None, str] | None:
    """(note, draw order, staff's words) for a text the system wrote, or None for one a person
    typed (kept as it is)."""
    if reason in WHOLE:
        return WHOLE[reason], None, ""
    for pattern, note in RANKED:
        match = pattern.fullmatch(reason)
        if match:
            return note, int(match.group(1)), ""
    if reason == "walk-in":
        return "", None, ""
    note, words = "", reason
    if words.endswith(CAPACITY_RAISED):
        note, words = "capacity_raised", words.removesuffix(CAPACITY_RAISED)
    for prefix in DESK_PREFIXES:
        if words.startswith(prefix):
            words = words.removeprefix(prefix)
            break
    else:
        if not note:
            return None
    return note, None, words


def notes_from_texts(apps, schema_editor):
    history = apps.get_model("booking", "ReservationHistory")
    session_model = apps.get_model("events", "Session")
    changed = []
    rows = history.objects.exclude(reason="").filter(note="").only("pk", "reason")
    for row in rows.iterator(chunk_size=BATCH):
        result = converted(row.reason)
        if result is None:
            continue
        row.note, row.rank, row.reason = result
        changed.append(row)
        if len(changed) >= BATCH:
            history.objects.bulk_update(changed, ["note", "rank", "reason"])
            changed = []
    if changed:
        history.objects.bulk_update(changed, ["note", "rank", "reason"])
    # A cancelled session's parties, cancelled with the reason staff gave for it.
    cancelled = session_model.objects.filter(status="cancelled").exclude(cancel_reason="")
    for session in cancelled.only("pk", "course_id", "cancel_reason").iterator():
        parties = {"reservation__session_id": session.pk}
        if session.course_id:
            parties = {"reservation__course_id": session.course_id}
        history.objects.filter(
            to_status="cancelled", note="", reason=session.cancel_reason, **parties
        ).update(note="session_cancelled")


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0011_history_note"),
        ("events", "0005_admin_verbose_names"),
    ]

    operations = [migrations.RunPython(notes_from_texts, migrations.RunPython.noop)]
