"""Settings, read from the environment only.

Variables (all optional unless noted):
  DEBUG               "1"/"true" turns debug on; off by default.
  SECRET_KEY          required when DEBUG is off, unless SECRET_KEY_FILE names a file holding it;
                      at least 50 characters when DEBUG is off.
  SECRET_KEY_FILE     a file whose first line is the secret key.
  DATABASE_URL        e.g. sqlite:////abs/path.sqlite3 or postgresql://user@127.0.0.1:5432/cm.
                      Default: SQLite (WAL) in var/commonmeasure.sqlite3.
  DATABASE_REPLICA_URL  a PostgreSQL read replica of DATABASE_URL; public pages read from it.
  ALLOWED_HOSTS       comma-separated; default "127.0.0.1,localhost".
  CM_VAR_DIR          where the default database and caches live; default ./var.
  EMAIL_BACKEND       default: the console backend.
  CM_MAX_UPLOAD_MB    largest upload accepted; default 50.
  CM_BACKGROUND_ROWS  uploads of this many rows or more are checked and imported by the worker;
                      default 100,000.
  CM_INVITATION_DAYS  days an invitation link stays valid; default 14.
  CM_SITE_URL         the site's address for links in e-mails, e.g. https://cm.example.org.
  CM_DB_LOCK_TIMEOUT  seconds a statement waits for a database lock (SQLite's busy timeout,
                      PostgreSQL's lock_timeout) before the request answers 503; default 20.
  CM_FIGURE_CACHE     "off" answers every page from the database (no figure cache); default on.
  CM_FIGURE_CACHE_BACKEND, CM_FIGURE_CACHE_LOCATION  the Django cache backend and location of
                      the figure cache; default each process's own memory (LocMemCache).
  CM_FIGURE_CACHE_ENTRIES  entries a process keeps; default 1,000.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


DEBUG = env_bool("DEBUG")
# Demo mode (`make demo`): the first screen tells an anonymous visitor how to log in as each demo
# user (docs/reference/configuration.md). Never on a real installation.
CM_DEMO = env_bool("CM_DEMO")
VAR_DIR = Path(os.environ.get("CM_VAR_DIR") or Path.cwd() / "var").resolve()


MIN_SECRET_KEY_LENGTH = 50


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    key_file = os.environ.get("SECRET_KEY_FILE", "")
    if not key and key_file:
        try:
            key = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"SECRET_KEY_FILE {key_file!r} cannot be read: {exc}"
            ) from exc
    if not key:
        if DEBUG:
            return "insecure-debug-only-key"
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY or SECRET_KEY_FILE (or DEBUG=1 for development)."
        )
    if len(key) < MIN_SECRET_KEY_LENGTH and not DEBUG:
        raise ImproperlyConfigured(
            f"SECRET_KEY is {len(key)} characters long; use at least {MIN_SECRET_KEY_LENGTH} "
            "random ones, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "commonmeasure.accounts",
    "commonmeasure.initiatives",
    "commonmeasure.reporting",
    "commonmeasure.rollups",
    "commonmeasure.web",
    "commonmeasure.api",
    "commonmeasure.impactbonds",
    "commonmeasure.voice",
    "commonmeasure.contracts",
    "commonmeasure.insights",
    "commonmeasure.backbone",
    "commonmeasure.conversation",
    "commonmeasure.setup",
    "django_tasks",
    "django_tasks_db",
]

# Background tasks (large uploads): queued in the database, run by `commonmeasure worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    # First: a request that cannot get a database lock in time answers 503, never 500.
    "commonmeasure.dbbusy.DatabaseBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The viewer's language: the language switcher's cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "commonmeasure.web.security.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "commonmeasure.dbrouting.ReplicaReadsMiddleware",  # public pages read from a replica, if any
]

ROOT_URLCONF = "commonmeasure.urls"
WSGI_APPLICATION = "commonmeasure.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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


def _lock_timeout() -> float:
    value = os.environ.get("CM_DB_LOCK_TIMEOUT", "")
    try:
        return float(value) if value else 20.0
    except ValueError as exc:
        raise ImproperlyConfigured(f"CM_DB_LOCK_TIMEOUT must be a number, not {value!r}") from exc


def _databases() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'commonmeasure.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer writes; a busy timeout waits out short locks
        # instead of failing, and IMMEDIATE transactions take the write lock up front.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": _lock_timeout(),
        }
        config["TEST"] = {"NAME": os.environ.get("CM_TEST_SQLITE_NAME") or None}
    elif config["ENGINE"].startswith("django.db.backends.postgresql"):
        config["ENGINE"] = "django.db.backends.postgresql"
        config.setdefault("OPTIONS", {})["options"] = (
            f"-c lock_timeout={int(_lock_timeout() * 1000)}"
        )
    else:
        raise ImproperlyConfigured(f"DATABASE_URL names an unsupported database: {url!r}")
    databases = {"default": config}
    replica = os.environ.get("DATABASE_REPLICA_URL", "")
    if replica:
        # A streaming replica of the primary: public pages read from it (commonmeasure/dbrouting.py).
        copy = dj_database_url.parse(replica, conn_max_age=0)
        if not config["ENGINE"].endswith("postgresql") or not copy["ENGINE"].startswith(
            "django.db.backends.postgresql"
        ):
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URL needs PostgreSQL for both it and DATABASE_URL"
            )
        copy["ENGINE"] = "django.db.backends.postgresql"
        copy["TEST"] = {"MIRROR": "default"}
        databases["replica"] = copy
    return databases


DATABASES = _databases()
DATABASE_ROUTERS = ["commonmeasure.dbrouting.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every password sign-in goes through the throttle (commonmeasure/accounts/throttle.py).
AUTHENTICATION_BACKENDS = ["commonmeasure.accounts.backends.ThrottledModelBackend"]
# Failed sign-ins that lock an account (the username tried) or a client address, and for how long.
CM_LOGIN_FAILURES_PER_ACCOUNT = env_int("CM_LOGIN_FAILURES_PER_ACCOUNT", 10)
CM_LOGIN_FAILURES_PER_ADDRESS = env_int("CM_LOGIN_FAILURES_PER_ADDRESS", 50)
CM_LOGIN_LOCKOUT_MINUTES = env_int("CM_LOGIN_LOCKOUT_MINUTES", 15)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
CM_TRUSTED_PROXIES = env_int("CM_TRUSTED_PROXIES", 0)

LANGUAGE_CODE = "en-gb"
# The languages the interface is translated into (docs/how-to/add-a-language.md). Each app keeps
# its messages in its own locale/ folder; the modules outside the apps (domain, interchange,
# charts, the console script) keep theirs in commonmeasure/locale/.
LANGUAGES = [
    ("en-gb", "English"),
    ("es", "Español"),
    ("fr", "Français"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
try:  # WhiteNoise looks here first; an empty folder keeps it from warning at every start
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:
    pass
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the installed packages' static folders: no collectstatic step is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SESSION_COOKIE_HTTPONLY = True
# Behind TLS (docs/reference/configuration.md, "Serving over HTTPS"): cookies only over HTTPS,
# HSTS, a redirect of plain HTTP, and the header by which a TLS-terminating proxy says so.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
if env_bool("CM_PROXY_SETS_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Every page but the public, embeddable indicator page refuses to be framed (web/security.py).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "commonmeasure@localhost")
# The site's address, put before the links in notification e-mails, e.g. https://cm.example.org
CM_SITE_URL = os.environ.get("CM_SITE_URL", "").rstrip("/")

# The figure cache (rollups/figure_cache.py, docs/reference/figure-cache.md): what the initiative
# home and the dashboard work out from approved figures, kept until the next change of the
# initiative's version token (in the database, so shared by every server). Each process keeps its
# own by default; a shared backend (e.g. Redis) can be named instead.
CM_FIGURE_CACHE = os.environ.get("CM_FIGURE_CACHE", "").strip().lower() not in {"off", "0", "no"}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": os.environ.get("CM_FIGURE_CACHE_BACKEND")
        or "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": os.environ.get("CM_FIGURE_CACHE_LOCATION", "commonmeasure-figures"),
        # Entries are keyed by the version token: an old one is never read again, so no expiry
        # is needed for correctness; a day bounds what an idle process keeps.
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": env_int("CM_FIGURE_CACHE_ENTRIES", 1000)},
    },
}

CM_MAX_UPLOAD_MB = env_int("CM_MAX_UPLOAD_MB", 50)
CM_BACKGROUND_ROWS = env_int("CM_BACKGROUND_ROWS", 100_000)
CM_INDIGO_BACKGROUND_BYTES = env_int("CM_INDIGO_BACKGROUND_BYTES", 256 * 1024)
# Days an invitation link stays valid (docs/reference/backbone-tools.md).
CM_INVITATION_DAYS = env_int("CM_INVITATION_DAYS", 14)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
