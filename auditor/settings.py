"""Settings read from the environment, failing closed.

No variables at all → the embedded default: SQLite and a filesystem Celery broker
under var/, nothing else to install. DATABASE_URL / CELERY_BROKER_URL switch to
PostgreSQL / Redis. DEBUG is off unless asked for. The embedded default keeps a
generated SECRET_KEY under var/ (beside its SQLite file); with a server database
(DATABASE_URL) and without DEBUG a missing SECRET_KEY is a start-up error (see
auditor/checks.py).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from auditor.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("AUDITOR_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
DATABASE_URL = env_str("DATABASE_URL")
# The embedded default: SQLite and everything else under var/, on 127.0.0.1 only.
EMBEDDED = not DATABASE_URL


def _local_secret_key() -> str:
    # Only in DEBUG or the embedded default: a per-checkout key kept under var/, beside
    # the SQLite file it protects, so sessions survive restarts and every process of the
    # checkout (web, worker, `manage.py add_repo`, `scan`, `export`) finds the same key.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # Written to a private file (0600) and then linked into place, which fails if
        # it exists: web, worker and beat start together, the first link wins and the
        # others read that key, never a half-written or a second one.
        fd, draft = tempfile.mkstemp(dir=VAR_DIR, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(50))
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return key_file.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or (_local_secret_key() if DEBUG or EMBEDDED else "")
# Django raises a bare ImproperlyConfigured on any read of an empty SECRET_KEY; the
# system check (auditor.E001) reads this flag instead to explain what to do.
SECRET_KEY_MISSING = not SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if not DEBUG else ["*"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "auditor.apps.AuditorConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "auditor.middleware.RejectNulInQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into the page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "auditor.urls"
WSGI_APPLICATION = "auditor.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "auditor.sqlite3"),
            "OPTIONS": {
                # Web, worker and beat share one file: WAL lets readers proceed while the
                # worker ingests, IMMEDIATE avoids upgrade deadlocks, timeout waits for locks.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): the lockout check runs before the password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
# By account and address together: a stranger cannot lock a colleague out from elsewhere,
# and one address cannot try passwords on every account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind N trusted proxies the client's address is the N-th from the right of
# X-Forwarded-For; with none, REMOTE_ADDR (a client could forge the header).
AXES_IPWARE_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
# --- E-mail (invitations) -------------------------------------------------------------
# Through Django's SMTP backend when EMAIL_HOST is set; without it no mail is sent and the
# members page shows the one-time set-password link to the admin who created the account.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_CONFIGURED = bool(EMAIL_HOST)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "auditor@localhost"
# A set-password link works once, and for this long (Django's password-reset tokens).
PASSWORD_RESET_TIMEOUT = env_int("INVITATION_LINK_HOURS", 72) * 3600

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "team-overview"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and bool(DATABASE_URL))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (django-csp) --------------------------------------------------
# Scripts only from our own files (behaviour is declared with data attributes, see
# static/js/controls.js); styles from our files. Style *attributes* stay allowed (style-src-attr): the risk
# heatmap and chart legends colour each element from computed numbers, never from a
# repository's text, and an attribute cannot run script. Nothing may frame the pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- HTTPS in production (.env.example sets these; `manage.py check --deploy` is clean) ---
# Off by default: the embedded default serves plain http on 127.0.0.1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Health checks of the container (docker-compose) call plain http inside the host.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients;
# anywhere else a client could claim https.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or EMBEDDED
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The embedded default runs without DEBUG (`make run`: the app's own error pages) and
# without `collectstatic`: whitenoise serves static/ straight from the finders.
WHITENOISE_USE_FINDERS = DEBUG or EMBEDDED

# --- Cache -----------------------------------------------------------------------------
# Page fragments and counts are cached under keys that change with the data (latest scan,
# triage state), so a shared cache is safe. In production point REDIS_CACHE_URL at a Redis
# database of its own (not the broker's: clearing the cache must never drop queued scans).
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}
        if REDIS_CACHE_URL
        # Page sections, trend charts and finding counts: room for a few thousand.
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    )
}

# --- Celery ----------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast (control) messages; kombu's default is ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis redelivers a message left unacknowledged this long (the worker that took it
    # was killed). It need not outlast a scan: a redelivery while the scan's worker is
    # alive finds its heartbeat fresh and does nothing, and one after the worker died
    # finds it stale and takes the scan over (services/scans.py). It must outlast
    # SCAN_HEARTBEAT_STALE, so that a redelivery can take over, and the longest retry
    # countdown (run_scan's retry_backoff_max, 600 s), or a worker holding a retry until
    # its time would see it delivered again elsewhere. The reaper does not wait for it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("SCAN_VISIBILITY_TIMEOUT", 900)}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# When the worker loses the broker (Redis restarted), the scans it runs go on: their
# rows are in PostgreSQL and their heartbeat keeps moving. Cancelling them (Celery 6's
# default) would throw the work away, and a Redis restarted without persistence would
# not even redeliver their messages.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False

# --- Scans -----------------------------------------------------------------------------
# Clones from file:// URLs or local paths are allowed only under these directories.
AUDITOR_LOCAL_REPO_ROOTS = [
    Path(p) for p in env_list("AUDITOR_LOCAL_REPO_ROOTS", [str(VAR_DIR / "repos")], sep=":")
]
AUDITOR_WORKSPACE_DIR = Path(env_str("AUDITOR_WORKSPACE_DIR", str(VAR_DIR / "workspaces")))
SCAN_SOFT_TIME_LIMIT = env_int("SCAN_SOFT_TIME_LIMIT", 3300)
SCAN_HARD_TIME_LIMIT = env_int("SCAN_HARD_TIME_LIMIT", 3600)
SCAN_CLONE_TIMEOUT = env_int("SCAN_CLONE_TIMEOUT", 600)
# A scan still queued this long after its request (or last re-send) is sent again.
SCAN_REQUEUE_AFTER = env_int("SCAN_REQUEUE_AFTER", 1800)
# While a worker runs a scan, a thread beside it refreshes Scan.heartbeat_at this often.
SCAN_HEARTBEAT_INTERVAL = env_int("SCAN_HEARTBEAT_INTERVAL", 30)
# A running scan whose heartbeat is older than this has lost its worker: a redelivered
# message may take it over, and the reaper puts it back in the queue. Four missed beats,
# so that a slow database or a busy machine does not pass for a dead worker.
SCAN_HEARTBEAT_STALE = env_int("SCAN_HEARTBEAT_STALE", 120)
# How often beat runs the reaper: a killed worker's scan is re-queued within
# SCAN_HEARTBEAT_STALE + SCAN_REAP_INTERVAL seconds of its last heartbeat.
SCAN_REAP_INTERVAL = env_int("SCAN_REAP_INTERVAL", 60)
# Claims of one scan (transient retries included) after which a lost worker fails it
# (`scan:system:worker-lost`) instead of re-queuing it.
SCAN_MAX_ATTEMPTS = env_int("SCAN_MAX_ATTEMPTS", 3)
# First retry of a transient failure (clone time-out, database gone) within this many
# seconds, doubling per retry up to 600 s.
SCAN_RETRY_BACKOFF = env_int("SCAN_RETRY_BACKOFF", 30)
# Largest engine result CI may upload (POST /api/v1/repositories/ID/results/).
CI_UPLOAD_MAX_BYTES = env_int("CI_UPLOAD_MAX_BYTES", 200 * 2**20)
# An uploaded result's commit is verified against the branches and tags the repository's
# remote advertises (git ls-remote); off, only commits a worker has cloned count as known.
CI_UPLOAD_VERIFY_WITH_REMOTE = env_bool("CI_UPLOAD_VERIFY_WITH_REMOTE", True)
SCAN_MAX_REPO_BYTES = env_int("SCAN_MAX_REPO_BYTES", 2 * 1024**3)
SCAN_ENGINE_WORKERS = env_int("SCAN_ENGINE_WORKERS", 0)  # 0 → one per CPU
# Per-file engine results keyed by content: a re-scan re-analyses only changed files.
# Empty disables it. Entries older than SCAN_ENGINE_CACHE_DAYS are pruned daily.
SCAN_ENGINE_CACHE_DIR = env_str("SCAN_ENGINE_CACHE_DIR", str(VAR_DIR / "engine-cache"))
SCAN_ENGINE_CACHE_DAYS = env_int("SCAN_ENGINE_CACHE_DAYS", 14)
# AI provenance of every line (git blame with signatures, Git AI notes, Agent Trace, ai-paths).
SCAN_PROVENANCE = env_bool("SCAN_PROVENANCE", True)
# The registries a team's opt-in package lookup asks (AI116; TeamSettings.registry_lookup):
# a company mirror, or a stand-in server in the tests.
SCAN_REGISTRY_NPM_URL = env_str("SCAN_REGISTRY_NPM_URL", "https://registry.npmjs.org")
SCAN_REGISTRY_PYPI_URL = env_str("SCAN_REGISTRY_PYPI_URL", "https://pypi.org")
SCAN_FINDINGS_PAGE_SIZE = 50
# Clone reuse (auditor/git/mirror.py): one bare mirror per repository, fetched into and
# copied into each scan's fresh checkout. A directory of the worker's own or a volume the
# workers share (a file lock guards each mirror); empty disables it (every scan clones
# afresh). Mirrors beyond SCAN_MIRROR_MAX_BYTES together are evicted, least recently used
# first; a scan that waits SCAN_MIRROR_LOCK_TIMEOUT seconds for another one's fetch of
# the same repository clones afresh instead.
SCAN_MIRROR_DIR = env_str("SCAN_MIRROR_DIR", str(VAR_DIR / "mirrors"))
SCAN_MIRROR_MAX_BYTES = env_int("SCAN_MIRROR_MAX_BYTES", 10 * 1024**3)
SCAN_MIRROR_LOCK_TIMEOUT = env_int("SCAN_MIRROR_LOCK_TIMEOUT", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step (and its stylesheet parse at import) at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO and a banner at every start; lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# Static entries that beat keeps in django-celery-beat's tables (repository schedules
# are added there by the app).
CELERY_BEAT_SCHEDULE = {
    "reap-stale-scans": {"task": "auditor.reap_stale_scans", "schedule": float(SCAN_REAP_INTERVAL)},
    "prune-engine-cache": {"task": "auditor.prune_engine_cache", "schedule": 24 * 3600.0},
}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")

# --- REST API (integrations) -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "auditor.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "auditor.api.pagination.ApiPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "auditor API",
    "DESCRIPTION": "Repositories, scans, findings and exports, scoped to the caller's teams.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The schema names every route and filter: for signed-in users (session or token) only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}
