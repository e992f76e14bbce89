"""Tether settings: every value comes from the environment, read here and nowhere else.

With no variable set, Tether runs on embedded defaults (SQLite, in-memory channel layer,
local-memory cache) so that ``make run`` works on a bare machine. See README "Configuration".
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
TETHER_HTTPS = env_bool("TETHER_HTTPS", False)

_DEV_SECRET_KEY = "tether-development-key-not-for-production-use-only-on-localhost"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    warnings.warn("SECRET_KEY is not set: using the development key.", stacklevel=1)
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
# Web clients served from other origins (https://app.example.com): CORS on /api/ for them
# (they authenticate with Bearer tokens, not cookies), and their Origin passes on /ws/.
TETHER_CORS_ORIGINS = env_list("TETHER_CORS_ORIGINS", "")
CORS_ALLOWED_ORIGINS = TETHER_CORS_ORIGINS
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID"]

CSRF_TRUSTED_ORIGINS = [
    f"{scheme}://{host}"
    for host in ALLOWED_HOSTS
    if host not in {"*"} and not host.startswith(".")
    for scheme in ("http", "https")
]

INSTALLED_APPS = [
    "daphne",
    "tether.apps.TetherAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "channels",
    "accounts",
    "chats",
    "messaging",
    "moderation",
    "tether",
]

MIDDLEWARE = [
    # First: every response gets its X-Request-ID, every request is counted and timed.
    "core.request_id.RequestIdMiddleware",
    "core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "core.api.middleware.ApiEnvelopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: the chain above runs synchronously in one thread (see its docstring).
    "core.api.middleware.SyncChainMiddleware",
]

ROOT_URLCONF = "tether.urls"
ASGI_APPLICATION = "tether.asgi.application"
APPEND_SLASH = False

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

# --- Database -------------------------------------------------------------------------------
# Under ASGI Django advises against persistent connections; PostgreSQL uses psycopg's pool.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
else:
    _database = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
if _database["ENGINE"] == "django.db.backends.postgresql":
    # With the database unreachable a request gets 503 within seconds, never hangs: a pooled
    # connection is waited for at most `timeout` s, a connection attempt gives up after
    # `connect_timeout` s (libpq's least). Health checks make the pool hand out live
    # connections only, so those dropped while the database was down are replaced rather
    # than failed with; reconnection attempts give up after `reconnect_timeout` s, so that a
    # request waiting for a connection starts a fresh attempt at once instead of waiting
    # out a long back-off: once the database is back, so is the pool, without a restart.
    _database["CONN_HEALTH_CHECKS"] = True
    _database.setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": int(os.environ.get("TETHER_DB_CONNECT_TIMEOUT", "2")),
            "pool": {
                "min_size": int(os.environ.get("TETHER_DB_POOL_MIN", "2")),
                "max_size": int(os.environ.get("TETHER_DB_POOL_MAX", "20")),
                "timeout": float(os.environ.get("TETHER_DB_POOL_TIMEOUT", "2")),
                "reconnect_timeout": 5.0,
            },
        }
    )
elif _database["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer instead of failing at once when two threads write together.
    _database.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DATABASES = {"default": _database}
# The event loop's own PostgreSQL pool (core.async_db), per process, beside Django's: the hot
# send path runs on it without leaving the loop.
# off: the hot paths too go through Django's ORM in worker threads (in-process tests whose
# data sits in a transaction that no other connection can see).
TETHER_ASYNC_DB = os.environ.get("TETHER_ASYNC_DB", "on").lower() not in {"0", "off", "false"}
TETHER_DB_ASYNC_POOL_MIN = int(os.environ.get("TETHER_DB_ASYNC_POOL_MIN", "2"))
TETHER_DB_ASYNC_POOL_MAX = int(os.environ.get("TETHER_DB_ASYNC_POOL_MAX", "10"))
TETHER_DB_ASYNC_POOL_TIMEOUT = float(os.environ.get("TETHER_DB_POOL_TIMEOUT", "2"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, throttles -------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Short timeouts: a request must never hang on an unreachable Redis.
REDIS_SOCKET_TIMEOUT = float(os.environ.get("TETHER_REDIS_TIMEOUT", "0.5"))

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tether",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub layer: ~5x cheaper per delivered message than the list-based layer, and
            # it re-subscribes by itself after Redis restarts (see README "Real time").
            "BACKEND": "core.channel_layer.TetherPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 1}],
                "prefix": "tether",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REST_FRAMEWORK = {
    # JWT first: DRF answers 401 with the first class's WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionJWTAuthentication",
        "accounts.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.EnvelopeJSONRenderer",
        "core.api.renderers.EnvelopeBrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttles.ScopedRateThrottle"],
    "EXCEPTION_HANDLER": "core.api.errors.envelope_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Behind a TLS proxy exactly one hop is trusted for the client address.
    "NUM_PROXIES": 1 if TETHER_HTTPS else 0,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=30),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tether API",
    "DESCRIPTION": "Phone sign-up, direct chats and live delivery. See API.md for the contract.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI from Tether's own static files: the docs load nothing from other sites.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.wrap_success_in_envelope",
    ],
}

# --- Tether ---------------------------------------------------------------------------------
TETHER_SMS_BACKEND = os.environ.get("TETHER_SMS_BACKEND", "console")
TETHER_SMS_FILE = os.environ.get("TETHER_SMS_FILE", "")
TETHER_THROTTLE = env_bool("TETHER_THROTTLE", True)
TETHER_DEFAULT_REGION = os.environ.get("TETHER_DEFAULT_REGION", "RU").upper()

# No sign-in lives longer than this from its start, however often it is refreshed.
TETHER_SESSION_MAX_DAYS = 90

# The contract's code rules; tests shorten them through the settings fixture. The resend
# delay is also read from the environment, so that tests driving real server processes need
# not wait a minute between two codes to one phone (production keeps the contract's 60 s).
TETHER_CODE_TTL_SECONDS = 300
TETHER_CODE_RESEND_SECONDS = int(os.environ.get("TETHER_CODE_RESEND_SECONDS", "60"))
TETHER_CODE_HOURLY_LIMIT = 5
TETHER_CODE_MAX_ATTEMPTS = 5
# Per-IP request limits: (requests, window in seconds).
TETHER_RATE_LIMITS = {
    "code_request": (60, 60),
    "code_verify": (120, 60),
    "message_send": (30, 10),
    # Reactions and pins (set or taken away), counted together: flooding a chat with
    # message.updated and chat.updated is held to the pace of sends.
    "message_mark": (30, 10),
    "phone_lookup": (30, 60),
    # A data export reads everything one has: one an hour.
    "export": (1, 60 * 60),
}
# Wrong admin passwords: at most 5 per account and per IP in 15 minutes, then 429 for the
# rest of the window. Always on (TETHER_THROTTLE does not lift it).
TETHER_ADMIN_PASSWORD_LIMIT = (5, 15 * 60)
# Presence: each process refreshes its connections this often; an entry not refreshed for
# the TTL (its process died) counts as offline. 10 s + 30 s keeps the contract's 60 s.
TETHER_PRESENCE_HEARTBEAT_SECONDS = float(os.environ.get("TETHER_PRESENCE_HEARTBEAT", "10"))
TETHER_PRESENCE_TTL_SECONDS = float(os.environ.get("TETHER_PRESENCE_TTL", "30"))
# Largest JSON body the API accepts (413 above it).
TETHER_MAX_BODY_BYTES = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = TETHER_MAX_BODY_BYTES

# --- HTTPS behind a proxy -------------------------------------------------------------------
if TETHER_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^api/health/?$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# --- I18n and static files ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves straight from the finders, so daphne alone serves the pages with DEBUG
# off and no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Attachments -----------------------------------------------------------------------------
# Kept through Django's storage API (STORAGES["attachments"]): files under TETHER_MEDIA_ROOT,
# never served as static files, or an S3-compatible bucket with TETHER_MEDIA_STORAGE=s3.
TETHER_MEDIA_ROOT = Path(os.environ.get("TETHER_MEDIA_ROOT") or BASE_DIR / "media")
TETHER_MEDIA_STORAGE = os.environ.get("TETHER_MEDIA_STORAGE", "").strip().lower() or "file"
try:
    TETHER_MAX_UPLOAD_BYTES = int(float(os.environ.get("TETHER_MAX_UPLOAD_MB", "25")) * 1024 * 1024)
except ValueError:
    raise ImproperlyConfigured("TETHER_MAX_UPLOAD_MB must be a number of MiB.") from None
# Signed S3 URLs live this long (the contract: within 5 minutes).
TETHER_SIGNED_URL_SECONDS = 300
# At most this many uploads not yet sent per person (429 above).
TETHER_UNSENT_UPLOADS_MAX = 20
# Unsent uploads older than this go (tether_cleanup).
TETHER_UNSENT_UPLOAD_HOURS = 24
# Images above this many pixels are kept as files, never decoded (decompression bombs).
TETHER_IMAGE_MAX_PIXELS = 40_000_000
if TETHER_MEDIA_STORAGE == "file":
    _attachments_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(TETHER_MEDIA_ROOT), "base_url": None},
    }
elif TETHER_MEDIA_STORAGE == "s3":
    _attachments_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("TETHER_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("TETHER_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("TETHER_S3_REGION") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,  # the bucket's own (private): every read is a signed URL
            "querystring_auth": True,
            "querystring_expire": TETHER_SIGNED_URL_SECONDS,
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
    if not _attachments_storage["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("TETHER_MEDIA_STORAGE=s3 needs TETHER_S3_BUCKET.")
else:
    raise ImproperlyConfigured("TETHER_MEDIA_STORAGE must be `file` or `s3`.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": _attachments_storage,
}

# --- Operations: logs and metrics ----------------------------------------------------------
# `text` (one readable line) or `json` (one JSON object per line).
TETHER_LOG_FORMAT = os.environ.get("TETHER_LOG_FORMAT", "").strip().lower() or "text"
if TETHER_LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("TETHER_LOG_FORMAT must be `text` or `json`.")
# With it, /metrics also answers `Authorization: Bearer <token>` from anywhere.
TETHER_METRICS_TOKEN = os.environ.get("TETHER_METRICS_TOKEN", "").strip()

# --- Logging: no token ever reaches a log line (see core.log_redaction) --------------------------
# Every line carries the request id (core.request_id); daphne's access log comes through here
# as `tether.access` (tether.daphne_compat).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.request_id.RequestIdFilter"},
        "redact_tokens": {"()": "core.log_redaction.RedactTokensFilter"},
    },
    "formatters": {
        "text": {"()": "core.log_format.TextFormatter"},
        "json": {"()": "core.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": TETHER_LOG_FORMAT,
            "filters": ["request_id", "redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Django's own console handler neither redacts nor says which request: its records
        # go to the root handler instead (once, not twice).
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "daphne": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
