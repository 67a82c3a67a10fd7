"""The parents' consultation pages (under /consultations/)."""

from django.urls import path

from consultations import views

urlpatterns = [
    path("", views.consultation_list, name="consultation-pages"),
    path("appointments/<str:code>/", views.appointment_page, name="appointment-page"),
    path("<slug:slug>/", views.consultation_detail, name="consultation-page"),
]
