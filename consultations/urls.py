"""The consultations API's URLs (under /api/v1/)."""

from django.urls import path

from consultations import apis, staff_apis

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
    path(
        "appointments/<str:code>/rebook/",
        apis.AppointmentRebookApi.as_view(),
        name="appointment-rebook",
    ),
    path(
        "staff/counsellors/<int:pk>/appointments/",
        staff_apis.CounsellorPlanApi.as_view(),
        name="staff-counsellor-plan",
    ),
    path(
        "staff/counsellors/<int:pk>/blocks/",
        staff_apis.CounsellorBlockApi.as_view(),
        name="staff-counsellor-block",
    ),
    path(
        "staff/appointments/",
        staff_apis.StaffAppointmentCreateApi.as_view(),
        name="staff-appointment-create",
    ),
    path(
        "staff/appointments/<str:code>/cancel/",
        staff_apis.StaffAppointmentCancelApi.as_view(),
        name="staff-appointment-cancel",
    ),
    path(
        "staff/appointments/<str:code>/close/",
        staff_apis.StaffAppointmentCloseApi.as_view(),
        name="staff-appointment-close",
    ),
    path(
        "staff/appointments/<str:code>/answers/",
        staff_apis.StaffAppointmentAnswersApi.as_view(),
        name="staff-appointment-answers",
    ),
    path(
        "staff/consultations/report/",
        staff_apis.ConsultationReportApi.as_view(),
        name="staff-consultation-report",
    ),
]
