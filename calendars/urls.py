"""Calendar feeds and downloads, mounted at /calendar/ (see calendars.feeds)."""

from django.urls import path

from calendars import feeds

urlpatterns = [
    path("sessions.ics", feeds.all_sessions_feed, name="calendar-all"),
    path("sessions/<int:pk>.ics", feeds.session_download, name="calendar-session"),
    path("facilities/<slug:slug>.ics", feeds.facility_feed, name="calendar-facility"),
    path("programs/<slug:slug>.ics", feeds.program_feed, name="calendar-program"),
    path("audiences/<slug:audience>.ics", feeds.audience_feed, name="calendar-audience"),
    path("private/<str:token>.ics", feeds.private_feed, name="calendar-private"),
]
