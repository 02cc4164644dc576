"""Settings, read from the environment.

Every value that differs between a laptop and production comes from an
environment variable through one of the small typed helpers below, which fail
loudly (ImproperlyConfigured) on a value they cannot read.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .caches import caches_from

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def role_map(name: str) -> dict[str, str]:
    """ "value=Role;value=Role" -> {value: role}, each role one of organisation/roles.py's."""
    from organisation.roles import ALL_ROLES

    known = {role.casefold(): role for role in ALL_ROLES}
    out: dict[str, str] = {}
    for pair in os.environ.get(name, "").split(";"):
        if not pair.strip():
            continue
        value, equals, role = pair.rpartition("=")
        value, role = value.strip(), known.get(" ".join(role.split()).casefold())
        if not equals or not value or role is None:
            raise ImproperlyConfigured(f"{name}: {pair.strip()!r} is not \"claim value=role\" with a role of "
                                       f"{', '.join(ALL_ROLES)}")
        if value in out:
            raise ImproperlyConfigured(f"{name}: {value!r} is mapped twice")
        out[value] = role
    return out


DEBUG = env_bool("DEBUG", False)

_INSECURE_KEY = "django-insecure-development-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("ALLOW_INSECURE_SECRET_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off "
            "(or set DEBUG=true for local development)."
        )
    SECRET_KEY = _INSECURE_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The council's name, shown in the header and page titles.
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Bristol City Council")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Performance and risk")
# The council in DfE's published data (LAIT): its local authority number and its ONS code.
COUNCIL_LA_NUMBER = os.environ.get("COUNCIL_LA_NUMBER", "801").strip()
if COUNCIL_LA_NUMBER and not re.fullmatch(r"\d{3}", COUNCIL_LA_NUMBER):
    raise ImproperlyConfigured(f"COUNCIL_LA_NUMBER must be a DfE local authority number such as 801, "
                               f"not {COUNCIL_LA_NUMBER!r}")
COUNCIL_ONS_CODE = os.environ.get("COUNCIL_ONS_CODE", "E06000023").strip().upper()
if COUNCIL_ONS_CODE and not re.fullmatch(r"[EWSN]\d{8}", COUNCIL_ONS_CODE):
    raise ImproperlyConfigured(f"COUNCIL_ONS_CODE must be an ONS code such as E06000023, not {COUNCIL_ONS_CODE!r}")

INSTALLED_APPS = [
    "organisation.admin_apps.CouncilAdminConfig",  # django.contrib.admin with the role-based site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "organisation",
    "kpis",
    "risks",
    "placements",
    "programmes",
    "packs",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API documentation page's Swagger UI, served from our own static files
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "organisation.middleware.RefuseNulMiddleware",
    "organisation.clock.ClockMiddleware",
    # The heavy pages read from the replica when there is one (organisation/routing.py).
    "organisation.routing.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LoginRequiredMiddleware, but a save that arrives after the session expired keeps what was typed.
    "organisation.typed_work.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "organisation.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The benchmark reads each response's SQL query count from a header.
if env_bool("QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(0, "organisation.middleware.QueryCountHeaderMiddleware")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses passwords where single sign-on replaces them (organisation/sso.py).
    "organisation.sso.PasswordGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Signs in from the OpenID provider's callback; does nothing unless OIDC_ISSUER is set.
    "organisation.sso.CouncilOIDCBackend",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisation.context_processors.service",
                "organisation.accounts.session_timeout",
            ],
        },
    },
]

# The key of the audit trail's chain (organisation/audit_chain.py): an HMAC key the database never holds.
# Defaults to SECRET_KEY; set it on its own so that rotating SECRET_KEY does not break the chain, and keep it
# (the trail is verified with the key that wrote it).
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "")

# PostgreSQL through psycopg 3. DATABASE_POOL=on gives each app-server process a psycopg connection pool
# (Django's "pool" option) instead of one persistent connection per thread: DATABASE_POOL_MIN_SIZE connections
# kept open, at most DATABASE_POOL_MAX_SIZE, a request waiting at most DATABASE_POOL_TIMEOUT seconds for one.
# Behind PgBouncer in transaction mode, set DB_DISABLE_SERVER_SIDE_CURSORS=on (and leave the pool off: PgBouncer
# is the pool). See README, "Database connections".
DATABASE_POOL = env_bool("DATABASE_POOL", False)
DATABASE_POOL_MIN_SIZE = env_int("DATABASE_POOL_MIN_SIZE", 2)
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 10)
DATABASE_POOL_TIMEOUT = env_int("DATABASE_POOL_TIMEOUT", 10)
if DATABASE_POOL and not 1 <= DATABASE_POOL_MIN_SIZE <= DATABASE_POOL_MAX_SIZE:
    raise ImproperlyConfigured("DATABASE_POOL_MIN_SIZE must be at least 1 and at most DATABASE_POOL_MAX_SIZE")
if DATABASE_POOL and DATABASE_POOL_TIMEOUT < 1:
    raise ImproperlyConfigured("DATABASE_POOL_TIMEOUT must be a whole number of seconds, at least 1")
