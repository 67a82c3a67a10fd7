"""The site's URLs: the APIs under /api/v1/, the parents' pages at the root, the staff pages
under /staff/, the admin and the OpenAPI schema."""

from csp.decorators import csp_update
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from calendars.apis import PrivateFeedLinkApi, PrivateFeedRevokeApi, PrivateFeedRotateApi
from core.apis import PingApi
from core.login import AdminLoginForm, login_rate_limited
from core.staff_language import staff_language_set
from core.views import healthz
from events.apis import FacilityViewSet, ProgramViewSet
from schedule import views as schedule_views
from staffdesk.apis import SessionViewSet

router = DefaultRouter()
router.register("facilities", FacilityViewSet, basename="facility")
router.register("programs", ProgramViewSet, basename="program")
router.register("sessions", SessionViewSet, basename="session")

# The admin's login form counts failed attempts (core.login); its view answers 429 past a limit.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/login/", login_rate_limited(admin.site.login)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers and tools that ask for /favicon.ico get the site's icon instead of a 404.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("api/v1/ping/", PingApi.as_view(), name="ping"),
    path("api/v1/", include("booking.urls")),
    path("api/v1/", include("staffdesk.urls")),
    path("api/v1/", include("schedule.urls")),
    path("api/v1/", include("consultations.urls")),
    # The staff pages' language toggle: a cookie of its own, never the parents' (set_language).
    path("staff/language/", staff_language_set, name="staff-language"),
    path("staff/schedule/", include("schedule.page_urls")),
    path("staff/consultations/", include("consultations.staff_page_urls")),
    path("consultations/", include("consultations.page_urls")),
    path("staff/", include("staffdesk.page_urls")),
    path(
        "facilities/<slug:slug>/calendar/",
        schedule_views.printable_month,
        name="facility-calendar",
    ),
    path("api/v1/", include(router.urls)),
    path(
        "api/v1/calendar/private-link/",
        PrivateFeedLinkApi.as_view(),
        name="calendar-private-link",
    ),
    path(
        "api/v1/calendar/private/<str:token>/rotate/",
        PrivateFeedRotateApi.as_view(),
        name="calendar-private-rotate",
    ),
    path(
        "api/v1/calendar/private/<str:token>/revoke/",
        PrivateFeedRevokeApi.as_view(),
        name="calendar-private-revoke",
    ),
    path("calendar/", include("calendars.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline styles: the docs page alone allows them.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            # OPTIONS would answer through Swagger's HTML renderer, which has no template for it.
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", http_method_names=["get", "head"]
            )
        ),
        name="docs",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # Parents' pages: "/" is the sessions list; /manage/<code>/ keeps its name and ?token=.
    path("", include("parents.urls")),
]

handler400 = "core.error_pages.bad_request"
handler403 = "core.error_pages.forbidden"
handler404 = "core.error_pages.not_found"
handler500 = "core.error_pages.server_error"
