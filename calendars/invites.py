"""The invite an email carries (iTIP, RFC 5546): REQUEST when a seat is held, CANCEL when it is
not any more, with the same UIDs and a SEQUENCE that only rises: the session's sequence (raised
by every change staff make), plus the steps the parent's earlier given-up reservations for it
used, plus one per change of this party and two per move of it to another date; a CANCEL one
more.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from icalendar import (
    Alarm,
    vCalAddress,
    vText,
)

from booking.models import LIVE, HistoryNote, Reservation, ReservationHistory, ReservationStatus
from calendars.ics import (
    ENDED,
    METHOD_CANCEL,
    METHOD_REQUEST,
    EventFields,
    language_labels,
    new_calendar,
    organizer_email,
    own_sequence_steps,
    session_text,
    session_vevent,
    text_language,
    used_sequence_steps,
    utc,
)
from events.models import Session, SessionStatus


def reservation_sessions(reservation: Reservation) -> list[Session]:
    """Return the sessions a reservation covers, freshly read, in order of start."""
    query = (
        Q(pk=reservation.session_id)
        if reservation.session_id
        else Q(course_id=reservation.course_id)
    )
    return list(
        Session.objects.filter(query).select_related("program", "facility").order_by("start", "pk")
    )


def prior_sequence_steps(reservation: Reservation, session: Session | None = None) -> int:
    """The SEQUENCE steps the parent's earlier, given-up reservations for the same target used:
    two each (the REQUEST and the CANCEL) plus one per party change and two per move, so that a
    new booking's invite outranks every invite before it. Reservations of the address that moved
    away from the date count alike (``left_date_steps``). ``session``: the date the invite is
    for, when it is not the reservation's own (the date a move left)."""
    if reservation.course_id:
        target = Q(course_id=reservation.course_id)
        session_id = None
    else:
        session_id = session.pk if session is not None else reservation.session_id
        target = Q(session_id=session_id)
    earlier = Q(created_at__lt=reservation.created_at) | Q(
        created_at=reservation.created_at, pk__lt=reservation.pk
    )
    ended = Reservation.objects.filter(
        target, earlier, email=reservation.email, status__in=ENDED
    ).exclude(pk=reservation.pk)
    steps = steps_used_by(ended)
    if session_id is not None:
        steps += left_date_steps(reservation.email, session_id, besides=reservation.pk)
    return steps


def left_date_steps(email: str, session_id: int, *, besides: int | None = None) -> int:
    """The SEQUENCE steps the address's reservations that moved away from a date used on it,
    at most two plus their party changes and two per move each (their counters only rise);
    ``besides``: a reservation that counts its own (one that moved back)."""
    left = ReservationHistory.objects.filter(
        note=HistoryNote.MOVED, left_session_id=session_id, reservation__email=email
    ).exclude(reservation_id=besides)
    return steps_used_by(Reservation.objects.filter(pk__in=left.values("reservation_id")))


def steps_used_by(reservations: QuerySet[Reservation]) -> int:
    """``used_sequence_steps`` summed over reservations, in one aggregate query."""
    used = reservations.aggregate(n=Count("id"), changes=Sum("party_changes"), moves=Sum("moves"))
    return 2 * used["n"] + (used["changes"] or 0) + 2 * (used["moves"] or 0)


def invite_sequence(reservation: Reservation, session: Session, *, prior: int, method: str) -> int:
    """Return the SEQUENCE of an invite for one session (rule in the module docstring)."""
    base = session.sequence + prior + own_sequence_steps(reservation)
    return base + 1 if method == METHOD_CANCEL else base


def _invite_prefix(session: Session, method: str, labels: dict[str, str]) -> str:
    if session.status == SessionStatus.CANCELLED:
        return labels["session_cancelled"]
    if method == METHOD_CANCEL:
        return labels[ReservationStatus.CANCELLED]
    return ""


def reservation_invites(
    reservation: Reservation, *, method: str, now: datetime | None = None
) -> list[bytes]:
    """Return one iTIP invite (REQUEST or CANCEL) per session of a reservation.

    A course's sessions are separate iTIP objects, each with its one UID: clients handle a
    message holding several UIDs poorly (Thunderbird takes it as PUBLISH, Outlook keeps the
    first event only), and each session keeps its own UID through change and cancel.
    """
    return [
        reservation_invite(reservation, method=method, now=now, session=session)
        for session in reservation_sessions(reservation)
    ]


