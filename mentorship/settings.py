"""Settings for the mentorship project, read from the environment (see .env.example for every variable).

Defaults serve a laptop: SQLite, a Celery broker on the local filesystem, e-mail printed to the console.
Production is switched on by variables (DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, SITE_URL, DATABASE_URL, REDIS_URL),
never by a separate settings file.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from mentorship.env import (
    env_bool,
    env_int,
    env_list,
    env_log_level,
    env_rate,
    env_site_url,
    env_str,
    env_time_zone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])

if not DEBUG:
    # Refuse to start a public deployment with a guessable key or an open Host header.
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names (comma-separated) when DEBUG is off.")

# The public address links in e-mails and calendar invitations start with (scheme and host only, no trailing slash).
# A public deployment must say it: the laptop's default in a reminder e-mail points nowhere.
SITE_URL = env_site_url("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
if not DEBUG and not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL must be set to the site's public address (such as https://mentoring.example.edu) when DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "simple_history",
    "profiles",
    "notifications",
    "matching",
    "meetings",
    "mentorship.checks.ChecksConfig",  # the project's own system checks (a bad EMAIL_BACKEND, no static manifest)
]

MIDDLEWARE = [
    # Health checks ask by address over HTTP: answered before the Host check and the HTTPS redirect.
    "mentorship.health.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mentorship.api_paths.CommonMiddleware",  # no APPEND_SLASH redirect under /api/: a 404 naming the path
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mentorship.private_pages.PrivatePagesMiddleware",  # no-store on every answer to a signed-in person
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes must come last so it sees every failed authenticate() of the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "profiles.context_processors.navigation",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}", schemes=("sqlite", "postgres", "postgresql", "pgsql")
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share one SQLite file under `make run`: wait for the write lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (Redis when available; the mentor feature arrays are cached here) ------------------------------
REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "profiles.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "profiles.backends.EmailBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Reset links one account is e-mailed in an hour (from the first): anyone may type anyone's address into the form.
PASSWORD_RESET_EMAILS_PER_HOUR = env_int("PASSWORD_RESET_EMAILS_PER_HOUR", 3, minimum=1)

# Proxies in front of gunicorn that append the client's address to X-Forwarded-For (the TLS proxy: 1). 0 = the
# client is REMOTE_ADDR (make run, gunicorn terminating TLS itself). With N, the client is the N-th entry from the
# right, what the farthest trusted proxy appended; entries further left are whatever the client sent. Set too low,
# every visitor counts as the proxy (one budget for the whole site); too high, a client picks its own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# django-axes: lock an account (per e-mail and network) after repeated failures; a superuser can unlock it in the
# admin (coordinators are given no access to the attempts: they list every account's e-mail and network). The
# "address" axes sees is the client's network (profiles.networks.client_network, which every per-network
# limit reads): an IPv6 client can pick any address of its /64.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "profiles.networks.client_network"
AXES_USERNAME_CALLABLE = "profiles.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Each sign-up e-mails the address it names: accounts one network may create per hour (0: no limit). Sign-ups
# from an invitation e-mail send nothing and do not count. Behind a proxy, set TRUSTED_PROXY_COUNT, or every
# visitor is the proxy's one network.
SIGN_UPS_PER_NETWORK_PER_HOUR = env_int("SIGN_UPS_PER_NETWORK_PER_HOUR", 60, minimum=0)
# Failed sign-ins one network may make in an hour, whatever the accounts (profiles.sign_in); 0 turns it off.
LOGIN_FAILURES_PER_NETWORK_PER_HOUR = env_int("LOGIN_FAILURES_PER_NETWORK_PER_HOUR", 100, minimum=0)

# --- Security (strict whenever DEBUG is off) ----------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", not DEBUG) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: our pages load only our own scripts and styles, never inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The admin's decline/end page sends every selected match id back as one field; "Select all" of a cohort of a few
# thousand must fit (Django's default of 1,000 answered a bare 400). Request bodies stay capped at 2.5 MB.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

# --- Internationalisation -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["mentorship.formats"]  # dates as "30 Nov 2026, 14:05" everywhere (see the module)
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail -------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mentorship <mentorship@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery (ids only in messages; acknowledged after the work is done) ---------------------------------------
# "localhost" says nothing to the filesystem transport, but without it kombu warns at every start of make run.
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
CELERY_BROKER_FOLDER = VAR_DIR / "celery-broker"
# Redis redelivers an unacknowledged task after this many seconds; no countdown may exceed it.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
        # kombu sleeps this long whenever the worker's two slots are busy or the folder is empty; at its default
        # of 1 s a round's 264 approval e-mails took 135 s to go out, at 0.1 s 18 s (docs/performance.md).
        "polling_interval": 0.1,
    }
# Sends have a queue of their own, which every worker also consumes (no -Q needed) and Celery polls in turn with
# the default one: a backlog of thousands of e-mails (a cohort's approvals) would otherwise hold up beat's tasks,
# and the minute's dispatch, which claims the reminders falling due, expires in the queue before its turn comes.
CELERY_TASK_DEFAULT_QUEUE = "celery"
# Each with its own exchange and key, stated (left out, the worker's banner shows both on exchange "celery").
CELERY_TASK_QUEUES = (
    Queue("celery", Exchange("celery"), routing_key="celery"),
    Queue("outbox", Exchange("outbox"), routing_key="outbox"),
    # Sends that expire (meeting reminders) skip the backlog: notifications.tasks.URGENT_QUEUE.
    Queue("outbox-urgent", Exchange("outbox-urgent"), routing_key="outbox-urgent"),
)
CELERY_TASK_ROUTES = {"notifications.tasks.send_notification": {"queue": "outbox"}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Without this Celery closes the database connection before and after every task, so each send opened a new
# PostgreSQL connection (most of its cost in bench/notifications.py). Reuse it; Django still drops a connection that
# errored or outlived DB_CONN_MAX_AGE (notifications/tasks.py runs close_old_connections around each task).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 100, minimum=0)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic job; each app's tasks.py defines the task named here.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# Notifications: claim due outbox rows every minute; write meeting check-ins and nudges every hour.
CELERY_BEAT_SCHEDULE["notifications-dispatch-due"] = {
    "task": "notifications.tasks.dispatch_due",
    "schedule": 60.0,
    "options": {"expires": 55},
}
# Matching: expire trainees' requests left undecided and remind coordinators once (idempotent sweep).
CELERY_BEAT_SCHEDULE["matching-sweep-open-requests"] = {
    "task": "matching.tasks.sweep_open_requests",
    "schedule": 15 * 60.0,
    "options": {"expires": 10 * 60},
}
# Matching: enrol people invited to a program once they have signed up and made the profile of their role.
CELERY_BEAT_SCHEDULE["matching-enrol-invited"] = {
    "task": "matching.tasks.enrol_invited",
    "schedule": 5 * 60.0,
    "options": {"expires": 4 * 60},
}
CELERY_BEAT_SCHEDULE["meetings-schedule-followups"] = {
    "task": "meetings.tasks.schedule_followups",
    "schedule": 60.0 * 60,
    "options": {"expires": 30 * 60},
}
# A send that stops mid-send (its worker killed) is tried this many times, and a message without a moment at least
# this many; a row left `sending` longer than the lease with no worker holding it is claimed again
# (docs/reliability.md). The test hooks exist only for the worker-kill tests.
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5, minimum=1)
# How long a message without a moment (all but meeting reminders and proposals) is retried through a mail outage.
NOTIFICATIONS_RETRY_HOURS = env_int("NOTIFICATIONS_RETRY_HOURS", 24, minimum=0)
NOTIFICATIONS_SENDING_LEASE_SECONDS = env_int("NOTIFICATIONS_SENDING_LEASE_SECONDS", 900, minimum=2)
NOTIFICATIONS_TEST_HOOKS = env_bool("NOTIFICATIONS_TEST_HOOKS", False)
NOTIFICATIONS_TEST_HOOK_DIR = env_str("NOTIFICATIONS_TEST_HOOK_DIR", str(VAR_DIR / "test-hooks"))

# --- REST API -------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate challenge from the first class, so an anonymous call gets
    # 401 (with `WWW-Authenticate: Token`) rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON only, size- and string-limited (mentorship.api.JSONParser): any other body is 415.
    "DEFAULT_PARSER_CLASSES": ["mentorship.api.JSONParser"],
    # ?format=xml is 406 like an Accept header the API cannot meet (DRF: 404, as if the URL did not exist).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "mentorship.api_negotiation.ContentNegotiation",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mentorship.api_pagination.PageNumberPagination",  # a bad ?page= is 400
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "mentorship.api_ordering.OrderingFilter",  # keeps ties in the list's own order
    ],
    "DEFAULT_SCHEMA_CLASS": "mentorship.api_schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "mentorship.api.exception_handler",
    # Throttle by the client address the sign-in lockout (axes) and the sign-up limit count by: DRF takes the same
    # N-th entry from the right of X-Forwarded-For (REMOTE_ADDR with 0). Unset, DRF would count by any
    # X-Forwarded-For header the client sends, so a made-up one per call escaped every limit.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "token": env_rate("THROTTLE_TOKEN", "10/min"),
        "match_request": env_rate("THROTTLE_MATCH_REQUEST", "20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentorship API",
    "DESCRIPTION": "Mentor–mentee matching for academic medicine. Every error is "
    '`{"error": {"code", "message", "fields"}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # No call to validator.swagger.io from /api/docs/: the page loads only our own files.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Several models have a `status` field; name the match lifecycle's enum instead of a hash suffix.
    "ENUM_NAME_OVERRIDES": {
        "MatchStatusEnum": "matching.models.Match.Status",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "FollowUpStateEnum": "meetings.selectors.FOLLOW_UP_STATES",
        # Goals are read at /goals/ and, by a match's mentor, at /matches/{id}/goals/: one enum, not two renamed ones.
        "GoalStatusEnum": "profiles.models.Goal.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": env_log_level("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # A request naming a host not in ALLOWED_HOSTS (scanners, by the thousand) is answered 400, which the access
        # log shows; Django also logged each one at ERROR with a full traceback. (A NullHandler, not none: a logger
        # without any handler falls back to printing on stderr.)
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}
