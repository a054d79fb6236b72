"""Settings of the portal: one module, every value read from a ``PORTAL_*`` environment variable.

The defaults are the embedded set-up (SQLite in WAL mode, in-memory channel layer, local media,
debug off) so that a fresh machine runs the portal with no configuration at all. Production mode
(``PORTAL_ENV=production``) refuses to start on unsafe values instead of silently running with them.
Every variable is listed, with its default, in README.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"PORTAL_{name}", default)


def _env_bool(name: str, *, default: bool) -> bool:
    raw = _env(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"PORTAL_{name} must be true or false, not {raw!r}.")


def _env_int(name: str, *, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"PORTAL_{name} must be a whole number, not {raw!r}.") from exc


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


# "development" (default) or "production". Production turns on HTTPS-only cookies, HSTS and the
# redirect to HTTPS, and refuses to start with a default secret key, debug on or no allowed hosts.
ENVIRONMENT = _env("ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("PORTAL_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

# Signs sessions, CSRF tokens and activation links. The default is only good for a laptop.
_INSECURE_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = _env("SECRET_KEY", _INSECURE_SECRET_KEY)

# Django's debug pages. Off unless asked for: they show settings and data to whoever sees the error.
DEBUG = _env_bool("DEBUG", default=False)

# Host names this portal answers to.
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")

# Origins (scheme://host[:port]) trusted for CSRF when the portal sits behind a TLS proxy.
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

if PRODUCTION:
    problems = []
    if SECRET_KEY == _INSECURE_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("PORTAL_SECRET_KEY must be set to a random value of 50+ characters")
    if DEBUG:
        problems.append("PORTAL_DEBUG must be off")
    if not ALLOWED_HOSTS:
        problems.append("PORTAL_ALLOWED_HOSTS must name the portal's host(s)")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")

INSTALLED_APPS = [
    # daphne first: its runserver serves HTTP and websockets through the ASGI application.
    "daphne",
    # modeltranslation before the admin, so translated fields show there.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    # The shell before django-pwa: our manifest.json template overrides the package's.
    "portal.shell",
    "pwa",
    "portal.accounts",
    "portal.events",
    "portal.notifications",
    "portal.backoffice",
    "portal.media",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "learner.profiles",
    "learner.trajectory",
    "learner.participation",
    "learner.lessons",
    "learner.appointments",
    "learner.plan",
    "portfolio",
    # Consented sharing by link and the verifiable PDF export (its own models and migrations).
    "portfolio.sharing",
    "portal.sync",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but for security headers: compresses the finished page.
    "portal.shell.middleware.PageGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.accounts.middleware.SecondFactorRequiredMiddleware",
    # Logs staff openings of a learner's dossier pages (the learner sees the log).
    "portfolio.middleware.DossierAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the lockout flag set by the authentication backend.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.shell.context_processors.shell",
            ],
        },
    },
]

# Threads per server process that run pages (portal/asgi_handler.py). Pages wait on the database
# and Redis a little, so more than one; more than a few only share the one interpreter lock and
# stretch each page (p99 at 32 connections: 4 threads 153-197 ms, 8 threads 225-228 ms).
# At most the database pool's size, or they queue for a connection.
PAGE_THREADS = _env_int("PAGE_THREADS", default=4)

# Database: SQLite next to the code unless PORTAL_DATABASE_URL names another (postgres://…).
# SQLite runs in WAL mode with IMMEDIATE transactions so readers never block the one writer and
# writers queue instead of failing with "database is locked".
DATA_DIR = Path(_env("DATA_DIR", str(BASE_DIR / "var")))
_database_url = _env("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url)}
    # A pool of connections per worker process (psycopg_pool), not CONN_MAX_AGE: under Django's
    # own ASGI handler each request ran in a thread of its own, and Django keeps persistent
    # connections per thread, so none was ever reused: each request opened a connection and left
    # it open until PostgreSQL refused more (bench/server.py). The pool serves the page threads
    # (PORTAL_PAGE_THREADS) and the websockets' database calls alike. Django recommends it for ASGI.
    _pool_size = _env_int("DB_POOL_SIZE", default=10)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        # Parameters bound by the server, so psycopg prepares a query it has run five times on a
        # connection: pooled connections stop planning the same joins on every page (the
        # caseload's list planned for 2 ms and ran for 0.4; bench/server.py). Django turns
        # preparing off unless it is asked for.
        _options.update({"server_side_binding": True, "prepare_threshold": 5})
        if _pool_size:
            # A request waits up to 10 s for a free connection, then fails (a 500), not forever.
            _options["pool"] = {
                "min_size": min(2, _pool_size),
                "max_size": _pool_size,
                "timeout": 10,
            }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "portal.sqlite3"),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # Tests use a file too (not Django's shared in-memory database), so the threads of the
            # browser tests' server get WAL and busy waiting like production, not lock errors.
            "TEST": {"NAME": str(DATA_DIR / "test-portal.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis (redis://host:port/db): when set, the channel layer, the cache and the sessions' cache
# use it, so several ASGI workers share live messages and lockout state.
REDIS_URL = _env("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub (beta in channels-redis 4) rather than the list-based layer: a worker reads
            # its messages as one stream instead of four Redis round trips each. With the list
            # layer one event for 500 people on one worker reached the last after 2 s, refused
            # sockets past redis-py's 100-connection pool while 500 connected at once, dropped
            # messages past 100 waiting (all sockets of a worker share one list), and closed a
            # socket each time a worker heard nothing for 5 s (redis-py's read timeout equals the
            # layer's blocking wait). Pub/sub delivers at most once: a message published while a
            # worker reconnects to Redis is not kept; the notification itself is stored, and the
            # page shows it on its next load.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": _env("REDIS_PREFIX", "portal")},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _env("REDIS_PREFIX", "portal"),
            # One pool per process, not per thread (each ASGI request has a thread of its own).
            "OPTIONS": {"pool_class": "portal.shell.redis_pool.SharedConnectionPool"},
        }
    }
    # Shared cache in front of the database; safe because every worker sees the same cache.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A per-process cache could keep a logged-out session alive in another worker: database only.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# At most how long (seconds) the learner's home keeps its dossier block in the cache; the block is
# rebuilt at once when the dossier changes (portal/events/versions.py). On only with Redis: a
# per-process cache would not hear of changes that other processes (task worker, commands) make.
HOME_CACHE_SECONDS = _env_int("HOME_CACHE_SECONDS", default=300 if REDIS_URL else 0)

# Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses any attempt for a locked username + IP before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "portal.accounts.backends.ActivationCodeBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "shell:home"

# Session lifetimes. Learners and buddies sign in with a PIN on their own (often shared) phone;
# staff sessions are short because they open many dossiers.
SESSION_DAYS_PERSONAL = _env_int("SESSION_DAYS_PERSONAL", default=14)
SESSION_HOURS_STAFF = _env_int("SESSION_HOURS_STAFF", default=10)
SESSION_COOKIE_AGE = SESSION_DAYS_PERSONAL * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Days an activation code stays valid after the case manager prints it.
ACTIVATION_CODE_DAYS = _env_int("ACTIVATION_CODE_DAYS", default=30)

# Brute-force protection (django-axes): lock a username from one IP address after this many
# failures, for this many minutes. Never per IP alone: a classroom shares one address.
AXES_FAILURE_LIMIT = _env_int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "username"
AXES_SENSITIVE_PARAMETERS = ["password", "secret", "code", "token"]
# No dossier numbers or addresses in the application log; attempts stay in the axes tables.
AXES_VERBOSE = False
# The client address is REMOTE_ADDR, which a client cannot spoof; a deployment behind a proxy
# sets PORTAL_CLIENT_IP_HEADER (e.g. HTTP_X_REAL_IP) to the header its proxy overwrites.
CLIENT_IP_HEADER = _env("CLIENT_IP_HEADER")
AXES_CLIENT_IP_CALLABLE = "portal.accounts.network.client_ip"

# Name shown in staff authenticator apps next to the six-digit code.
OTP_TOTP_ISSUER = _env("TOTP_ISSUER", "Inburgering portal")

# Languages ------------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("tr", _("Turkish")),
    ("fa", _("Persian")),
    ("ps", _("Pashto")),
    ("ti", _("Tigrinya")),
    ("so", _("Somali")),
]
# Each language in its own name and script, for the language picker (no flags).
LANGUAGE_NATIVE_NAMES = {
    "nl": "Nederlands",
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "fa": "فارسی",
    "ps": "پښتو",
    "ti": "ትግርኛ",
    "so": "Soomaali",
}
# Right-to-left languages (Django's default list lacks Pashto).
LANGUAGES_BIDI = ["ar", "fa", "ps"]
LOCALE_PATHS = [BASE_DIR / "locales"]
# The device remembers the language for a year; a signed-in person's own choice wins at sign-in.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Lesson content (django-modeltranslation): the same languages, falling back to Dutch.
MODELTRANSLATION_DEFAULT_LANGUAGE = "nl"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("nl",)
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

# Static files and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(_env("STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(_env("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cache forever) and pre-compressed copies, served by WhiteNoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded pictures (portal/media): a file larger than this many bytes is refused unread.
MEDIA_MAX_IMAGE_BYTES = _env_int("MEDIA_MAX_IMAGE_BYTES", default=10 * 1024 * 1024)
# Pixels (width times height) a picture may declare, checked before decoding; far below Pillow's
# 89 million, so a small file cannot unpack into gigabytes of memory. 24 million covers phones.
MEDIA_MAX_IMAGE_PIXELS = _env_int("MEDIA_MAX_IMAGE_PIXELS", default=24_000_000)
# Uploaded recordings: a file larger than this many bytes is refused unread (minutes of speech).
MEDIA_MAX_AUDIO_BYTES = _env_int("MEDIA_MAX_AUDIO_BYTES", default=10 * 1024 * 1024)

# Portfolio -------------------------------------------------------------------------------------
# Bytes of photos (all stored variants), PDFs and voice notes one learner may keep in their
# portfolio; an upload past it is refused with what is used. Shown on the portfolio page.
PORTFOLIO_QUOTA_BYTES = _env_int("PORTFOLIO_QUOTA_BYTES", default=50 * 1024 * 1024)
# Largest PDF accepted in the portfolio (checked before it is read in full).
PORTFOLIO_MAX_PDF_BYTES = _env_int("PORTFOLIO_MAX_PDF_BYTES", default=10 * 1024 * 1024)

# Appointments -------------------------------------------------------------------------------------
# Slots start at least this many hours from now (the case manager prepares the talk).
APPOINTMENTS_NOTICE_HOURS = _env_int("APPOINTMENTS_NOTICE_HOURS", default=2)
# How far ahead learners see free slots.
APPOINTMENTS_HORIZON_DAYS = _env_int("APPOINTMENTS_HORIZON_DAYS", default=28)

# Web Push (reminders on the phone while the portal is closed; portal/notifications/push.py) ------
# The VAPID private key (P-256) that signs every push: PEM, or the 32-byte key in base64url. Empty:
# one is made on first use and kept in PORTAL_DATA_DIR/vapid.pem. Set it when several machines
# serve the portal, so that all sign with the key the browsers subscribed with.
WEBPUSH_VAPID_PRIVATE_KEY = _env("WEBPUSH_VAPID_PRIVATE_KEY")
# Where push services can reach the portal's operator (mailto: or https:), sent signed with each
# push. The default is an address at the first allowed host.
WEBPUSH_CONTACT = _env(
    "WEBPUSH_CONTACT",
    "mailto:webpush@"
    + next((h.lstrip(".") for h in ALLOWED_HOSTS if h != "*" and "[" not in h), "localhost"),
)
# Seconds one push may take before it counts as failed; sending never holds up a request.
WEBPUSH_TIMEOUT_SECONDS = float(_env("WEBPUSH_TIMEOUT_SECONDS", "10"))

# App shell (PWA) ----------------------------------------------------------------------------------
# The release goes into the service worker's cache names; a new release replaces every cache.
# By default it is derived from the package version and the contents of the shell's files.
RELEASE = _env("RELEASE")
# django-pwa renders the manifest (our localized template in portal/shell/templates/manifest.json).
PWA_APP_NAME = "Inburgering"
PWA_APP_THEME_COLOR = "#0b5394"
PWA_APP_BACKGROUND_COLOR = "#ffffff"
PWA_APP_DISPLAY = "standalone"
PWA_APP_START_URL = "/"
PWA_APP_SCOPE = "/"

# Content-Security-Policy (django-csp): scripts only from our origin or with this response's nonce;
# no inline styles or scripts, no framing, sockets and fetches only to our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Security headers -----------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = _env_int("HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Set to true when a TLS-terminating proxy sets X-Forwarded-Proto.
    if _env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No personal data in logs: Django's request and security loggers name the route, not the
    # path (a path can carry a dossier number).
    "filters": {"route_not_path": {"()": "portal.shell.logs.RouteNotPath"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        **{
            name: {"filters": ["route_not_path"]}
            for name in ("django.request", "django.security", "django.security.csrf")
        },
        # django-axes names the username (a dossier number) in its info and warning lines,
        # whatever AXES_VERBOSE says; failures and lockouts are kept in its tables instead.
        "axes": {"level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "WARNING")},
}

# APIs (Django REST framework + drf-spectacular) -------------------------------------------------
# Session sign-in for the PWA's own JSON (the back-office API has its own tokens); JSON
# only, no browsable API (its pages would need inline scripts our CSP forbids).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    # Every API view is throttled: these by default, the back office and sync by their own.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Per token (back office) or per person: generous for a sync, a ceiling for a runaway loop.
    "DEFAULT_THROTTLE_RATES": {
        "backoffice": _env("BACKOFFICE_RATE", "600/minute"),
        # A phone replaying its outbox sends up to 100 commands a request.
        "sync": _env("SYNC_RATE", "120/minute"),
        # Other JSON per signed-in person, and per address for anonymous callers (the schema).
        "user": _env("API_USER_RATE", "300/minute"),
        "anon": _env("API_ANON_RATE", "60/minute"),
        # Appointment bookings and moves per learner, from forms and the outbox alike.
        "booking": _env("BOOKING_RATE", "10/hour"),
        # Web Push subscribes and unsubscribes per person (plain views, the same throttle).
        "push": _env("PUSH_RATE", "30/hour"),
    },
    # A refused request (429) says so in the person's language (portal/shell/throttling.py).
    "EXCEPTION_HANDLER": "portal.shell.throttling.api_exception_handler",
}
# Background work (Django's Tasks API, backported; tasks stored in the portal's database) -------
# A worker runs them: `manage.py db_worker` (one or more processes beside the web workers).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "webhooks"],
    }
}
# Webhooks to the back office: how long one POST may take, and how long a delivery is retried
# before it is parked in the dead-letter list for the agency admin.
WEBHOOK_TIMEOUT_SECONDS = float(_env("PORTAL_WEBHOOK_TIMEOUT", "10"))
WEBHOOK_RETRY_HOURS = 72

SPECTACULAR_SETTINGS = {
    "TITLE": "Inburgering portal API",
    "DESCRIPTION": "The learner portal's JSON: trajectory state for the offline pack and staff.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several choice sets are called "status": name each, so generated clients read well.
    "ENUM_NAME_OVERRIDES": {
        "DecisionStatusEnum": "learner.trajectory.models.facts.DecisionStatus",
        "IngestStatusEnum": ["applied", "unchanged", "conflict", "invalid", "not_found"],
    },
}
