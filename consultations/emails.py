"""The emails of an appointment: confirmation (with the manage link and an iTIP REQUEST) and
cancellation (an iTIP CANCEL with the same UID and a higher SEQUENCE), queued in the outbox in
the transaction of the change and rendered through ``notifications.kinds``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.html import linebreaks, urlize
from django.utils.translation import get_language, gettext, override, pgettext
from icalendar import Event, vCalAddress, vText

from calendars.ics import METHOD_CANCEL, METHOD_REQUEST, new_calendar, text_language, utc
from consultations.models import Appointment, ConsultationMode
from consultations.selectors import change_deadline
from core.dates import format_day_time, format_span
from core.languages import EASY_JAPANESE, html_lang, supported_language, url_in_language
from core.ruby import html_with_ruby, ruby_plain
from events.maps import facility_map_link
from notifications.email_parts import Rendered, my_reservations_url
from notifications.kinds import register_kind
from notifications.services import notification_enqueue

CONFIRMED = "appointment_confirmed"
CHANGED = "appointment_changed"
REMINDER = "appointment_reminder"
CANCELLED = "appointment_cancelled"
TOKYO = ZoneInfo("Asia/Tokyo")


def manage_url(code: str, token: str) -> str:
    """Return the link a family keeps to see or cancel an appointment."""
    path = reverse("appointment-page", kwargs={"code": code})
    return f"{settings.SITE_URL}{path}?token={token}"


def appointment_uid(appointment: Appointment) -> str:
    """The invite's UID: the same through confirmation and cancellation."""
    domain = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"
    return f"appointment-{appointment.pk}@{domain}"


def notify_appointment_booked(appointment: Appointment, *, token: str) -> None:
    notification_enqueue(
        kind=CONFIRMED,
        to_email=appointment.email,
        language=appointment.language,
        payload={
            "appointment_id": appointment.pk,
            "manage_url": manage_url(appointment.code, token),
        },
        dedupe_key=f"{CONFIRMED}:{appointment.pk}",
    )


def notify_appointment_changed(
    appointment: Appointment, *, token: str = "", was: tuple[datetime, datetime] | None = None
) -> None:
    """The appointment moved: an iTIP REQUEST of the same UID with the raised SEQUENCE, and
    the time it had (``was``) for the email to say what moved."""
    if not appointment.email:
        return
    payload = {"appointment_id": appointment.pk, "sequence": appointment.sequence}
    if was is not None:
        payload["was_start"], payload["was_end"] = (moment.isoformat() for moment in was)
    if token:
        payload["manage_url"] = manage_url(appointment.code, token)
    notification_enqueue(
        kind=CHANGED,
        to_email=appointment.email,
        language=appointment.language,
        payload=payload,
        dedupe_key=f"{CHANGED}:{appointment.pk}:{appointment.sequence}",
    )


def notify_appointment_cancelled(appointment: Appointment) -> None:
    if not appointment.email:
        return
    notification_enqueue(
        kind=CANCELLED,
        to_email=appointment.email,
        language=appointment.language,
        payload={"appointment_id": appointment.pk},
        dedupe_key=f"{CANCELLED}:{appointment.pk}",
    )


def previous_when(payload: dict, language: str) -> str:
    """The time an appointment had before it moved, or "" (an email queued before it was kept)."""
    if not payload.get("was_start") or not payload.get("was_end"):
        return ""
    start, end = (datetime.fromisoformat(payload[key]) for key in ("was_start", "was_end"))
    return format_span(start, end, language, style="day_long")


def when_text(appointment: Appointment, language: str | None = None) -> str:
    """When an appointment is, in the family's language (``core.dates``)."""
    return format_span(
        appointment.start, appointment.end, language or appointment.language, style="day_long"
    )


