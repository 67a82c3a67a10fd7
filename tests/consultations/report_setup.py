"""Appointments as the consultation report counts them, made directly in the state the services
leave them (booked, done, no-show, cancelled), at a time given in Japan time."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from consultations.models import Appointment, ConsultationType, Counsellor
from tests.consultations.conftest import TOKYO

codes = count(1)


def held(kind: ConsultationType, counsellor: Counsellor, start: datetime, status: str):
    """An appointment as the services leave it once booked, closed or cancelled."""
    end = start + timedelta(minutes=kind.minutes)
    return Appointment.objects.create(
        consultation_type=kind,
        counsellor=counsellor,
        start=start,
        end=end,
        held_until=end + timedelta(minutes=kind.buffer_minutes),
        status=status,
        code=f"RPT{next(codes):05d}",
        name="山田 花子",
    )


def tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)