def reservation_invite(
    reservation: Reservation,
    *,
    method: str,
    now: datetime | None = None,
    session: Session | None = None,
) -> bytes:
    """Return the iTIP invite (REQUEST or CANCEL) of one session of a reservation (its only
    session unless one of a course's is named)."""
    if method not in (METHOD_REQUEST, METHOD_CANCEL):
        raise ValueError(f"unsupported iTIP method {method!r}")
    if session is None:
        sessions = reservation_sessions(reservation)
        if len(sessions) != 1:
            raise ValueError("a course has one invite per session: name the session")
        session = sessions[0]
    labels = language_labels(reservation.language)
    stamp = utc(now or timezone.now())
    prior = prior_sequence_steps(reservation, session)
    holds_place = reservation.status in LIVE
    cal = new_calendar(method=method)
    cancelled = method == METHOD_CANCEL or session.status == SessionStatus.CANCELLED
    contact = session.facility.phone or session.facility.email
    extra = [f"{labels['code']}{labels['sep']}{reservation.code}", labels["manage"]]
    if contact:
        extra.append(f"{labels['contact']}{labels['sep']}{session.facility.name} {contact}")
    event = session_vevent(
        session,
        EventFields(
            dtstamp=stamp,
            last_modified=utc(session.updated_at),
            sequence=invite_sequence(reservation, session, prior=prior, method=method),
            status="CANCELLED" if cancelled else "CONFIRMED",
            summary=f"{_invite_prefix(session, method, labels)}{session.display_title}",
            description=session_text(
                session, labels, extra=extra, page_language=reservation.language
            ),
            language=text_language(reservation.language),
            page_language=reservation.language,
        ),
    )
    organizer = vCalAddress(f"mailto:{organizer_email(session)}")
    organizer.params["CN"] = vText(session.facility.name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{reservation.email}")
    attendee.params["CN"] = vText(reservation.name)
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = vText(
        "DECLINED" if not holds_place and session.status != SessionStatus.CANCELLED else "ACCEPTED"
    )
    attendee.params["RSVP"] = vText("FALSE")
    event.add("attendee", attendee)
    if method == METHOD_REQUEST and not cancelled and session.program.calendar_alarm:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(days=-1))
        alarm.add(
            "description",
            f"{labels['alarm']}{labels['sep']}{session.display_title}",
            parameters={"LANGUAGE": text_language(reservation.language)},
        )
        event.add_component(alarm)
    cal.add_component(event)
    return cal.to_ical()


def left_date_invites(
    reservation: Reservation, session_id: int | None, *, now: datetime | None = None
) -> list[tuple[str, bytes]]:
    """The CANCEL of the date a reservation moved away from, as (method, iCalendar): sent
    whatever became of the reservation since, as the date's REQUEST went when it was booked
    (none when the session is gone)."""
    left = Session.objects.select_related("program", "facility").filter(pk=session_id)
    return [
        (METHOD_CANCEL, reservation_invite(reservation, method=METHOD_CANCEL, now=now, session=s))
        for s in left
    ]


def left_dates(email: str, reservations: dict[int, Reservation]) -> dict[int, dict[int, int]]:
    """The SEQUENCE steps of the address's reservations on the dates they moved away from:
    {date left: {reservation: steps}}, as ``left_date_steps`` counts them."""
    moved = (
        ReservationHistory.objects.filter(
            note=HistoryNote.MOVED, reservation__email=email, left_session__isnull=False
        )
        .values_list("left_session_id", "reservation_id")
        .distinct()
    )
    left: dict[int, dict[int, int]] = {}
    for session_id, reservation_id in moved:
        reservation = reservations.get(reservation_id)
        if reservation is not None:
            left.setdefault(session_id, {})[reservation_id] = used_sequence_steps(reservation)
    return left


def with_left_date_steps(
    email: str, reservations: list[Reservation], chosen: dict[tuple, tuple[Reservation, int]]
) -> dict[tuple, tuple[Reservation, int]]:
    """A private feed's picks, (reservation, prior steps) by (session, course), with the steps
    of the address's reservations that moved away from each date added."""
    left = left_dates(email, {r.pk: r for r in reservations})
    added = {}
    for (session_id, course_id), (reservation, prior) in chosen.items():
        on_date = left.get(session_id, {}) if session_id is not None else {}
        steps = sum(n for pk, n in on_date.items() if pk != reservation.pk)
        added[(session_id, course_id)] = (reservation, prior + steps)
    return added
