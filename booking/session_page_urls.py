"""Parents' pages of the catalogue: the sessions list (the site's home page) and a session."""

from django.urls import path

from booking import session_pages as views

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
]
