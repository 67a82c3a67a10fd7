"""The staff's consultation pages, included under /staff/consultations/ (namespace
"consult_staff")."""

from django.urls import path

from consultations import staff_views

app_name = "consult_staff"

urlpatterns = [
    path("", staff_views.desk, name="desk"),
    path("counsellors/<int:pk>/", staff_views.plan, name="plan"),
    path("counsellors/<int:pk>/block/", staff_views.block, name="block"),
    path("book/<slug:slug>/", staff_views.book, name="book"),
    path("appointments/<str:code>/", staff_views.appointment, name="appointment"),
    path("report/", staff_views.report, name="report"),
    path("report.csv", staff_views.report_csv, name="report-csv"),
]
