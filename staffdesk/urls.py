"""Staff API routes, included under /api/v1/."""

from django.urls import path

from staffdesk import apis, privacy_apis

urlpatterns = [
    path("sessions/<int:pk>/roster/", apis.RosterApi.as_view(), name="staff-api-roster"),
    path("sessions/<int:pk>/check-in/", apis.CheckInApi.as_view(), name="staff-api-check-in"),
    path("sessions/<int:pk>/no-shows/", apis.NoShowsApi.as_view(), name="staff-api-no-shows"),
    path("sessions/<int:pk>/walk-ins/", apis.WalkInApi.as_view(), name="staff-api-walk-in"),
    path(
        "sessions/<int:pk>/phone-bookings/",
        apis.PhoneBookingApi.as_view(),
        name="staff-api-phone-booking",
    ),
    path(
        "sessions/<int:pk>/confirm-win/",
        apis.WinConfirmApi.as_view(),
        name="staff-api-confirm-win",
    ),
    path("sessions/<int:pk>/move/", apis.MoveApi.as_view(), name="staff-api-move"),
    path("sessions/<int:pk>/parties/<str:code>/", apis.PartyApi.as_view(), name="staff-api-party"),
    path(
        "sessions/<int:pk>/parties/<str:code>/cancellation/",
        apis.PartyCancelApi.as_view(),
        name="staff-api-party-cancel",
    ),
    path(
        "sessions/<int:pk>/parties/<str:code>/move/",
        apis.PartyMoveApi.as_view(),
        name="staff-api-party-move",
    ),
    path(
        "sessions/<int:pk>/cancellation/",
        apis.CancelSessionApi.as_view(),
        name="staff-api-cancel",
    ),
    path("sessions/<int:pk>/capacity/", apis.CapacityApi.as_view(), name="staff-api-capacity"),
    path("sessions/<int:pk>/notice/", apis.NoticeApi.as_view(), name="staff-api-notice"),
    path(
        "sessions/<int:pk>/waiting-list/",
        apis.WaitingListApi.as_view(),
        name="staff-api-waiting-list",
    ),
    path(
        "sessions/<int:pk>/waiting-list/promote/",
        apis.PromoteApi.as_view(),
        name="staff-api-promote",
    ),
    path("sessions/<int:pk>/lottery/draw/", apis.DrawApi.as_view(), name="staff-api-draw"),
    path("sessions/<int:pk>/audit-log/", apis.AuditLogApi.as_view(), name="staff-api-audit-log"),
    path("staff/today/", apis.TodayApi.as_view(), name="staff-api-today"),
    path("staff/check-in/<str:code>/", apis.ScannedApi.as_view(), name="staff-api-scanned"),
    path(
        "staff/reservations/",
        apis.ReservationSearchApi.as_view(),
        name="staff-api-reservation-search",
    ),
    path("staff/export/", apis.ExportApi.as_view(), name="staff-api-export"),
    path("staff/report/", apis.ReportApi.as_view(), name="staff-api-report"),
    path("sessions/<int:pk>/draw/", apis.SessionDrawApi.as_view(), name="session-draw"),
    path("privacy/export/", privacy_apis.PersonalDataExportApi.as_view(), name="privacy-export"),
    path("privacy/erase/", privacy_apis.PersonalDataEraseApi.as_view(), name="privacy-erase"),
]