DB_DISABLE_SERVER_SIDE_CURSORS = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
    if config["ENGINE"] != "django.db.backends.postgresql":
        if DATABASE_POOL:
            raise ImproperlyConfigured("DATABASE_POOL is for PostgreSQL: the database is not PostgreSQL")
        return config
    if DATABASE_POOL:
        # A pooled connection goes back to the pool at the end of each request: no persistent connections.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": DATABASE_POOL_MIN_SIZE, "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": DATABASE_POOL_TIMEOUT}
    if DB_DISABLE_SERVER_SIDE_CURSORS:
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    return config


DATABASES = {"default": _database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A PostgreSQL read replica (streaming replication of the primary): the dashboards, registers, reports
# and their downloads read from it; writes, and a user's reads just after their own write, go to the
# primary (organisation/routing.py). Migrations run on the primary only.
READ_REPLICA = None
if os.environ.get("DATABASE_REPLICA_URL"):
    READ_REPLICA = "replica"
    DATABASES[READ_REPLICA] = _database(os.environ["DATABASE_REPLICA_URL"])
    # Tests never build a database on the replica: it stands for the primary's test database.
    DATABASES[READ_REPLICA]["TEST"] = {"MIRROR": "default"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two saves at once on the zero-set-up database: each write transaction takes SQLite's write lock when it
    # begins (IMMEDIATE), and waits for the other for up to 20 s, instead of failing "database is locked" at
    # its first write inside a read transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DATABASE_ROUTERS = ["organisation.routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one
# username from one address, that pair is locked out for the cool-off period.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Also, after AXES_USERNAME_FAILURE_LIMIT failures for one username from any addresses within the
# cool-off, that username is locked out everywhere (organisation/throttling.py; 0 turns it off). It is
# higher than the per-address limit so that a handful of guesses cannot lock a colleague out.
AXES_HANDLER = "organisation.throttling.SignInThrottle"
AXES_USERNAME_FAILURE_LIMIT = env_int("AXES_USERNAME_FAILURE_LIMIT", 20)
if AXES_USERNAME_FAILURE_LIMIT and AXES_USERNAME_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        f"AXES_USERNAME_FAILURE_LIMIT ({AXES_USERNAME_FAILURE_LIMIT}) must be 0 (off) or at least "
        f"AXES_FAILURE_LIMIT ({AXES_FAILURE_LIMIT})"
    )
# Behind a load balancer, the number of proxies in X-Forwarded-For to trust.
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_int("PROXY_COUNT", 0) else [
    "REMOTE_ADDR"
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with OpenID Connect (organisation/sso.py; README, "Single sign-on"): on when OIDC_ISSUER is
# set. The endpoints and keys come from the issuer's discovery document, fetched when first needed.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = " ".join(os.environ.get("OIDC_SCOPES", "").split()) or "openid profile email"
OIDC_ROLES_CLAIM = os.environ.get("OIDC_ROLES_CLAIM", "").strip() or "roles"
OIDC_AREAS_CLAIM = os.environ.get("OIDC_AREAS_CLAIM", "").strip()
# "claim value=role" pairs separated by ";", read into {claim value: role}.
OIDC_ROLE_MAP = role_map("OIDC_ROLE_MAP")
# Off: no password sign-in or reset (only when SSO is on; README, "Single sign-on").
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)
if OIDC_ISSUER:
    _issuer = urlsplit(OIDC_ISSUER)
    if not (_issuer.scheme == "https" or (_issuer.scheme == "http" and _issuer.hostname in ("localhost", "127.0.0.1"))):
        raise ImproperlyConfigured(f"OIDC_ISSUER must be an https:// address, not {OIDC_ISSUER!r}")
    if not OIDC_CLIENT_ID:
        raise ImproperlyConfigured("OIDC_CLIENT_ID must be set when OIDC_ISSUER is")
    if "openid" not in OIDC_SCOPES.split():
        raise ImproperlyConfigured(f"OIDC_SCOPES must include openid, not {OIDC_SCOPES!r}")
    if not OIDC_ROLE_MAP:
        raise ImproperlyConfigured("OIDC_ROLE_MAP must map at least one claim value to a role when OIDC_ISSUER is set")

# Sessions live in the database so that several app servers can share them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60)  # one hour of inactivity
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Pages warn this many seconds before the session expires and offer "Stay signed in".
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
if not 0 < SESSION_WARNING_SECONDS < SESSION_COOKIE_AGE:
    raise ImproperlyConfigured(
        f"SESSION_WARNING_SECONDS must be more than 0 and less than SESSION_COOKIE_AGE ({SESSION_COOKIE_AGE}), "
        f"not {SESSION_WARNING_SECONDS}"
    )

# Email (password reset links) goes through Django's email backend: printed to the console unless
# EMAIL_BACKEND is smtp (or another backend's dotted path), which reads the EMAIL_* settings below.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = os.environ.get("EMAIL_BACKEND", "").strip() or "console"
if _email_backend not in _EMAIL_BACKENDS and "." not in _email_backend:
    raise ImproperlyConfigured(f"EMAIL_BACKEND must be console, smtp or a dotted path, not {_email_backend!r}")
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_PORT = env_int("EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set only one of EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (port 465)")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds, so that a dead mail server cannot hold a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
# A password reset link works once, for this many seconds.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)

# Running the quarter (organisation/deadlines.py): each deadline is a number of working days after the
# quarter ends (England and Wales bank holidays skipped), the reminder a few working days before it, and
# the escalations to the head of service and the performance officer so many working days after it.
# Any subset of "figures=15,reviews=15,sign_off=25,committee=45,remind_before=3,head_after=3,officer_after=6".
DEADLINE_RULE = os.environ.get("DEADLINE_RULE", "")
# Pins "today" (an ISO date) for a demonstration; "off" ignores the pin load_demo_data sets (organisation/clock.py).
DEMO_TODAY = os.environ.get("DEMO_TODAY", "")
if DEMO_TODAY.strip() and DEMO_TODAY.strip().lower() != "off":
    try:
        __import__("datetime").date.fromisoformat(DEMO_TODAY.strip())
    except ValueError:
        raise ImproperlyConfigured(f'DEMO_TODAY: "{DEMO_TODAY}" is not a date such as 2019-07-29') from None
try:
    from organisation.deadlines import Rule as _DeadlineRule

    _DeadlineRule.from_text(DEADLINE_RULE)
except ValueError as _exc:
    raise ImproperlyConfigured(f"DEADLINE_RULE: {_exc}") from None
# Control assurance labels, strongest first, separated by ";" (risks/assurance.py): the Institute of Internal
# Auditors' usual four by default. At least two, each once; a bad value falls back to the default.
RISK_ASSURANCE_LABELS = os.environ.get("RISK_ASSURANCE_LABELS", "Substantial;Reasonable;Limited;No")
# The address reminder emails link from (their links go straight to the forms).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
GOVUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [BASE_DIR / "static", ("govuk", GOVUK_FRONTEND_DIR)]
# GOV.UK Frontend's compiled CSS looks for its fonts and images under /assets/.
WHITENOISE_ROOT = GOVUK_FRONTEND_DIR
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("SIMPLE_STATIC", False)
            else "organisation.storage.StaticStorage"
        )
    },
}

