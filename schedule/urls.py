"""The series API's URLs (under /api/v1/)."""

from django.urls import path

from schedule.apis import SeriesCreateApi, SeriesDetailApi

urlpatterns = [
    path("series/", SeriesCreateApi.as_view(), name="series-create"),
    path("series/<str:pk>/", SeriesDetailApi.as_view(), name="series-detail"),
]
