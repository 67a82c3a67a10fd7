"""Personal data: erase on request (個人情報保護法), export for a data subject, retention purge.

Anonymising keeps the row, its status, party size and history, so the attendance report's
counts stay right; it removes what identifies a family: names, contact, ages, due date, notes,
needs (配慮事項), and the addresses and links in its notifications. "My reservations" links
(booking.links) are deleted when they expire, by the daily purge, and at once when staff erase
an address.

Staff find a family by email address or by phone number (``DataSubject``): a booking made by
phone may hold no address at all. A number matches only as a whole, however it was typed
(``core.phones``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from booking.addresses import receives_email
from booking.links import my_reservations_links_erase, my_reservations_links_purge
from booking.models import LIVE, HistoryNote, Reservation, ReservationStatus, history_text
from booking.services import hash_token, reservation_cancel
from core.phones import phone_digits

ANONYMISED_DOMAIN = "anonymised.invalid"
ERASED_NAME = "（削除済み）"


def is_anonymised(reservation: Reservation) -> bool:
    return reservation.email.endswith(f"@{ANONYMISED_DOMAIN}")


@transaction.atomic
def reservation_anonymise(*, reservation: Reservation) -> Reservation:
    """Remove the personal data of one reservation and of the notifications sent for it."""
    Reservation.objects.filter(pk=reservation.pk).update(
        name=ERASED_NAME,
        name_kana="",
        email=f"erased-{reservation.pk}@{ANONYMISED_DOMAIN}",
        phone="",
        notes="",
        needs=[],
        needs_detail="",
        company="",
        attendee_names=[],
        children_ages=[],
        due_date=None,
        resident=None,
        # Nobody can open it any more: the old token no longer matches anything.
        token_hash=hash_token(secrets.token_urlsafe(32)),
        updated_at=timezone.now(),
    )
    reservation.notifications.update(to_email=f"erased@{ANONYMISED_DOMAIN}", payload={})
    reservation.refresh_from_db()
    return reservation


@transaction.atomic
def reservation_erase(
    *, reservation: Reservation, by: AbstractBaseUser | None = None
) -> Reservation:
    """A parent deletes their data: a live reservation is cancelled first, under the usual rules."""
    reservation.refresh_from_db()
    if reservation.status in (
        ReservationStatus.CONFIRMED,
        ReservationStatus.WON,
        ReservationStatus.WAITLISTED,
        ReservationStatus.APPLIED,
    ):
        reservation_cancel(reservation=reservation, by=by, note=HistoryNote.ERASED)
    return reservation_anonymise(reservation=reservation)


@dataclass(frozen=True)
class DataSubject:
    """Whom a request is about: an email address (lower case) or a phone number's digits."""

    email: str = ""
    phone: str = ""

    @classmethod
    def of(cls, *, email: str = "", phone: str = "") -> DataSubject:
        """The subject named by exactly one of ``email`` and ``phone`` (as typed)."""
        email = (email or "").strip().lower()
        digits = phone_digits(phone) if phone else ""
        if digits is None or bool(email) == bool(digits):
            raise ValueError("give one email address or one phone number")
        return cls(email=email, phone=digits)


def phone_matches(queryset: QuerySet, digits: str) -> QuerySet:
    """The rows of ``queryset`` whose ``phone`` is the number ``digits``, however it was typed.

    Numbers are stored as typed, so the rows in scope that hold one are read (key and number)
    and compared here. It serves a rare request made for one family; a normalised column that
    every writer of a phone number would have to keep in step would not pay for itself.
    """
    rows = queryset.exclude(phone="").values_list("pk", "phone")
    return queryset.filter(
        pk__in=[pk for pk, phone in rows.iterator() if phone_digits(phone) == digits]
    )


def _scoped(subject: DataSubject, facility_ids: set[int] | None) -> QuerySet[Reservation]:
    qs = Reservation.objects.all()
    if facility_ids is not None:
        qs = qs.filter(
            Q(session__facility_id__in=facility_ids) | Q(course__facility_id__in=facility_ids)
        )
    qs = phone_matches(qs, subject.phone) if subject.phone else qs.filter(email=subject.email)
    return qs.select_related("session__program", "session__facility", "course__facility")


