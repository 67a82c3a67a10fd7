"""Settings shared by every environment; each value that differs comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .database import database_from_env
from .environment import env_bool, env_count, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-local-development-key-change-me")
# Old keys, comma-separated, still accepted for signatures (sessions, password resets) while
# a new DJANGO_SECRET_KEY takes over; empty them once the old sessions have expired.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A form sent without its token (a page left open for days, cookies refused) gets a page in
# the request's language with the way back to the form, not Django's technical one.
CSRF_FAILURE_VIEW = "core.error_pages.csrf_failure"

# Public base URL used in emails, calendar entries and manage links.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin: it gives the admin one tab per language for staff-entered text.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "core",
    "events",
    "booking",
    "calendars",
    "notifications",
    "staffdesk",
    "parents",
    "schedule",
    "consultations",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.staff_language.StaffLanguageMiddleware",
    "core.middleware.LanguageQueryMiddleware",
    "core.ruby.EasyJapaneseRubyMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.AdminBadValueMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


DATABASES = {"default": database_from_env(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "").strip()

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kosodate"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
# Japanese first, やさしい日本語, and the languages of foreign residents (core.languages).
LANGUAGES = [
    ("ja", _("Japanese")),
    ("ja-easy", _("Easy Japanese")),
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("ko", _("Korean")),
    ("pt-br", _("Brazilian Portuguese")),
    ("vi", _("Vietnamese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language a parent picks is remembered for a year (Accept-Language decides before that).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# Staff keep their own language, apart from the parents' cookie that a parent's emailed link
# or the parents' switcher sets on the desk tablet (core.staff_language): a cookie of its own,
# set by the staff pages' toggle (日本語 / English); without a choice, the browser's
# Accept-Language among the languages every catalogue has the staff's strings in (not やさしい
# 日本語, whose staff strings are the Japanese), else Japanese (LANGUAGE_CODE). The staff
# pages and the admin answer in it; under the API, only the requests a staff page's script
# sends.
STAFF_LANGUAGE_COOKIE_NAME = "staff_language"
STAFF_LANGUAGES = tuple(code for code, _name in LANGUAGES if code != "ja-easy")
STAFF_LANGUAGE_PATHS = ("/staff/", "/admin/")
STAFF_LANGUAGE_API_PATHS = ("/api/",)
# A page's ?lang= (an email's links carry the email's language) answers in it and sets the
# cookie (core.middleware.LanguageQueryMiddleware), but not here: the API and the calendar
# feeds give ?lang= their own meaning, and staff and the admin keep the language staff chose.
LANGUAGE_QUERY_SKIPPED_PATHS = ("/api/", "/calendar/", *STAFF_LANGUAGE_PATHS)
# Staff-entered text (programme titles, descriptions, facility names and addresses) per
# language (events/translation.py); a missing translation falls back to the Japanese.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ja"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ja",)
# Text given without a language (code, fixtures, the demo) is the Japanese, whatever language
# the request that runs the code speaks.
MODELTRANSLATION_AUTO_POPULATE = "default"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The parents' pages' stylesheet (static/css/site.css), served by the project: no CDN.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Email: SMTP when EMAIL_HOST is set, otherwise files in a folder you can read.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@kosodate.example.jp")

# Celery: a Redis broker when REDIS_URL is set; otherwise tasks run in process (embedded mode).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Notifications (notifications/delivery.py): the sweep that delivers due and left-behind rows
# and writes reminders; how long a claimed row may stay "sending" before it is tried again
# (longer than CELERY_TASK_TIME_LIMIT, so a live worker never loses its row); retry backoff.
NOTIFICATIONS_SWEEP_SECONDS = float(os.environ.get("NOTIFICATIONS_SWEEP_SECONDS", "30"))
NOTIFICATIONS_CLAIM_TIMEOUT = float(os.environ.get("NOTIFICATIONS_CLAIM_TIMEOUT", "300"))
NOTIFICATIONS_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "60"))
NOTIFICATIONS_RETRY_MAX_SECONDS = float(os.environ.get("NOTIFICATIONS_RETRY_MAX_SECONDS", "3600"))
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "8"))
NOTIFICATIONS_BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_BATCH_SIZE", "50"))
# A web process hands due rows to the workers at most once per this many seconds (each
# hand-over delivers every row due by then); 0 hands over each row on its own.
NOTIFICATIONS_KICK_SECONDS = float(os.environ.get("NOTIFICATIONS_KICK_SECONDS", "0.5"))
# Reminder rows are written this long before they fall due (visible to staff meanwhile).
NOTIFICATIONS_REMINDER_LOOKAHEAD = float(
    os.environ.get("NOTIFICATIONS_REMINDER_LOOKAHEAD", str(6 * 3600))
)
# A publish gives up after one quick retry when the broker is down: the outbox row is already
# committed and the sweep sends it later, so no request waits for Redis (kombu's default would
# retry for CELERY_BROKER_CONNECTION_TIMEOUT, 4 s, on every booking).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

CELERY_BEAT_SCHEDULE: dict = {
    "notifications-deliver-due": {
        "task": "notifications.deliver_due",
        "schedule": NOTIFICATIONS_SWEEP_SECONDS,
    },
    "lottery-draw-due": {"task": "notifications.lottery_draw_due", "schedule": 60.0},
    "lottery-lapse-expired": {"task": "notifications.lottery_lapse_expired", "schedule": 60.0},
    "idempotency-keys-purge": {
        "task": "notifications.purge_idempotency_keys",
        "schedule": crontab(hour=4, minute=15),
    },
    # Appointment reminders (consultations.reminders), written as reservations' are.
    "consultations-reminders": {
        "task": "consultations.appointment_reminders",
        "schedule": NOTIFICATIONS_SWEEP_SECONDS,
    },
}

REST_FRAMEWORK = {
    # Staff API tokens (core.ApiToken, stored hashed), and the staff pages' session (with
    # CSRF) for their scripts.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": [
        "core.filters.StrictFilterBackend",
        "core.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.schema.ProjectAutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.StrictJSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The reverse proxies in front of the app: the rate limits take the client's address that
    # many entries from the right of X-Forwarded-For; unset or 0, the socket's (core.throttling).
    "NUM_PROXIES": env_count("NUM_PROXIES"),
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

SPECTACULAR_SETTINGS = {
    "TITLE": "Kosodate booking API",
    "DESCRIPTION": (
        "Seat booking for child-care support centres. Every 4xx answer has the body "
        '`{"code": "...", "message": "...", "fields": {...}}`; `message` follows Accept-Language '
        "(ja or en)."
    ),
    "VERSION": "1.0.0",
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "events.models.SessionStatus",
        "ReservationStatusEnum": "booking.models.ReservationStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.allow_empty_query_values",
    ],
}

LOGIN_URL = "/admin/login/"

# Content Security Policy for every page: own scripts and styles only (inline scripts need the
# per-request nonce), no framing, forms post only to this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # 4xx answers are not logged: their paths can carry feed tokens and reservation codes.
        "django.request": {"level": "ERROR"},
    },
}

# Abuse limits (README: "Limits"). API_THROTTLE=off disables the rate limits, for load tests.
API_THROTTLE_ENABLED = os.environ.get("API_THROTTLE", "on").strip().lower() != "off"
API_THROTTLE_RATES = {
    # Mobile carriers put many parents behind one address (CGNAT): per-IP limits stay generous.
    "reservation_create_ip": os.environ.get("THROTTLE_RESERVATION_IP", "60/min"),
    "reservation_create_email": os.environ.get("THROTTLE_RESERVATION_EMAIL", "10/hour"),
    "token_lookup": os.environ.get("THROTTLE_TOKEN_LOOKUP", "60/min"),
    "email_link_ip": os.environ.get("THROTTLE_EMAIL_LINK_IP", "20/hour"),
    "email_link_email": os.environ.get("THROTTLE_EMAIL_LINK_EMAIL", "5/hour"),
    # Staff login pages (core.login): failed attempts only, per client IP and per username.
    "login_ip": os.environ.get("THROTTLE_LOGIN_IP", "50/hour"),
    "login_username": os.environ.get("THROTTLE_LOGIN_USERNAME", "10/hour"),
    # Failed look-ups (wrong manage tokens, link keys, feed tokens, staff API tokens) per IP.
    "lookup_failures": os.environ.get("THROTTLE_LOOKUP_FAILURES", "30/hour"),
    # The printable month as a PDF: about a second of a core each, so one client cannot keep
    # the workers busy (a facility prints its month a few times, not hundreds).
    "pdf_render_ip": os.environ.get("THROTTLE_PDF_IP", "20/hour"),
}
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(64 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
# Personal data of a reservation is anonymised this many days after its (last) session.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "90"))

# Booking rules that are policy rather than data.
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)

# Calendars (calendars/ics.py, calendars/feeds.py): the UID domain, and how long
# past sessions and cancelled sessions stay in the subscription feeds.
CALENDAR_UID_DOMAIN = os.environ.get(
    "CALENDAR_UID_DOMAIN", urlsplit(SITE_URL).hostname or "kosodate.example.jp"
)
CALENDAR_PAST_RETENTION = timedelta(days=int(os.environ.get("CALENDAR_PAST_DAYS", "90")))
CALENDAR_CANCELLED_RETENTION = timedelta(days=int(os.environ.get("CALENDAR_CANCELLED_DAYS", "30")))

# The retention job (booking.tasks.purge_personal_data) runs daily at 03:30 JST.
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "purge-personal-data": {
        "task": "booking.purge_personal_data",
        "schedule": crontab(hour=3, minute=30),
    },
    "consultations-purge-personal-data": {
        "task": "consultations.purge_personal_data",
        "schedule": crontab(hour=3, minute=40),
    },
}

# The catalogue's pages keep their main part this many seconds (parents.page_cache); 0: off.
PAGES_CACHE_SECONDS = int(os.environ.get("PAGES_CACHE_SECONDS", "1"))

# A session's page links its facility to a map with this address; {query} is the facility's pin
# (latitude,longitude) or its address. Another map service: its search URL with {query}.
MAP_SEARCH_URL = os.environ.get(
    "MAP_SEARCH_URL", "https://www.google.com/maps/search/?api=1&query={query}"
)
if "{query}" not in MAP_SEARCH_URL:
    raise ImproperlyConfigured("MAP_SEARCH_URL must contain {query}")
