"""The schedule's staff pages, under /staff/schedule/ (namespace "schedule")."""

from django.urls import path

from schedule import views

app_name = "schedule"

urlpatterns = [
    path("", views.month, name="month"),
    path("series/new/", views.series_new, name="series-new"),
]