def personal_data_export(
    *, subject: DataSubject, facility_ids: set[int] | None
) -> list[dict[str, Any]]:
    """Everything held about an email address or a phone number at the given facilities
    (None: all)."""
    rows = []
    for r in _scoped(subject, facility_ids).prefetch_related("history").order_by("id"):
        target = r.session or r.course
        rows.append(
            {
                "code": r.code,
                "status": r.status,
                "session": r.session_id,
                "course": r.course.slug if r.course_id else None,
                "title": r.session.display_title if r.session_id else r.course.title,
                "facility": target.facility.slug,
                "name": r.name,
                "name_kana": r.name_kana,
                "email": r.email,
                "phone": r.phone,
                "adults": r.adults,
                "children": r.children,
                "children_ages": r.children_ages,
                "due_date": r.due_date.isoformat() if r.due_date else None,
                "childcare": r.childcare,
                "company": r.company,
                "attendee_names": r.attendee_names,
                "notes": r.notes,
                "needs": r.needs,
                "needs_detail": r.needs_detail,
                "language": r.language,
                "created_at": r.created_at.isoformat(),
                "history": [
                    {
                        "at": h.at.isoformat(),
                        "from": h.from_status,
                        "to": h.to_status,
                        "by": h.actor_label,
                        # In the language of the request, as the desk's pages word it.
                        "reason": history_text(h),
                    }
                    for h in r.history.all()
                ],
            }
        )
    return rows


@dataclass(frozen=True)
class PersonalDataHolder:
    """Personal data another app keeps by email address and phone number (consultations'
    appointments), exported and erased with the reservations. The apps above booking register
    theirs at start-up, as booking cannot import them.

    ``export(subject, facility_ids, private_facility_ids)`` gives the rows of a ``DataSubject``
    (found by its email address, or by its phone number through ``phone_matches``), with what
    only managers may read at ``private_facility_ids`` (None: everywhere);
    ``erase(subject, facility_ids)`` gives the codes it erased.
    """

    name: str
    export: Callable[[DataSubject, set[int] | None, set[int] | None], list[dict[str, Any]]]
    erase: Callable[[DataSubject, set[int] | None], list[str]]


HOLDERS: dict[str, PersonalDataHolder] = {}


def personal_data_holder_register(holder: PersonalDataHolder) -> None:
    HOLDERS[holder.name] = holder


def personal_data_export_others(
    *,
    subject: DataSubject,
    facility_ids: set[int] | None,
    private_facility_ids: set[int] | None,
) -> dict[str, list[dict[str, Any]]]:
    """What the registered holders keep for an email address or phone number, by holder."""
    return {
        name: holder.export(subject, facility_ids, private_facility_ids)
        for name, holder in HOLDERS.items()
    }


@dataclass
class Erased:
    """What an erasure removed: the reservations' codes, the other holders' codes by name, and
    whether "my reservations" links of an address ended with them."""

    codes: list[str]
    links_ended: bool
    others: dict[str, list[str]] = field(default_factory=dict)


@transaction.atomic
def personal_data_erase(
    *, subject: DataSubject, facility_ids: set[int] | None, by: AbstractBaseUser
) -> Erased:
    """Staff erase what their facilities hold for an email address or a phone number.

    Only the reservations at those facilities are anonymised. An address's "my reservations"
    links (the one asked for, or one held by a reservation found by its phone number) end only
    when no reservation of it is left anywhere: a parent who also booked at another facility
    keeps the way back to those.
    """
    addresses = {subject.email} if subject.email else set()
    codes = []
    for reservation in _scoped(subject, facility_ids).order_by("id"):
        if reservation.status in LIVE and reservation.status not in (
            ReservationStatus.ATTENDED,
            ReservationStatus.NO_SHOW,
        ):
            reservation_cancel(reservation=reservation, by=by, note=HistoryNote.ERASED)
        if receives_email(reservation.email):
            addresses.add(reservation.email)
        codes.append(reservation.code)
        reservation_anonymise(reservation=reservation)
    others = {name: holder.erase(subject, facility_ids) for name, holder in HOLDERS.items()}
    ended = False
    for address in sorted(addresses):
        if not Reservation.objects.filter(email=address).exists():
            my_reservations_links_erase(email=address)
            ended = True
    return Erased(codes=codes, links_ended=ended, others=others)


def personal_data_purge(*, now: datetime | None = None) -> int:
    """Anonymise reservations whose (last) session ended more than the retention period ago.

    Expired "my reservations" links are deleted too. Return how many reservations were
    anonymised.
    """
    now = now or timezone.now()
    my_reservations_links_purge(now=now)
    cutoff = now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    due = (
        Reservation.objects.exclude(email__endswith=f"@{ANONYMISED_DOMAIN}")
        .annotate(last_end=Max("course__sessions__end"))
        .filter(Q(session__end__lt=cutoff) | Q(course__isnull=False, last_end__lt=cutoff))
    )
    count = 0
    for reservation in due.order_by("id").iterator():
        reservation_anonymise(reservation=reservation)
        count += 1
    return count