# Security: safe by default, relaxable for local development only.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): no inline scripts, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Forms that end at the provider (linking an account, signing out of it) need its origin in form-action.
if OIDC_ISSUER:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{urlsplit(OIDC_ISSUER).scheme}://{urlsplit(OIDC_ISSUER).netloc}")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# The read API under /api/v1/ (api/): session or token (header or ?api_key=), GET only, JSON, paged,
# rate-limited per token (or per signed-in user) at API_THROTTLE_RATE ("600/hour"; "off" for none).
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "600/hour").strip()
if API_THROTTLE_RATE.lower() in ("", "off", "none"):
    API_THROTTLE_RATE = None
elif not (API_THROTTLE_RATE.partition("/")[0].isdigit()
          and API_THROTTLE_RATE.partition("/")[2] in ("second", "minute", "hour", "day", "s", "m", "h", "d")):
    raise ImproperlyConfigured(f"API_THROTTLE_RATE must be like 600/hour (or off), not {API_THROTTLE_RATE!r}")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.HeaderTokenAuthentication",  # first: its "Token" challenge makes refusals 401
        "api.authentication.QueryKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Council performance and risk: read API",
    "DESCRIPTION": "Read-only JSON: indicators, targets, benchmarks, figures, risks, controls, internal audit actions, "
                   "placements, programmes and their savings, exactly as the pages show them to the caller. "
                   "Authenticate with the session, the header `Authorization: Token <key>`, or the query parameter "
                   "`api_key`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Uploads: spreadsheets only, and not huge.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Children's placements: the service area whose managers enter the snapshots,
# and the in-house share of placements the council is aiming for (percent).
PLACEMENTS_SERVICE_AREA = os.environ.get("PLACEMENTS_SERVICE_AREA", "Children & Families Services")
PLACEMENTS_TARGET_IN_HOUSE = env_int("PLACEMENTS_TARGET_IN_HOUSE", 80)
# The longest register the PDF download lays out (a committee paper); a longer one is asked for a directorate.
REGISTER_PDF_MAX_RISKS = env_int("REGISTER_PDF_MAX_RISKS", 300)

# The indicator tolerance used when an indicator has none (percent).
DEFAULT_TOLERANCE = 15

# Council-wide summaries on the home page, and the quarterly report and committee
# register downloads, are cached in each process under a key holding the data
# version (organisation/summaries.py), so a committed change anywhere gives a new
# key; entries expire after this many seconds (0: off).
SUMMARY_CACHE_SECONDS = env_int("SUMMARY_CACHE_SECONDS", 300)
# Without CACHE_URL each process keeps its own caches (locmem); with it, every app server shares one Redis
# (redis://host:6379/0), so a summary computed once serves them all (config/caches.py).
CACHES = caches_from(os.environ.get("CACHE_URL", ""), os.environ.get("CACHE_KEY_PREFIX", "council"))

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

DJANGO_TABLES2_TEMPLATE = "includes/govuk_table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
