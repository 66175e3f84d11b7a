"""Settings shared by every environment; everything that differs comes from environment variables."""
import datetime
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "django_celery_results",
    "reform",
    "documents",
    "meetings",
    "reporting",
    "reports",
    "imports",
    "demo",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reform.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes asks: it turns a login refused for a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reform.urls"
WSGI_APPLICATION = "reform.wsgi.application"
AUTH_USER_MODEL = "reform.User"

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

# Unset DATABASE_URL means the embedded SQLite demo database.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A kept connection that the server dropped (restart, pg_terminate_backend, failover) is noticed before it
# is used, at the start of each request and task, instead of failing that request or task.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Axes first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese is the users' language, whatever the browser asks for; English only for those who choose it
# (reform/middleware.py). The choice is a cookie kept for a year, so it holds across sign-ins and restarts.
LANGUAGE_CODE = "vi"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["reform.formats"]  # Vietnamese digit grouping 12.345 and dates 31/12/2025
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31536000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "reform.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "reform.api.schema.AutoSchema",  # adds the error answers every operation shares
    "EXCEPTION_HANDLER": "reform.api.exceptions.exception_handler",
    # Sign-in attempts (success or not) per client address, /login/ and the token endpoint together.
    "DEFAULT_THROTTLE_RATES": {"sign-in": env("SIGN_IN_RATE_PER_ADDRESS", default="30/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Reform compliance dashboard API",
    "DESCRIPTION": "Records and compliance with Conclusion 226-KL/TW.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema names every endpoint and field: signed-in users only (the docs page asks to log in).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc are served from the app (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field names collide across endpoints get explicit schema names.
    "ENUM_NAME_OVERRIDES": {
        "ConferenceFormatEnum": "meetings.choices.Format",
        "PeriodReportStateEnum": "reports.choices.ReportState",
        "ReportExportFormatEnum": "reports.choices.ExportFormat",
        "ReportExportStatusEnum": "reports.choices.ExportStatus",
        "UnitKindEnum": "reform.choices.Kind",
        "ImportKindEnum": "imports.choices.ImportKind",
        "ComplianceStatusEnum": "reporting.choices.Status",
        "ImportStatusEnum": "imports.choices.ImportStatus",
    },
}

# Celery: Redis when REDIS_URL is set, otherwise tasks run in-process (eagerly) and their
# results still go to the database, so /api/v1/tasks/<id>/ answers the same either way.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_STORE_EAGER_RESULT = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Two queues: the coalesced recompute after saves (a reviewer waits for it) apart from everything else, so that a
# burst of work in the default queue never holds it back: the periodic "generate due exports" once queued 611
# exports, and the saves made meanwhile reached the dashboard after 3 minutes instead of 3 seconds. A worker
# started without -Q consumes both queues, taking from them in turn (kombu's Redis transport rotates the queue it
# last took from to the back); a deployment may also give the "compliance" queue a worker of its own.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("compliance"))
CELERY_TASK_ROUTES = {"reporting.tasks.recompute_pending": {"queue": "compliance"}}
# Time limits stay well below the broker's visibility timeout, so a task is never delivered twice
# while it is still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
# Publishing a task when Redis is down fails within about two seconds (the request answers 503 and the row
# it concerns is marked failed) instead of waiting on the broker.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# The sweep of stuck work (reform/sweep.py, every few minutes): a pending row no worker took after
# STUCK_PENDING_AFTER_SECONDS is queued again, at most STUCK_MAX_REQUEUES times, then failed; a running row
# past its task's time limit plus STUCK_RUNNING_MARGIN_SECONDS lost its worker and is failed.
STUCK_PENDING_AFTER_SECONDS = env.int("STUCK_PENDING_AFTER_SECONDS", default=1800)
STUCK_RUNNING_MARGIN_SECONDS = env.int("STUCK_RUNNING_MARGIN_SECONDS", default=120)
STUCK_MAX_REQUEUES = env.int("STUCK_MAX_REQUEUES", default=3)
CELERY_TASK_TIME_LIMIT = 1800
# No record may be dated before this day (ISO date), on any path: form, API, upload, admin.
EARLIEST_RECORD_DATE = datetime.date.fromisoformat(env("EARLIEST_RECORD_DATE", default="2000-01-01"))
# How often a running recompute stores its progress (seconds; 0 = at every step, for tests).
COMPLIANCE_PROGRESS_EVERY_SECONDS = env.float("COMPLIANCE_PROGRESS_EVERY_SECONDS", default=0.5)
# Coalesced recomputes after record changes (reporting/recompute.py; measured by benchmarks/freshness.py): the
# wait before a run (so a burst's other saves land first) and how many subtrees make one national recompute.
COMPLIANCE_RECOMPUTE_COUNTDOWN = env.float("COMPLIANCE_RECOMPUTE_COUNTDOWN", default=1.0)
COMPLIANCE_RECOMPUTE_FULL_YEAR_ABOVE = env.int("COMPLIANCE_RECOMPUTE_FULL_YEAR_ABOVE", default=600)
# The signals after a record change wait this long, so that a burst of saves is answered by one run of them.
COMPLIANCE_SIGNALS_COUNTDOWN = env.float("COMPLIANCE_SIGNALS_COUNTDOWN", default=10.0)
# While results marks wait, the signals' run makes way and queues itself again (at most this many times).
COMPLIANCE_SIGNALS_MAX_DEFERRALS = env.int("COMPLIANCE_SIGNALS_MAX_DEFERRALS", default=6)
CELERY_TASK_SOFT_TIME_LIMIT = 1500
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# Reporting windows: "calendar" (default) or "decree09" (Decree 09/2019/ND-CP cut-off windows:
# the year runs 15 Dec of Y-1 to 14 Dec of Y). Read at call time by reporting/periods.py.
REPORTING_WINDOWS = env("REPORTING_WINDOWS", default="calendar")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sign-in protection (README "Security and operations"). Lockout: django-axes counts failed sign-ins
# per user name and client address in the database (SQLite in the demo, PostgreSQL elsewhere); the
# per-address rate is DRF's throttle in the cache. Both take the client address from the first of
# AXES_IPWARE_META_PRECEDENCE_ORDER that a request has: REMOTE_ADDR alone by default, so a header a
# client sends is never believed; behind a reverse proxy that overwrites X-Real-IP with the client's
# address, set it to "HTTP_X_REAL_IP,REMOTE_ADDR".
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "reform.views.locked_out"
# Failed attempts are what axes keeps; successful sign-ins are already users' last_login.
AXES_DISABLE_ACCESS_LOG = True
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])

# API tokens (django-rest-knox): one per sign-in, stored hashed; a token lapses after
# API_TOKEN_IDLE_HOURS without use or API_TOKEN_MAX_AGE_DAYS after it was issued, whichever comes
# first (each use pushes the idle deadline, never past the maximum age).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.float("API_TOKEN_IDLE_HOURS", default=8)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=env.float("API_TOKEN_MAX_AGE_DAYS", default=30)),
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}

# Content-Security-Policy (django-csp): every script is a file of ours. Inline styles stay allowed
# because plotly.js and Swagger UI inject them; Plotly's images and downloads use data: and blob: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
