"""The consultations API's URLs (under /api/v1/)."""

from django.urls import path

from consultations import apis

urlpatterns = [
    path("consultations/", apis.ConsultationListApi.as_view(), name="consultation-list"),
    path(
        "consultations/<slug:slug>/slots/",
        apis.ConsultationSlotsApi.as_view(),
        name="consultation-slots",
    ),
    path("appointments/", apis.AppointmentCreateApi.as_view(), name="appointment-create"),
    path(
        "appointments/<str:code>/", apis.AppointmentDetailApi.as_view(), name="appointment-detail"
    ),
    path(
        "appointments/<str:code>/cancel/",
        apis.AppointmentCancelApi.as_view(),
        name="appointment-cancel",
    ),
]
