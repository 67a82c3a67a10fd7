from django.urls import path

from booking import apis

urlpatterns = [
    path("reservations/", apis.ReservationCreateApi.as_view(), name="reservation-create"),
    path(
        "reservations/<str:code>/", apis.ReservationDetailApi.as_view(), name="reservation-detail"
    ),
    path(
        "reservations/<str:code>/cancel/",
        apis.ReservationCancelApi.as_view(),
        name="reservation-cancel",
    ),
    path(
        "reservations/<str:code>/confirm/",
        apis.ReservationConfirmApi.as_view(),
        name="reservation-confirm",
    ),
    path("sessions/<int:pk>/draw/", apis.SessionDrawApi.as_view(), name="session-draw"),
]
