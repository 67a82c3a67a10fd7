"""The schedule's staff pages, under /staff/schedule/ (namespace "schedule")."""

from django.urls import path

from schedule import closed_days_views, copy_views, series_views, views

app_name = "schedule"

urlpatterns = [
    path("", views.month, name="month"),
    path("series/new/", views.series_new, name="series-new"),
    path("copy/", copy_views.month_copy_page, name="month-copy"),
    path("series/<int:pk>/", series_views.series_detail, name="series"),
    path("closed-days/", closed_days_views.closed_days, name="closed-days"),
]
