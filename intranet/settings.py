"""The one settings module of the portal: every value that differs between machines comes
from the environment (see the configuration table in README.md)."""

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from intranet.sso import modes as sso_modes

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG", False)

# Management commands that only read or write files and never sign anything a browser
# sees; they may run without the production secret (e.g. in a build step or a hook).
COMMANDS_WITHOUT_SECRET = {
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "makemessages",
    "compilemessages",
    "collectstatic",
}

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        # Only for local development; a DEBUG instance is never exposed.
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
    elif (
        Path(sys.argv[0]).name == "manage.py"
        and len(sys.argv) > 1
        and sys.argv[1] in COMMANDS_WITHOUT_SECRET
    ):
        SECRET_KEY = secrets.token_urlsafe(50)  # thrown away when the command ends
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY fehlt: ohne DEBUG muss SECRET_KEY gesetzt sein (siehe README.md)."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "intranet",
    "intranet.sso",
    "directory",
    "wiki",
    "chat",
    "daphne",
    "channels",
    "guardian",
    "django.contrib.postgres",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "intranet.apps.PortalUsersAppConfig",  # wagtail.users without login times (P1)
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "intranet.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "intranet.middleware.SessionRefreshMiddleware",  # the sliding idle timeout, see there
    "intranet.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "intranet.audit_signals.AdminActorMiddleware",  # who acts in the admin, for the audit (P9)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "intranet.urls"
ASGI_APPLICATION = "intranet.asgi.application"
WSGI_APPLICATION = None

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
                "intranet.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The browser and daphne tests read the test database from a second process,
    # so the SQLite test database lives in a file, not in memory.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-portal.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# A connection pool per process (psycopg_pool, Django's `OPTIONS["pool"]`). Under ASGI,
