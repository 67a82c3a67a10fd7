"""What the outbox tests share: Tokyo's clock and the way emails write a session's time, a
booking through the API, the sweep run as beat would, and the outbox's rows."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

from events.models import Session
from notifications import tasks
from notifications.models import Notification

TOKYO = ZoneInfo("Asia/Tokyo")
WEEKDAYS_JA = "月火水木金土日"


def tokyo(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


def ja_when(session: Session) -> str:
    """The session's time as emails write it; a session past midnight names both dates."""
    s, e = session.start.astimezone(TOKYO), session.end.astimezone(TOKYO)

    def day(d):
        return f"{d.year}年{d.month}月{d.day}日（{WEEKDAYS_JA[d.weekday()]}）"

    if s.date() == e.date():
        return f"{day(s)}{s:%H:%M}〜{e:%H:%M}"
    return f"{day(s)}{s:%H:%M}〜{day(e)}{e:%H:%M}"


def deliver_now():
    """Let time pass until every pending row is due, then run the sweep as beat would."""
    Notification.objects.filter(status="pending").update(due_at=timezone.now())
    return tasks.deliver_due.apply().get()


def rows(**filters):
    return list(Notification.objects.filter(**filters).order_by("id"))


def reserve(api, session, email, **extra):
    body = {"session": session.pk, "name": "山田 花子", "email": email, "adults": 1, **extra}
    response = api.post("/api/v1/reservations/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()
