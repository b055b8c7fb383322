"""Settings for SPO Guild, read from the environment (see ``.env.example``).

Two shapes of deployment share this module:

* ``SPOGUILD_ENV=development`` (the default): the embedded setup behind
  ``make run``. SQLite in ``DATA_DIR``, Celery on a filesystem broker so the
  worker and scheduler really run without Redis, a local-memory cache and emails
  printed to the console. A secret key is generated once into ``DATA_DIR``.
* ``SPOGUILD_ENV=production``: PostgreSQL (``DATABASE_URL``), Redis
  (``REDIS_URL``) for the broker, results and cache, SMTP, secure cookies and
  HSTS. Secrets have no defaults there: a missing one stops the start.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from spoguild.config import Env

django_stubs_ext.monkeypatch()
env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
ENVIRONMENT = env.choice("SPOGUILD_ENV", ("development", "production"), "development")
PRODUCTION = ENVIRONMENT == "production"
DATA_DIR = Path(env.str("DATA_DIR") or BASE_DIR / "data")

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false when SPOGUILD_ENV=production.")


def _development_secret_key() -> str:
    """A key kept in DATA_DIR so sessions survive restarts of ``make run``."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = (
    env.required("SECRET_KEY")
    if PRODUCTION
    else env.secret("SECRET_KEY") or _development_secret_key()
)

SITE_URL = (env.str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "apps.accounts",
    "apps.organizations",
    "apps.apikeys",
    "apps.health",
    "apps.networks",
    "apps.nodes",
    "apps.samples",
    "apps.chain",
    "apps.pools",
    "apps.pages",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "spoguild.urls"
WSGI_APPLICATION = "spoguild.wsgi.application"

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
                "apps.organizations.context_processors.organizations",
                "apps.pages.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in DATA_DIR unless DATABASE_URL names another.
_default_database = f"sqlite:///{DATA_DIR / 'spoguild.sqlite3'}"
_database_url = env.str("DATABASE_URL")
if PRODUCTION and not _database_url:
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url or _default_database, conn_max_age=60, conn_health_checks=True
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL and immediate transactions let the web process and the Celery worker
    # write to one SQLite file without "database is locked" errors. The intake
    # acknowledges only what is stored, and in WAL mode synchronous=NORMAL
    # can lose the last commits on a power loss; FULL syncs each commit.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")
# The embedded setup of `make run`: SQLite and no Redis; pages say so.
EMBEDDED_SETUP = not REDIS_URL and DATABASES["default"]["ENGINE"].endswith("sqlite3")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production.")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "spoguild",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "organizations:home"

# allauth: email is the identity, it must be verified, and login failures are
# rate-limited per address and per IP (allauth counts them in the cache).
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/h/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SPO Guild] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SPO Guild"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
# Front-end libraries come from npm (package.json) at install time and are
# served from node_modules under a stable prefix; nothing third-party is committed.
_NODE_MODULES = BASE_DIR / "node_modules"
for _prefix, _folder in (
    ("vendor/htmx", "htmx.org/dist"),
    ("vendor/uplot", "uplot/dist"),
):
    if (_NODE_MODULES / _folder).is_dir():
        STATICFILES_DIRS.append((_prefix, _NODE_MODULES / _folder))
# Outside production, serve files straight from the finders: no collectstatic step.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Email: SMTP when EMAIL_HOST is set, otherwise printed to the console.
EMAIL_HOST = env.str("EMAIL_HOST")
if PRODUCTION and not EMAIL_HOST:
    raise ImproperlyConfigured("EMAIL_HOST must be set in production.")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER") or ""
    EMAIL_HOST_PASSWORD = env.secret("EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL") or "SPO Guild <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Secure cookies and HSTS follow the deployment, not DEBUG, so a
