"""Settings shared by every environment; everything site-specific comes from the environment."""

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.settings.env import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SHIYU_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SHIYU_DEMO = env_bool("SHIYU_DEMO", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "shiyu.core",
    "shiyu.audit",
    "shiyu.geo",
    "shiyu.accounts",
    "shiyu.notifications",
    "shiyu.cases",
    "shiyu.routing",
    "shiyu.intake",
    "shiyu.open311",
    "shiyu.disputes",
    "shiyu.knowledge",
    "shiyu.insights",
    "shiyu.alerts",
    "shiyu.goals",
    "shiyu.reports",
    "shiyu.reception",
    "shiyu.participation",
    "shiyu.maps",
    "shiyu.portal",
    "shiyu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shiyu.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["shiyu.accounts.backends.ShiyuBackend"]
# API tokens expire; a client signs in again for a new one.
SHIYU_TOKEN_DAYS = int(env_str("SHIYU_TOKEN_DAYS", "30"))
# Where residents and staff reach this server ("https://12345.example.gov.cn"): emails and SMS
# carry links, and a worker has no request to take the host from.
SHIYU_BASE_URL = env_str("SHIYU_BASE_URL", "").strip().rstrip("/")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:workbench"
LOGOUT_REDIRECT_URL = "portal:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shiyu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shiyu.core.context_processors.site",
                "shiyu.core.context_processors.workcal_notice",
                "shiyu.notifications.context_processors.inbox",
            ],
        },
    },
]


def database_from_env(default_sqlite: Path) -> dict[str, Any]:
    """SQLite in WAL mode unless DATABASE_URL points elsewhere.

    IMMEDIATE transactions take the write lock at BEGIN, so two writers queue on the busy
    timeout instead of one failing with "database is locked" when it upgrades a read lock.
    """
    url = env_str("DATABASE_URL", f"sqlite:///{default_sqlite}")
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=30000;PRAGMA foreign_keys=ON;"
                "PRAGMA mmap_size=134217728;PRAGMA cache_size=-20000;"
            ),
        }
    return config


DATABASES = {"default": database_from_env(VAR_DIR / "shiyu.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "shiyu" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Residents' photos and generated open data. No MEDIA_URL: files are served by views that check
# who asks (shiyu/portal, shiyu/cases), never by the web server from this directory.
MEDIA_ROOT = VAR_DIR / "media"
# The daily anonymised open-data files (shiyu/portal/opendata.py), served from here.
SHIYU_OPENDATA_DIR = VAR_DIR / "opendata"
# E-mail (residents' one-time sign-in links). By default messages are written as files under
# VAR_DIR/mail (development); a deployment sets SHIYU_EMAIL_BACKEND to Django's SMTP backend and
# EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS.
EMAIL_BACKEND = env_str("SHIYU_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("SHIYU_FROM_EMAIL", "noreply@localhost")
# Front-end packages come from npm at install time (`make assets` copies them here);
# the app serves them itself because intranet deployments have no internet.
STATICFILES_DIRS = [BASE_DIR / "assets"] if (BASE_DIR / "assets").exists() else []
WHITENOISE_USE_FINDERS = True

# Rate-limit counters must be shared by every worker process: a file cache on one server,
# Redis (REDIS_URL) when several servers run.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": str(VAR_DIR / "cache")}}
if env_str("REDIS_URL", ""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env_str("REDIS_URL", "")}}

# Keys that encrypt personal data at rest (shiyu/core/crypto.py): comma-separated Fernet keys, the
# first encrypts, all decrypt. Unset: a development key derived from SECRET_KEY (refused in production).
SHIYU_FIELD_KEYS = env_list("SHIYU_FIELD_KEYS", [])

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Anonymous submissions and tracking lookups per client address; "0" switches a limit off
# (benchmarks against loopback do that).
SHIYU_RATE_SUBMIT = env_str("SHIYU_RATE_SUBMIT", "30/h")
SHIYU_RATE_TRACK = env_str("SHIYU_RATE_TRACK", "120/h")
# The resident form's "may already be reported" hint (one call per edited field).
SHIYU_RATE_SIMILAR = env_str("SHIYU_RATE_SIMILAR", "300/h")
# Sign-in attempts per client address and username (form and API token).
SHIYU_RATE_LOGIN = env_str("SHIYU_RATE_LOGIN", "10/10m")
SHIYU_RATE_LOGIN_ADDRESS = env_str("SHIYU_RATE_LOGIN_ADDRESS", "100/10m")
# How many reverse proxies in front of Shiyu add to X-Forwarded-For (0: use the socket address).
SHIYU_TRUSTED_PROXIES = int(env_str("SHIYU_TRUSTED_PROXIES", "0"))

# How long each process keeps categories and areas in memory (see shiyu/core/refcache.py).
SHIYU_REFCACHE_SECONDS = int(env_str("SHIYU_REFCACHE_SECONDS", "30"))

# Maps (shiyu/geo/crs.py, shiyu/maps): the coordinate system the map tiles are drawn in ("wgs84" or
# "gcj02", what Chinese web maps use; storage is always WGS84) and an optional tile server URL
# ("https://tiles.example.gov/{z}/{x}/{y}.png"). Without one, maps draw boundaries on a plain
# background, which works on an intranet with no internet.
SHIYU_MAP_CRS = env_str("SHIYU_MAP_CRS", "wgs84").lower()
SHIYU_MAP_TILES = env_str("SHIYU_MAP_TILES", "")
SHIYU_MAP_ATTRIBUTION = env_str("SHIYU_MAP_ATTRIBUTION", "")

# Every handler masks personal data (shiyu/core/logfilter.py). Django's own loggers are sent to
# the root's filtered handler instead of the unfiltered handlers Django installs by default.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "shiyu.core.logfilter.PersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "loggers": {"django": {"handlers": [], "propagate": True},
                "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

SHIYU_CITY_NAME = _("Demo City")

# Background tasks (shiyu/core/tasks.py, README "Background worker"): `shiyu worker` runs them and
# the periodic jobs. SHIYU_TASKS=db (default) keeps the queue in the database; rq puts it on Redis
# (REDIS_URL) for workers on several machines; immediate runs each task at once, in-process.
SHIYU_TASKS = env_str("SHIYU_TASKS", "db")
_TASK_BACKENDS = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend",
                  "immediate": "django_tasks.backends.immediate.ImmediateBackend"}
if SHIYU_TASKS not in _TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SHIYU_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {SHIYU_TASKS!r}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[SHIYU_TASKS], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "") or "redis://127.0.0.1:6379/0",
                         "DEFAULT_TIMEOUT": 3600}}
if SHIYU_TASKS == "rq":
    INSTALLED_APPS.append("django_rq")
