"""The emails of an appointment: confirmation (with the manage link and an iTIP REQUEST) and
cancellation (an iTIP CANCEL with the same UID and a higher SEQUENCE), queued in the outbox in
the transaction of the change and rendered through ``notifications.kinds``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape, linebreaks
from icalendar import Event, vCalAddress, vText

from calendars.ics import METHOD_CANCEL, METHOD_REQUEST, new_calendar, utc
from consultations.models import Appointment, ConsultationMode
from notifications.email_parts import Rendered
from notifications.kinds import register_kind
from notifications.services import notification_enqueue

CONFIRMED = "appointment_confirmed"
CANCELLED = "appointment_cancelled"
TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAYS = "月火水木金土日"
MODES = {"in_person": "来所", "phone": "電話", "online": "オンライン"}


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


def when_text(appointment: Appointment) -> str:
    start, end = appointment.start.astimezone(TOKYO), appointment.end.astimezone(TOKYO)
    weekday = WEEKDAYS[start.weekday()]
    return f"{start:%Y年%-m月%-d日}（{weekday}）{start:%H:%M}〜{end:%H:%M}"


def invite(appointment: Appointment, *, method: str, now: datetime) -> bytes:
    kind = appointment.consultation_type
    facility = appointment.counsellor.facility
    cal = new_calendar(method=method)
    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("dtstamp", utc(now))
    event.add("dtstart", appointment.start.astimezone(TOKYO))
    event.add("dtend", appointment.end.astimezone(TOKYO))
    event.add("sequence", 1 if method == METHOD_CANCEL else 0)
    event.add("status", "CANCELLED" if method == METHOD_CANCEL else "CONFIRMED")
    event.add("summary", f"{kind.title}（{facility.name}）")
    event.add("location", facility.address if kind.mode == ConsultationMode.IN_PERSON else "")
    event.add("description", f"予約番号: {appointment.code}")
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
    kind = appointment.consultation_type
    facility = appointment.counsellor.facility
    lines = [f"{appointment.name} 様", ""]
    if notification.kind == CONFIRMED:
        subject = f"【予約確定】{kind.title} {when_text(appointment)}"
        lines += [f"{kind.title}のご予約を承りました。", ""]
        method = METHOD_REQUEST
    else:
        subject = f"【取消】{kind.title} {when_text(appointment)}"
        lines += [f"{kind.title}のご予約を取り消しました。", ""]
        method = METHOD_CANCEL
    lines += [
        f"日時: {when_text(appointment)}",
        f"相談方法: {MODES.get(kind.mode, kind.mode)}",
        f"担当: {appointment.counsellor.display_name}",
        f"場所: {facility.name}",
        f"予約番号: {appointment.code}",
    ]
    if notification.kind == CONFIRMED and kind.mode == ConsultationMode.ONLINE and kind.online_link:
        lines.append(f"オンライン相談のURL: {kind.online_link}")
    link = notification.payload.get("manage_url")
    if link:
        lines += ["", "予約の確認・取り消しはこちら:", link]
    if facility.phone:
        lines += ["", f"お問い合わせ: {facility.name} {facility.phone}"]
    text = "\n".join(lines) + "\n"
    return Rendered(
        subject=subject,
        text=text,
        html=linebreaks(escape(text)),
        invites=[(method, invite(appointment, method=method, now=now))],
    )


def register() -> None:
    for kind in (CONFIRMED, CANCELLED):
        register_kind(kind, build)
