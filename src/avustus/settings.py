"""Django settings, read from the environment so that one build runs anywhere.

Environment variables:
- ``AVUSTUS_DATA_DIR``: where the embedded database, uploads and generated keys live (default ``./var``).
- ``DATABASE_URL``: ``postgres://user:password@host:port/name?sslmode=require`` switches to PostgreSQL
  (query options such as ``sslmode`` go to psycopg); ``sqlite:////absolute/path.sqlite3`` (or
  ``sqlite:///relative/path``) names another SQLite file; unset means SQLite in WAL mode under the data
  directory. Read by django-environ; a URL of any other kind stops the start with a message naming it.
- ``AVUSTUS_EMAIL_URL`` (or, as before, ``EMAIL_URL``): where mail goes, e.g.
  ``smtp+tls://user:password@host:587``, ``consolemail://``, ``filemail:///srv/avustus/mail``; unset means
  the console (the tests use Django's in-memory outbox whatever is set).
- ``AVUSTUS_CACHE_URL`` (or, as before, ``CACHE_URL``): a shared cache for several processes, e.g.
  ``redis://host:6379/0``; unset means the local-memory cache of this process. When it names Redis, login
  attempts are counted there too (``INCR``) instead of in a database row.
- ``AVUSTUS_SECRET_KEY``: the signing key; without it a random key is generated once into the data
  directory, which suits a single machine but not several servers behind one address.
- ``AVUSTUS_DEBUG``: ``1`` for development error pages.
- ``AVUSTUS_ALLOWED_HOSTS``: comma-separated host names (default: localhost only).
- ``AVUSTUS_SITE_URL``: the address users reach the app at, for links in messages (default the demo's
  ``http://127.0.0.1:8000``).
- ``AVUSTUS_HTTPS``: ``1`` when users reach the app over HTTPS only: redirect to HTTPS, HSTS and cookies
  sent only over HTTPS. Defaults to on when ``AVUSTUS_ALLOWED_HOSTS`` is set and ``AVUSTUS_DEBUG`` is not,
  that is in a deployment; off for the demo and the tests, which run on http://127.0.0.1.
- ``AVUSTUS_HSTS_SECONDS``: how long browsers keep to HTTPS (default a year; ``0`` turns HSTS off).
- ``AVUSTUS_BEHIND_PROXY``: ``1`` when one reverse proxy terminates TLS and sets ``X-Forwarded-Proto``
  and ``X-Forwarded-For``; the app then trusts those two headers (and only from that proxy).
- ``AVUSTUS_AUDIT_SEAL_INLINE``: ``1`` to chain each audit entry inside its writer's transaction under the head's
  lock, ``0`` to leave it to the sequencer; unset, by the engine (the sequencer on PostgreSQL).
  ``AVUSTUS_AUDIT_SEAL_INTERVAL``: at most how often, in seconds, one process seals after a commit (0.25).
- ``AVUSTUS_BACKGROUND_EXPORT_FROM``: from how many awarded grants an official's export of a round is made in
  the background, with its progress shown, instead of at once (default 1000).
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("AVUSTUS_DATA_DIR", Path.cwd() / "var")).resolve()


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("AVUSTUS_SECRET_KEY")
    if key:
        return key
    # A generated key kept beside the database: sessions survive restarts without a secret in the repo.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# SQLite as this app needs it, whichever file it is: WAL lets readers go on while one writer commits;
# IMMEDIATE takes the write lock at BEGIN so that two writers queue up instead of failing half-way with
# "database is locked".
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
# The kinds of URL each variable may name: the engines and backends this app is run and tested on, so
# that a typo (``postgress://``) or a backend Django no longer has stops the start instead of the first
# request.
DATABASE_SCHEMES = {"postgres", "postgresql", "sqlite"}
EMAIL_SCHEMES = {"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "filemail", "memorymail", "dummymail"}
EMAIL_QUERY_OPTIONS = {"use_tls": "EMAIL_USE_TLS", "use_ssl": "EMAIL_USE_SSL", "timeout": "EMAIL_TIMEOUT",
                       "ssl_certfile": "EMAIL_SSL_CERTFILE", "ssl_keyfile": "EMAIL_SSL_KEYFILE"}
CACHE_SCHEMES = {"locmemcache", "dbcache", "filecache", "dummycache", "pymemcache", "pylibmc", "redis", "rediss"}


def _refuse(variable: str, url: str, why: str) -> ImproperlyConfigured:
    # The password is left out of the message: start-up errors end up in logs.
    parts = urlsplit(url)
    shown = parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl() if "@" in parts.netloc else url
    return ImproperlyConfigured(f"{variable}={shown!r} is not usable: {why}")


def _scheme(variable: str, url: str, allowed: set[str]) -> str:
    scheme = urlsplit(url).scheme
    if scheme not in allowed:
        kinds = ", ".join(f"{s}://" for s in sorted(allowed))
        found = f"not {scheme}://" if scheme else "and this has none"
        raise _refuse(variable, url, f"it must begin with one of {kinds}, {found}")
    return scheme


# Connections kept open between requests by each server thread (a new PostgreSQL connection costs a process
# fork and authentication; an SQLite one the PRAGMAs above), and checked before reuse so that a database
# that restarted meanwhile costs one reconnect, not an error (avustus.web.unavailable).
PERSISTENT_CONNECTIONS = {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
# PostgreSQL's JIT compiler spent 640 ms compiling a 1,076 ms query of a deep list page (docs/performance.md):
# this app's queries are short OLTP ones that never repay compiling. Off for the app's connections only.
POSTGRES_OPTIONS = "-c jit=off"


def database_from_url(url: str | None) -> dict:
    """The Django DATABASES entry for a ``DATABASE_URL``, or the embedded SQLite database for None."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "avustus.sqlite3",
                "OPTIONS": dict(SQLITE_OPTIONS), **PERSISTENT_CONNECTIONS}
    scheme = _scheme("DATABASE_URL", url, DATABASE_SCHEMES)
    try:
        config = environ.Env.db_url_config(url)
    except ValueError as error:  # a port that is not a number, a broken IPv6 address
        raise _refuse("DATABASE_URL", url, str(error)) from error
    if scheme == "sqlite":
        if config["NAME"] in ("", ":memory:"):
            # Each connection would get its own empty database: nothing would persist between requests.
            raise _refuse("DATABASE_URL", url, "an SQLite URL names a file, e.g. sqlite:////srv/avustus/db.sqlite3")
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        return {**PERSISTENT_CONNECTIONS, **config}
    if not config["NAME"]:
        raise _refuse("DATABASE_URL", url, "the database name is missing (postgres://user@host:5432/NAME)")
    # Django's backend with a health check that asks the server only when the connection has something to
    # read (the goodbye of a server that restarted): avustus.ops.postgresql.
    config["ENGINE"] = "avustus.ops.postgresql"
    options = config.setdefault("OPTIONS", {})
    # ?options=... in the URL comes first; ours is added after it (a later -c of the same name wins).
    options["options"] = f"{options['options']} {POSTGRES_OPTIONS}" if options.get("options") else POSTGRES_OPTIONS
    for key, value in PERSISTENT_CONNECTIONS.items():
        config.setdefault(key, value)
    return config