def invite(appointment: Appointment, *, method: str, now: datetime) -> bytes:
    kind = appointment.consultation_type
    facility = appointment.counsellor.facility
    cal = new_calendar(method=method)
    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("dtstamp", utc(now))
    event.add("dtstart", appointment.start.astimezone(TOKYO))
    event.add("dtend", appointment.end.astimezone(TOKYO))
    event.add("sequence", appointment.sequence)  # raised by each move and the cancellation
    event.add("status", "CANCELLED" if method == METHOD_CANCEL else "CONFIRMED")
    language = text_language(appointment.language)
    with override(supported_language(appointment.language)):
        summary = pgettext("place and address", "%(name)s (%(address)s)") % {
            "name": kind.title,
            "address": facility.name,
        }
        description = gettext("Reservation code: %(code)s") % {"code": appointment.code}
    if supported_language(appointment.language) == EASY_JAPANESE:  # the title's ふりがな
        summary, description = ruby_plain(summary), ruby_plain(description)
    event.add("summary", summary, parameters={"LANGUAGE": language})
    event.add("location", facility.address if kind.mode == ConsultationMode.IN_PERSON else "")
    event.add("description", description, parameters={"LANGUAGE": language})
    organizer = vCalAddress(f"mailto:{facility.email or settings.DEFAULT_FROM_EMAIL}")
    organizer.params["CN"] = vText(facility.name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{appointment.email}")
    attendee.params["CN"] = vText(appointment.name)
    attendee.params["PARTSTAT"] = vText("DECLINED" if method == METHOD_CANCEL else "ACCEPTED")
    event.add("attendee", attendee)
    cal.add_component(event)
    return cal.to_ical()


def build(notification, now: datetime) -> Rendered:
    """Build an appointment's email from its outbox row (``notifications.kinds``)."""
    appointment = Appointment.objects.select_related(
        "consultation_type", "counsellor__facility"
    ).get(pk=notification.payload["appointment_id"])
    language = supported_language(appointment.language)
    with override(language):
        subject, text = _wording(appointment, notification)
    method = METHOD_CANCEL if notification.kind == CANCELLED else METHOD_REQUEST
    # The text's paragraphs, its addresses as links a phone can tap, in a page of its language.
    body = linebreaks(urlize(text, autoescape=True))
    html = (
        f'<!DOCTYPE html>\n<html lang="{html_lang(language)}">\n<body>\n{body}\n</body>\n</html>\n'
    )
    if language == EASY_JAPANESE:  # ふりがな: 漢字(かんじ) in the text, <ruby> in the HTML
        subject, text, html = ruby_plain(subject), ruby_plain(text), html_with_ruby(html)
    return Rendered(
        subject=subject,
        text=text,
        html=html,
        invites=[(method, invite(appointment, method=method, now=now))],
    )


def _wording(appointment: Appointment, notification) -> tuple[str, str]:
    """The subject and text of an appointment's email, in the active language."""
    kind = appointment.consultation_type
    facility = appointment.counsellor.facility
    when = when_text(appointment, get_language())
    values = {"title": kind.title, "when": when}
    lines = [gettext("Dear %(name)s,") % {"name": appointment.name}, ""]
    if notification.kind == CONFIRMED:
        subject = gettext("Appointment confirmed: %(title)s (%(when)s)") % values
        lines += [gettext("We have booked your appointment: %(title)s.") % values, ""]
    elif notification.kind == CHANGED:
        subject = gettext("Appointment changed: %(title)s (%(when)s)") % values
        lines += [gettext("Your appointment has moved to a new time: %(title)s.") % values, ""]
        if was := previous_when(notification.payload, get_language()):
            lines.append(gettext("Previous date and time: %(when)s") % {"when": was})
    elif notification.kind == REMINDER:
        subject = gettext("Reminder: %(title)s (%(when)s)") % values
        lines += [gettext("This is a reminder of your appointment: %(title)s.") % values, ""]
    else:
        subject = gettext("Appointment cancelled: %(title)s (%(when)s)") % values
        lines += [gettext("Your appointment has been cancelled: %(title)s.") % values, ""]
    lines += [
        gettext("Date and time: %(when)s") % values,
        gettext("How: %(mode)s") % {"mode": ConsultationMode(kind.mode).label},
        gettext("Counsellor: %(name)s") % {"name": appointment.counsellor.display_name},
        # By phone or online the family goes nowhere: the facility is the one that holds it.
        (
            gettext("Place: %(place)s")
            if kind.mode == ConsultationMode.IN_PERSON
            else gettext("Facility in charge: %(place)s")
        )
        % {"place": facility.name},
    ]
    if kind.mode == ConsultationMode.IN_PERSON and facility.address:
        lines.append(gettext("Address: %(address)s") % {"address": facility.address})
        lines.append(gettext("Map: %(url)s") % {"url": facility_map_link(facility)})
    if kind.mode == ConsultationMode.PHONE and appointment.phone:
        lines.append(
            gettext("By phone: the counsellor calls %(phone)s at this time.")
            % {"phone": appointment.phone}
        )
    lines.append(gettext("Reservation code: %(code)s") % {"code": appointment.code})
    if notification.kind != CANCELLED and kind.mode == ConsultationMode.ONLINE and kind.online_link:
        lines.append(
            gettext("Link for the online consultation: %(url)s") % {"url": kind.online_link}
        )
    link = notification.payload.get("manage_url")
    if link:
        # The page opens in the email's language, whatever the browser that follows the link.
        link = url_in_language(link, appointment.language)
        lines += ["", gettext("To see or cancel your appointment:"), link]
    elif notification.kind != CANCELLED:
        # Only the booking's email holds the manage token (kept hashed): a reminder says where
        # the link is and where to ask for it again, as the event emails do.
        lines += [
            "",
            gettext(
                "To see or cancel your appointment, use the link in the email we sent when you "
                "booked. If you cannot find it, enter your email address on this page and we "
                "will send you the list of your reservations:"
            ),
            url_in_language(my_reservations_url(), appointment.language),
        ]
    if notification.kind != CANCELLED:
        # In the body's own style: "Mon 11 January 2027", not "Mon 11 Jan" beside it.
        deadline = format_day_time(change_deadline(appointment), get_language(), style="day_long")
        lines.append(
            gettext("You can cancel or change the time online until %(deadline)s.")
            % {"deadline": deadline}
        )
    if facility.phone:
        lines += [
            "",
            gettext("Questions: %(place)s %(phone)s")
            % {"place": facility.name, "phone": facility.phone},
        ]
    return " ".join(subject.split()), "\n".join(lines) + "\n"


def register() -> None:
    from consultations.reminders import reminder_stale

    for kind in (CONFIRMED, CHANGED, CANCELLED):
        register_kind(kind, build)
    register_kind(REMINDER, build, stale=reminder_stale)