# production start is safe by default; check --deploy is clean with them.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Scripts and styles come only from our own origin: no inline code, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.apikeys.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SPO Guild API",
    "DESCRIPTION": (
        "Organizations, nodes and pools of SPO Guild. Authenticate with an "
        "organization API key: `Authorization: Bearer sgk_...`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Node samples: raw samples are kept for days, their 5-minute and hourly
# rollups for about 13 months. An agent sends one request a minute plus its
# backlog after an outage (about 20 batches of 500), far below the per-node
# intake limit.
SAMPLES_RAW_RETENTION_DAYS = env.int("SAMPLES_RAW_RETENTION_DAYS", 14, minimum=1)
SAMPLES_ROLLUP_RETENTION_DAYS = env.int("SAMPLES_ROLLUP_RETENTION_DAYS", 396, minimum=1)
SAMPLES_INTAKE_RATE_PER_MINUTE = env.int(
    "SAMPLES_INTAKE_RATE_PER_MINUTE", 120, minimum=1
)

# cardano-node releases the node pages judge each node's version against (see
# apps/nodes/releases.py). Defaults from a snapshot of IntersectMBO/cardano-node
# taken 2026-07-23: 11.0.1 is the newest release tag (2026-05-04); 10.7.0 is
# MinNodeVersion in the official mainnet config on master (2026-03-24).
NODE_RELEASE_LATEST = env.version("NODE_RELEASE_LATEST", "11.0.1")
NODE_RELEASE_MINIMUM = env.version("NODE_RELEASE_MINIMUM", "10.7.0")

# Celery: Redis in production; without it, a filesystem broker in DATA_DIR so
# that `make run` has a real worker and scheduler and needs no other server.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    _broker_dir = DATA_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{DATA_DIR / 'results'}"
    (DATA_DIR / "results").mkdir(parents=True, exist_ok=True)
# Chain data (apps/chain): the networks to sync, and per network the indexer to
# read it from. Koios needs no key; Blockfrost needs one project id per network.
_CHAIN_NETWORK_NAMES = ("mainnet", "preprod", "preview")
# The embedded demo syncs nothing by default: it shows generated pools and works
# offline. Set CHAIN_NETWORKS=mainnet to read the real chain there too.
CHAIN_NETWORKS = [
    name.lower()
    for name in env.list("CHAIN_NETWORKS", ["mainnet"] if PRODUCTION else [])
]
for _network in CHAIN_NETWORKS:
    if _network not in _CHAIN_NETWORK_NAMES:
        raise ImproperlyConfigured(
            f"CHAIN_NETWORKS: {_network!r} must be one of: "
            f"{', '.join(_CHAIN_NETWORK_NAMES)}."
        )
CHAIN_SOURCES: dict[str, dict[str, str | None]] = {}
for _network in _CHAIN_NETWORK_NAMES:
    _suffix = _network.upper()
    CHAIN_SOURCES[_network] = {
        "source": env.choice(
            f"CHAIN_SOURCE_{_suffix}", ("blockfrost", "koios"), "koios"
        ),
        "project_id": env.secret(f"BLOCKFROST_PROJECT_ID_{_suffix}"),
        # A self-hosted Koios or Blockfrost (RYO) instance; the vendor's by default.
        "base_url": env.str(f"CHAIN_SOURCE_URL_{_suffix}"),
    }
    _chosen = CHAIN_SOURCES[_network]
    if (
        _network in CHAIN_NETWORKS
        and _chosen["source"] == "blockfrost"
        and not _chosen["project_id"]
    ):
        raise ImproperlyConfigured(
            f"CHAIN_SOURCE_{_suffix}=blockfrost needs BLOCKFROST_PROJECT_ID_{_suffix} "
            f"(or BLOCKFROST_PROJECT_ID_{_suffix}_FILE)."
        )
KOIOS_TOKEN = env.secret("KOIOS_TOKEN")

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "apps.health.tasks.record_heartbeat",
        "schedule": 30.0,
    },
    # Chain data: each run decides what is due, so a frequent beat costs no calls.
    "chain-network-state": {
        "task": "apps.chain.tasks.sync_networks",
        "schedule": crontab(minute="*/5"),
    },
    "chain-pool-directory": {
        "task": "apps.chain.tasks.sync_directories",
        "schedule": crontab(minute=7),
    },
    "chain-pool-details": {
        "task": "apps.chain.tasks.sync_pool_details",
        "schedule": crontab(minute="2-59/15"),
    },
    "expire-invitations": {
        "task": "apps.organizations.tasks.purge_expired_invitations",
        "schedule": crontab(minute=17),
    },
    "samples-roll-up": {
        "task": "apps.samples.tasks.roll_up_recent",
        "schedule": crontab(minute="*/5"),
    },
    "samples-partitions": {
        "task": "apps.samples.tasks.prepare_sample_partitions",
        "schedule": crontab(minute=7),
    },
    "samples-retention": {
        "task": "apps.samples.tasks.drop_expired_samples",
        "schedule": crontab(hour=3, minute=23),
    },
}

LOG_LEVEL = env.choice(
    "LOG_LEVEL", ("debug", "info", "warning", "error"), "info"
).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "context": {
            "()": "spoguild.logformat.ContextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "context"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
    },
}