def email_from_url(url: str | None) -> dict:
    """The ``EMAIL_*`` settings for an ``EMAIL_URL``; unset means mail is written to the console."""
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    _scheme("EMAIL_URL", url, EMAIL_SCHEMES)
    try:
        config = environ.Env.email_url_config(url)
    except ValueError as error:
        raise _refuse("EMAIL_URL", url, str(error)) from error
    # django-environ leaves options it does not know in OPTIONS, which Django's mail backends never
    # read: map the ones Django has settings for and refuse the rest rather than ignore them silently.
    for key, value in config.pop("OPTIONS", {}).items():
        setting = EMAIL_QUERY_OPTIONS.get(key.lower())
        if setting is None:
            raise _refuse("EMAIL_URL", url, f"unknown option {key.lower()!r} "
                                            f"(known: {', '.join(sorted(EMAIL_QUERY_OPTIONS))})")
        if setting in ("EMAIL_USE_TLS", "EMAIL_USE_SSL"):  # ?use_tls=false arrives as the string "false"
            value = str(value).strip().lower() in {"1", "true", "yes", "on"}
        config[setting] = value
    if config.get("EMAIL_USE_TLS") and config.get("EMAIL_USE_SSL"):
        raise _refuse("EMAIL_URL", url, "TLS (STARTTLS) and SSL exclude each other: choose smtp+tls:// or smtp+ssl://")
    return {key: value for key, value in config.items() if value not in (None, "")}