# Django runs each request's synchronous code in a thread of its own, so persistent
# connections (CONN_MAX_AGE) pile up, one per thread, until PostgreSQL refuses more; a
# pool lends each request and each chat frame a connection and takes it back at the end.
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 0)
if IS_POSTGRES and DATABASE_POOL_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool replaces persistent connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DATABASE_POOL_SIZE),
        "max_size": DATABASE_POOL_SIZE,
        # How long a request waits for a free connection; during an outage, how long until
        # it gives up (so /healthz answers 503 within a proxy's health-check timeout).
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
    }  # conn_health_checks above makes Django check each connection before lending it
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ----------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    from redis.asyncio.retry import Retry as AsyncRetry
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.retry import Retry

    # bench/chat_fanout.py measures both channels_redis layers (docs/chat-protocol.md).
    CHANNEL_LAYER_BACKENDS = {
        "core": "channels_redis.core.RedisChannelLayer",
        "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
    }
    # pubsub: one PUBLISH per group message and no per-channel queues to drain; it measured
    # faster in the fan-out (bench/chat_fanout.py). Delivery is at most once either way;
    # the chat repairs gaps from the database (docs/chat-protocol.md).
    CHANNEL_LAYER_KIND = os.environ.get("CHANNEL_LAYER", "pubsub")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": CHANNEL_LAYER_BACKENDS[CHANNEL_LAYER_KIND],
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py 8 reads with a 5 s socket timeout by default, which kills
                        # the core layer's blocking BZPOPMIN (also 5 s) and with it every idle
                        # WebSocket (django/channels_redis#422). Wait a little longer instead.
                        "socket_timeout": 10,
                        # After a Redis restart the pooled connections are dead; reconnect
                        # instead of failing the next handshake.
                        "retry": AsyncRetry(ExponentialBackoff(cap=1, base=0.05), 3),
                        "retry_on_error": [RedisConnectionError],
                    }
                ],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "portal"),
                **({"capacity": 1500, "expiry": 60} if CHANNEL_LAYER_KIND == "core" else {}),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {
                "retry": Retry(ExponentialBackoff(cap=1, base=0.05), 3),
                "retry_on_error": [RedisConnectionError],
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Rate limits (S5), all through intranet/ratelimit.py; the README lists them --------
# The directory-paging budget per person: search requests, unit pages and the org chart
# count together, per minute and per hour.
DIRECTORY_SEARCH_PER_MINUTE = env_int("DIRECTORY_SEARCH_PER_MINUTE", 60)
DIRECTORY_PAGES_PER_HOUR = env_int("DIRECTORY_PAGES_PER_HOUR", 600)
# Password logins: failed attempts per login name and per client address in a window;
# a login name over its limit is locked for LOGIN_LOCKOUT_SECONDS (its owner can lift it).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Chat: cross-office rooms one person may create per day, invitations (people or Ämter)
# per hour. Sending: CHAT_SEND_RATE below.
CHAT_ROOMS_PER_DAY = env_int("CHAT_ROOMS_PER_DAY", 10)
CHAT_INVITES_PER_HOUR = env_int("CHAT_INVITES_PER_HOUR", 200)

# --- Authentication and sessions -------------------------------------------------------
# How staff sign in (docs/authentication.md): "local" (the embedded default with the demo
# logins), "oidc" (the city's OpenID provider: Keycloak, ADFS, Entra ID) or "ldap" (a bind
# against AD/OpenLDAP). With oidc or ldap a local password counts only for the accounts in
# PORTAL_BREAK_GLASS_ACCOUNTS.
PORTAL_AUTH_MODE = os.environ.get("PORTAL_AUTH_MODE", sso_modes.LOCAL).strip().lower()
if PORTAL_AUTH_MODE not in sso_modes.MODES:
    raise ImproperlyConfigured(
        f"PORTAL_AUTH_MODE={PORTAL_AUTH_MODE!r}: erlaubt sind {', '.join(sso_modes.MODES)}."
    )
PORTAL_BREAK_GLASS_ACCOUNTS = env_list("PORTAL_BREAK_GLASS_ACCOUNTS")
AUTHENTICATION_BACKENDS = sso_modes.backends_for(PORTAL_AUTH_MODE)
# Who gets the daily report of city accounts that were disabled or removed (sso_accounts_check).
PORTAL_ACCOUNTS_REPORT_EMAIL = env_list("PORTAL_ACCOUNTS_REPORT_EMAIL")

# OpenID Connect (mozilla-django-oidc; the endpoints come from the discovery document).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile email")
OIDC_PERSONNEL_NUMBER_CLAIM = os.environ.get("OIDC_PERSONNEL_NUMBER_CLAIM", "personnel_number")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the id_token_hint for RP-initiated logout
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_VERIFY_SSL = os.environ.get("OIDC_CA_BUNDLE") or env_bool("OIDC_VERIFY_SSL", True)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_oidc_callback"
OIDC_OP_LOGOUT_URL_METHOD = "intranet.sso.oidc.provider_logout_url"
OIDC_REDIRECT_REQUIRE_HTTPS = not DEBUG and env_bool("SECURE_COOKIES", True)
LOGIN_REDIRECT_URL_FAILURE = "login"
# The lifecycle job asks Keycloak's admin API in OIDC mode (a client with "view-users").
OIDC_ADMIN_CLIENT_ID = os.environ.get("OIDC_ADMIN_CLIENT_ID", "")
OIDC_ADMIN_CLIENT_SECRET = os.environ.get("OIDC_ADMIN_CLIENT_SECRET", "")

# LDAP / Active Directory (django-auth-ldap, installed with the "ldap" extra). Also used by
# the lifecycle job in OIDC mode when LDAP_SERVER_URI is set (Keycloak federating AD).
if PORTAL_AUTH_MODE == sso_modes.LDAP or os.environ.get("LDAP_SERVER_URI"):
    from intranet.sso.ldap_auth import ldap_settings

    globals().update(
        ldap_settings(
            server_uri=os.environ.get("LDAP_SERVER_URI", ""),
            user_base=os.environ.get("LDAP_USER_BASE", ""),
            bind_dn=os.environ.get("LDAP_BIND_DN", ""),
            bind_password=os.environ.get("LDAP_BIND_PASSWORD", ""),
            flavour=os.environ.get("LDAP_FLAVOUR", "ad"),
            user_filter=os.environ.get("LDAP_USER_FILTER", ""),
            personnel_number_attribute=os.environ.get("LDAP_PERSONNEL_NUMBER_ATTRIBUTE", ""),
            start_tls=env_bool("LDAP_START_TLS", False),
            ca_file=os.environ.get("LDAP_CA_FILE", ""),
        )
    )
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user object, every page needs a login
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Idle timeout: the session expires this many seconds after the last request (give or take
# SESSION_REFRESH_SECONDS).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 8 * 60 * 60)
# The idle timeout slides: SessionRefreshMiddleware saves a used session again every
# SESSION_REFRESH_SECONDS instead of on every request (one write less per page view).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 5 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Security (S4): the same in every environment, strict where DEBUG is off ----------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
# TLS ends at the reverse proxy; it tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Usually the proxy redirects http to https; set this where daphne sees plain http.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a decision for the city's domain owners, not for the application.
    "security.W021",
]

# Content-Security-Policy (P10: only our own origin). The Wagtail admin needs inline
# styles and scripts; the portal pages need none.
CSP_PORTAL = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "style-src": "'self'",
    "script-src": "'self'",
    "connect-src": "'self'",
    "media-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
if PORTAL_AUTH_MODE == sso_modes.OIDC and OIDC_ISSUER:
    # "Abmelden" posts to the portal, which redirects to the provider's end-session
    # endpoint (RP-initiated logout); browsers hold that redirect to form-action too.
    _issuer = urlsplit(OIDC_ISSUER)
    CSP_PORTAL["form-action"] += f" {_issuer.scheme}://{_issuer.netloc}"
CSP_ADMIN = {
    **CSP_PORTAL,
    "style-src": "'self' 'unsafe-inline'",
    "script-src": "'self' 'unsafe-inline'",
    "frame-src": "'self'",
    "frame-ancestors": "'self'",
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("de", "Deutsch"), ("en", "English")]

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    (
        "kern-themes",
        BASE_DIR / "node_modules" / "@kern-ux" / "native" / "src" / "scss" / "themes" / "examples",
    ),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# --- Wagtail ----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Mitarbeiterportal"
WAGTAILADMIN_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": (
            "wagtail.search.backends.database.postgres.postgres"
            if IS_POSTGRES
            else "wagtail.search.backends.database"
        ),
        **({"SEARCH_CONFIG": "german"} if IS_POSTGRES else {}),
    }
}
WAGTAIL_ENABLE_UPDATE_CHECK = False  # P10: no calls to third parties
WAGTAIL_USAGE_COUNT_ENABLED = False
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILEMBEDS_FINDERS = []  # P10: no oEmbed providers on the internet
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # P10: no avatars from gravatar.com
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "csv"]
WAGTAILDOCS_EXTENSIONS += ["mp4", "webm", "vtt"]  # the wiki's own videos and their captions
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# S6: documents are always downloaded as attachments (never rendered inline) and limited in size.
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_MAX_UPLOAD_SIZE = 100 * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "wiki.forms.PortalDocumentForm"
# Pages are restricted to Ämter (groups); shared passwords would bypass the directory.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"password": False}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Logging: no per-person access logs (P1) --------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # daphne's access log (client address and path of every request) is not a logger but a
    # stream its command line opens unless started with `-v 0`: every command that starts
    # daphne (Makefile, bench/cluster.py, README) passes it.
    "loggers": {"django.server": {"level": "ERROR"}},
}

# --- Chat ---------------------------------------------------------------------------------
# P7: messages older than this are purged (`manage.py purge_chat`); rooms may set their own.
CHAT_RETENTION_DAYS = env_int("CHAT_RETENTION_DAYS", 180)
# A client missing more than this many events in a room reloads it instead of a replay.
CHAT_REPLAY_LIMIT = env_int("CHAT_REPLAY_LIMIT", 200)
# S5: messages (new and edits) one person may send per window of seconds.
CHAT_SEND_RATE = env_int("CHAT_SEND_RATE", 30)
CHAT_SEND_RATE_WINDOW = env_int("CHAT_SEND_RATE_WINDOW", 30)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mitarbeiterportal@stadt.example")
