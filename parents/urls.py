"""Parents' pages: the sessions list (the home page), a session, reserve, result, manage,
my reservations, calendar links, privacy."""

from django.urls import path

from parents import views

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/reserve/", views.reservation_form, name="reservation-form"),
    path("reservations/<str:code>/", views.reservation_result, name="reservation-result"),
    path("manage/<str:code>/", views.reservation_manage, name="reservation-manage"),
    path("my-reservations/", views.my_reservations, name="my-reservations"),
    path("my-reservations/sent/", views.my_reservations_sent, name="my-reservations-sent"),
    path("my-reservations/<str:key>/", views.my_reservations_list, name="my-reservations-list"),
    path("calendar-links/<str:token>/stop/", views.calendar_links_stop, name="calendar-links-stop"),
    path("calendar-links/stopped/", views.calendar_links_stopped, name="calendar-links-stopped"),
    path("privacy/", views.privacy_notice, name="privacy"),
]
