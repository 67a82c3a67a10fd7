"""The series API's URLs (under /api/v1/)."""

from django.urls import path

from schedule.apis import SeriesCreateApi, SeriesDetailApi
from schedule.copy_apis import MonthCopyApi

urlpatterns = [
    path("series/", SeriesCreateApi.as_view(), name="series-create"),
    path("months/copy/", MonthCopyApi.as_view(), name="month-copy"),
    path("series/<str:pk>/", SeriesDetailApi.as_view(), name="series-detail"),
]
