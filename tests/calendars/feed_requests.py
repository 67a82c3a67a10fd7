"""What the feed tests share: a time some days from now, and a feed fetched over HTTP and
checked to be a calendar with its validators."""

from datetime import timedelta

from django.utils import timezone


def days_from_now(days: float):
    return timezone.now().replace(microsecond=0) + timedelta(days=days)


def get_feed(api, url, **headers):
    response = api.get(url, **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    return response