def cache_from_url(url: str | None) -> dict:
    """The Django CACHES entry for a ``CACHE_URL``; unset means this process's local memory."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "avustus"}
    scheme = _scheme("CACHE_URL", url, CACHE_SCHEMES)
    # Django's own Redis backend, not the django-redis package django-environ would prefer if installed.
    backend = "django.core.cache.backends.redis.RedisCache" if scheme.startswith("redis") else None
    try:
        return environ.Env.cache_url_config(url, backend=backend)
    except (ValueError, ImproperlyConfigured) as error:
        raise _refuse("CACHE_URL", url, str(error)) from error


SECRET_KEY = _secret_key()
DEBUG = _env_flag("AVUSTUS_DEBUG")
# Links in messages (receipts, letters) point here: mail is read outside any request, so no host is known.
AVUSTUS_SITE_URL = os.environ.get("AVUSTUS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
AVUSTUS_BACKGROUND_EXPORT_FROM = int(os.environ.get("AVUSTUS_BACKGROUND_EXPORT_FROM", "1000"))
# The audit chain (``audit.chain``): sealed by each writer under the head's lock ("1"), or written unsealed and
# sealed by the sequencer ("0"); unset, by the engine (the sequencer on PostgreSQL). And how often one process
# seals after a commit, in seconds (the worker and readers of the chain seal too).
_seal_inline = os.environ.get("AVUSTUS_AUDIT_SEAL_INLINE", "")
AVUSTUS_AUDIT_SEAL_INLINE = None if _seal_inline == "" else _seal_inline == "1"
AVUSTUS_AUDIT_SEAL_INTERVAL = float(os.environ.get("AVUSTUS_AUDIT_SEAL_INTERVAL", "0.25"))
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("AVUSTUS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "csp",
    "avustus.audit",
    "avustus.accounts",
    "avustus.registry",
    "avustus.calls",
    "avustus.applications",
    "avustus.decisions",
    "avustus.evaluation",
    "avustus.projects",
    "avustus.reports",
    "avustus.payments",
    "avustus.changes",
    "avustus.web",
    "avustus.settlement",
    "avustus.ops",
    "django_tasks",
    "django_tasks_db",
    "avustus.messaging",
    "avustus.opendata",
]

# Background work (avustus.messaging): the queue is a table in this database, so a task enqueued in a
# transaction commits or rolls back with it. Django 6 has the same API built in.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "avustus.web.middleware.IgnoreNulCookies",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "avustus.web.middleware.NoStoreUnlessPublic",
    "avustus.web.middleware.DomainErrors",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that the pages they answer with are the screens' own, in the reader's language, and pass out
    # through every header above (no-store, CSP, frame options); nothing above queries with the request's data.
    "avustus.web.middleware.RefuseNulCharacters",
    "avustus.web.middleware.MethodNotAllowedPage",
]

ROOT_URLCONF = "avustus.urls"
WSGI_APPLICATION = "avustus.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL"))}
globals().update(email_from_url(os.environ.get("AVUSTUS_EMAIL_URL") or os.environ.get("EMAIL_URL")))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "avustus.accounts.tokens.EndTokensOnNewPassword"},  # for its password_changed: see there
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Finnish first: the programme is run in Finnish and Swedish, English is a courtesy.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["avustus.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even when it serves from the apps
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR / "files"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve the package's static files straight from the apps so that the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token, apply.js takes it from the form
# Lax, not Strict: the return from Suomi.fi's login is a top-level navigation from another site, and
# its session must come with it. Lax still keeps the cookies off cross-site POSTs.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "avustus.web.views.csrf_failure"  # the expired-form page in the site's layout and language
# A working day at most, and gone when the browser closes (shared computers at municipal offices).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

HTTPS = _env_flag("AVUSTUS_HTTPS", default=not DEBUG and "AVUSTUS_ALLOWED_HOSTS" in os.environ)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("AVUSTUS_HSTS_SECONDS", 365 * 24 * 60 * 60)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if _env_flag("AVUSTUS_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: only this origin's own files, no inline script or style anywhere, and no
# framing. Pages that need more say so per view (the API docs, the rendered decision documents).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

_cache_url = os.environ.get("AVUSTUS_CACHE_URL") or os.environ.get("CACHE_URL")
CACHES = {"default": cache_from_url(_cache_url)}
# Login throttling (avustus.accounts.throttle) counts with Redis INCR when the cache is Redis, else in a
# database row updated in one statement (the database cache's incr is a read then a write: not atomic).
AVUSTUS_THROTTLE_REDIS_URL = _cache_url if _cache_url and urlsplit(_cache_url).scheme.startswith("redis") else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AVUSTUS_LOG_LEVEL", "WARNING")},
}

# OpenID Connect login (Suomi.fi e-Identification), on only when a provider is configured.
# See avustus.accounts.identity. Endpoints default to the paths of the provider's discovery document
# as oidc-provider-mock serves them; give them explicitly for a real provider.
if os.environ.get("AVUSTUS_OIDC_ISSUER"):
    _oidc_issuer = os.environ["AVUSTUS_OIDC_ISSUER"].rstrip("/")
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "avustus.accounts.identity.OIDCBackend",
    ]
    OIDC_RP_CLIENT_ID = os.environ.get("AVUSTUS_OIDC_CLIENT_ID", "")
    OIDC_RP_CLIENT_SECRET = os.environ.get("AVUSTUS_OIDC_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get(
        "AVUSTUS_OIDC_AUTHORIZATION_ENDPOINT", f"{_oidc_issuer}/oauth2/authorize"
    )
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("AVUSTUS_OIDC_TOKEN_ENDPOINT", f"{_oidc_issuer}/oauth2/token")
    OIDC_OP_USER_ENDPOINT = os.environ.get("AVUSTUS_OIDC_USERINFO_ENDPOINT", f"{_oidc_issuer}/userinfo")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("AVUSTUS_OIDC_JWKS_ENDPOINT", f"{_oidc_issuer}/jwks")
    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_SCOPES = os.environ.get("AVUSTUS_OIDC_SCOPES", "openid profile")
    OIDC_USE_PKCE = True
    LOGIN_REDIRECT_URL_FAILURE = "/login/"  # used as is by mozilla-django-oidc, not reversed
