"""The reservation API's routes, included under /api/v1/."""

from django.urls import path

from booking import apis, privacy_apis

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
        "reservations/<str:code>/move/",
        apis.ReservationMoveApi.as_view(),
        name="reservation-move",
    ),
    path(
        "reservations/<str:code>/confirm/",
        apis.ReservationConfirmApi.as_view(),
        name="reservation-confirm",
    ),
    path(
        "reservations/<str:code>/replace-links/",
        apis.ReservationLinksReplaceApi.as_view(),
        name="reservation-links-replace",
    ),
    path(
        "reservations/<str:code>/erase/",
        privacy_apis.ReservationEraseApi.as_view(),
        name="reservation-erase",
    ),
]
