"""Newsroom settings, read from the environment (12-factor).

Development defaults are safe to run locally: SQLite, local-memory cache, console email.
With DEBUG off (production) the settings refuse to load unless SECRET_KEY and ALLOWED_HOSTS
are set. Every variable read here is documented in README.md.
"""

from datetime import timedelta
from pathlib import Path

from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

from newsroom.content_policy import csp_directives, permissions_policy
from newsroom.environment import env

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
# Old keys, newest first, still accepted for signatures and sealed cookies while rotating.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    required = {"SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": ALLOWED_HOSTS}
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise ImproperlyConfigured(
            f"Production mode (DEBUG off) needs {', '.join(missing)} set in the environment. "
            "Set DEBUG=true for local development."
        )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env.str("SITE_NAME", default="The Newsroom")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The editions (newsroom.editions): the languages the site publishes in, the first being the
# default edition, served at today's addresses; every other one under its own prefix (/ar/).
# SITE_LANGUAGE, the single language of older installs, is the default when this is unset.
SITE_LANGUAGES = [
    code.strip().lower()
    for code in env.list("SITE_LANGUAGES", default=[env.str("SITE_LANGUAGE", default="en")])
    if code.strip()
]
_unknown = [code for code in SITE_LANGUAGES if code not in LANG_INFO]
if not SITE_LANGUAGES or _unknown or len(set(SITE_LANGUAGES)) != len(SITE_LANGUAGES):
    raise ImproperlyConfigured(
        "SITE_LANGUAGES must list distinct language codes Django knows (en,ar,fa,ur); "
        f"got {SITE_LANGUAGES!r}."
    )
SITE_LANGUAGE = SITE_LANGUAGES[0]  # the default edition (the older setting's name)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "taggit",
    "simple_history",
    "django_prose_editor",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "articles",
    "comments",
    "newsroom",  # site-wide management commands (backup, restore) and template tags
    "newsroom.twofactor",
]
# Demo content (`manage.py seed_demo`, used by `make run`): on with DEBUG, or DEMO=true to load
# it on a production-mode install; otherwise a production process never imports it.
DEMO = env.bool("DEMO", default=DEBUG)
if DEMO:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "newsroom.middleware.RequestIdMiddleware",
    # Outermost after the request id: they see every answer, whichever layer made it.
    "newsroom.middleware.ErrorCacheControlMiddleware",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    # Before anything resolves a URL: an edition's prefix resolves in its language.
    "newsroom.editions.EditionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses what views send (WhiteNoise, below, serves static files pre-compressed).
    # Public pages hold no CSRF token; Django pads the gzip header against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    # Inside GZip: serves anonymous pages whole from the shared cache, already compressed.
    # Outside the browser policies: a kept page keeps the headers they gave it (public pages
    # use no CSP nonce, so their policy is the same for every reader), and a hit skips them.
    "newsroom.pagecache.PageCacheMiddleware",
    "newsroom.security.PermissionsPolicyMiddleware",
    "newsroom.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsroom.twofactor.middleware.TwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it turns a lockout raised anywhere in the login into its page.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every login attempt before Django's own backend does.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with whether the user's desk is limited to some editions read as they
    # are loaded (articles.desk.editions).
    "articles.desk.editions.EditionsBackend",
    # Sessions signed in before it came keep their backend until they sign in again.
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

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
                "django.template.context_processors.i18n",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file by default; any PostgreSQL URL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": {
        **env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing for a local file.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (also the comment rate-limit counters, so it must be shared by every worker and
# server): Redis when REDIS_URL (or CACHE_URL) is set; otherwise the database cache in
# production (its table is made by `manage.py createcachetable`, which deploy/entrypoint.sh
# and `make run` run after migrate) and local memory only under DEBUG.
REDIS_URL = env.str("REDIS_URL", default="") or env.str("CACHE_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="newsroom")
if REDIS_URL:
    _redis = env.cache_url_config(REDIS_URL)
    CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": _redis["LOCATION"],
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # A dead or unreachable Redis fails in a second instead of holding a worker.
            "OPTIONS": {
                "socket_connect_timeout": 1,
                "socket_timeout": 1,
                **_redis.get("OPTIONS", {}),
            },
        }
    }
elif DEBUG:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsroom_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# Only staff sign in, at the admin: a login with no (or an unsafe) ?next= lands there.
LOGIN_REDIRECT_URL = "admin:index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-gb")
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
# Every edition, named as Django names it (and the staff's language when no edition is in it).
# The staff area speaks LANGUAGE_CODE; a reader page speaks its edition's language
# (newsroom.editions.EditionMiddleware).
LANGUAGES = [(code, LANG_INFO[code]["name"]) for code in SITE_LANGUAGES]
if LANGUAGE_CODE not in SITE_LANGUAGES and LANGUAGE_CODE.split("-")[0] not in SITE_LANGUAGES:
    LANGUAGES.append((LANGUAGE_CODE, LANG_INFO.get(LANGUAGE_CODE, {}).get("name", LANGUAGE_CODE)))
USE_TZ = True
# The reader site's catalogues (locale/<lang>/LC_MESSAGES/django.po, with the .mo committed so
# a new machine needs no gettext tools), and the number formats of the editions that Django's
# own differ from (newsroom/formats; newsroom.l10n).
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["newsroom.formats"]
# The languages whose reader pages write digits in their own script (newsroom.l10n): Persian
# always does, Arabic news mostly does in the Mashriq (set "fa" alone for a Maghreb edition).
NATIVE_DIGITS = env.list("NATIVE_DIGITS", default=["ar", "fa"])
# The languages whose reader pages date stories in the Solar Hijri calendar (newsroom.l10n),
# as the Iranian press does ("۱۲ آذر ۱۴۰۵"); set it empty for Gregorian dates in Persian.
SOLAR_HIJRI_DATES = env.list("SOLAR_HIJRI_DATES", default=["fa"])

# Static files: WhiteNoise serves compressed, fingerprinted files with far-future caching.
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=BASE_DIR / "media"))
# Where `manage.py backup` writes its archives (newsroom.backup).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=BASE_DIR / "backups"))

# Media storage: local MEDIA_ROOT by default; S3-compatible storage through django-storages
# when AWS_STORAGE_BUCKET_NAME is set (credentials and endpoint come from the AWS_* variables
# that django-storages reads itself).
if env.str("AWS_STORAGE_BUCKET_NAME", default=None):
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# Email: console by default; SMTP from EMAIL_URL (smtp://user:pass@host:port, smtps:// for
# implicit TLS, ?tls=1 or smtp+tls:// for STARTTLS: newsroom/environment.py) or from the
# EMAIL_HOST* variables.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _email["EMAIL_HOST"], _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS, EMAIL_USE_SSL = _email["EMAIL_USE_TLS"], _email["EMAIL_USE_SSL"]
elif env.str("EMAIL_HOST", default=None):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST", default=None)
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Background jobs (mail, image renditions, the purge) are rows in the database, run by
# `manage.py db_worker`; `manage.py run_scheduler` enqueues the periodic ones (newsroom.scheduler).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Tags typed on the desk are normalised before taggit looks them up (newsroom/text.py).
TAGGIT_TAGS_FROM_STRING = "newsroom.text.parse_tags"

# Security. Behind a TLS-terminating proxy, X-Forwarded-Proto tells Django the request was
# https. Everything here is a production default; DEBUG relaxes the https-only parts.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Public pages: how long browsers may keep an anonymous response, and shared caches (the
# stack's nginx micro-cache, a CDN: `s-maxage`), which cannot be told when a page changes.
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=60)
SHARED_CACHE_MAX_AGE = env.int("SHARED_CACHE_MAX_AGE", default=1)

# The page cache (newsroom/pagecache.py): anonymous pages kept whole in the shared cache and
# invalidated exactly when what they show changes. It needs a cache every process shares
# (Redis, or the database cache); with local memory (development) it stays off.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_ALIAS = "default"
# Seconds a kept page is served before it is drawn again even if nothing changed.
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=600)
# Seconds a page is kept after that, to be served (marked stale) while the database is down.
PAGE_CACHE_KEEP = env.int("PAGE_CACHE_KEEP", default=3600)
# Longest a reader waits for another server drawing the same page before drawing it too.
PAGE_CACHE_LOCK_SECONDS = env.int("PAGE_CACHE_LOCK_SECONDS", default=5)
# The query parameters reader pages read; any other (utm_source=...) shares the page's entry.
PAGE_CACHE_QUERY_PARAMS = ("page", "p", "q", "comments_page", "replyto")
# Pages kept by another release are never served: by default a release is known by its static
# files' manifest; set this (a version, a commit) to name it yourself.
PAGE_CACHE_RELEASE = env.str("PAGE_CACHE_RELEASE", default="")
PAGE_CACHE_NEVER_PREFIXES = ("/admin/", "/preview/", "/comments/", "/healthz", "/static/")
# Pages each process keeps in its own memory, checked against the shared cache on every hit
# (one small read instead of the whole page); 0 keeps none. About 60 KB per story page.
PAGE_CACHE_LOCAL_PAGES = env.int("PAGE_CACHE_LOCAL_PAGES", default=100)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "newsroom.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # axes announces itself at every start (each management command too); lockouts are
        # logged by axes.handlers and still show.
        "axes.apps": {"level": "WARNING"},
    },
}

# Comments and moderation (comments app; defaults in comments/conf.py, documented in README).
COMMENTS_PREMODERATE = env.bool("COMMENTS_PREMODERATE", default=True)
COMMENTS_TRUST_RETURNING = env.bool("COMMENTS_TRUST_RETURNING", default=True)
COMMENTS_HOLD_LINKS = env.int("COMMENTS_HOLD_LINKS", default=2)
COMMENTS_MODERATION_WORDS = env.list("COMMENTS_MODERATION_WORDS", default=[])
COMMENTS_BLOCKED_WORDS = env.list("COMMENTS_BLOCKED_WORDS", default=[])
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=14)
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", default=3)
COMMENTS_MAX_LENGTH = env.int("COMMENTS_MAX_LENGTH", default=3000)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)
COMMENTS_RATE_LIMIT = env.int("COMMENTS_RATE_LIMIT", default=5)
COMMENTS_MIN_SECONDS = env.int("COMMENTS_MIN_SECONDS", default=3)
COMMENTS_REPORT_THRESHOLD = env.int("COMMENTS_REPORT_THRESHOLD", default=3)
COMMENTS_CLIENT_IP_HEADER = env.str("COMMENTS_CLIENT_IP_HEADER", default="REMOTE_ADDR")
COMMENTS_PROXY_COUNT = env.int("COMMENTS_PROXY_COUNT", default=1)
COMMENTS_NOTIFY = env.str("COMMENTS_NOTIFY", default="immediate")
COMMENTS_NOTIFY_EMAILS = env.list("COMMENTS_NOTIFY_EMAILS", default=[])
COMMENTS_PURGE_DAYS = env.int("COMMENTS_PURGE_DAYS", default=90)
COMMENTS_DIGEST_MINUTES = env.int("COMMENTS_DIGEST_MINUTES", default=60)
if COMMENTS_NOTIFY not in {"immediate", "digest", "off"}:
    raise ImproperlyConfigured("COMMENTS_NOTIFY must be immediate, digest or off.")

# Story desk: revision history of stories (django-simple-history).
# Only roles granted the historical model's permissions see (view) or revert (change) revisions.
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
# Image uploads (articles.images): larger files and pictures with more pixels are refused.
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=15 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
# The story editor (articles.desk.editing): how often an open story's page autosaves its form
# and says it is still open, and how long "being edited by" lasts after its last word.
DESK_AUTOSAVE_SECONDS = env.int("DESK_AUTOSAVE_SECONDS", default=30)
DESK_HEARTBEAT_SECONDS = env.int("DESK_HEARTBEAT_SECONDS", default=60)
DESK_LOCK_SECONDS = env.int("DESK_LOCK_SECONDS", default=300)
if DESK_AUTOSAVE_SECONDS < 1 or not 0 < DESK_HEARTBEAT_SECONDS < DESK_LOCK_SECONDS:
    raise ImproperlyConfigured(
        "DESK_AUTOSAVE_SECONDS must be at least 1, and DESK_HEARTBEAT_SECONDS above 0 and "
        "below DESK_LOCK_SECONDS."
    )

# The front door: login throttling, two-factor login for staff, Content-Security-Policy.
# Login throttling (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address lock that pair out for LOGIN_COOLOFF_MINUTES. The address is the one our proxy saw,
# taken as the comments app takes it (COMMENTS_CLIENT_IP_HEADER, COMMENTS_PROXY_COUNT).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "newsroom.security.login_client_ip"
AXES_LOCKOUT_CALLABLE = "newsroom.security.lockout_response"
AXES_RESET_ON_SUCCESS = True

# Two-factor login (django-otp): required for staff who can publish or moderate, and for
# superusers. Off by default while DEBUG is on, so `make run` demo logins stay one step.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME

# Content-Security-Policy (django-csp) and Permissions-Policy (newsroom/content_policy.py).
# CSP_REPORT_ONLY=true sends the same policy as Content-Security-Policy-Report-Only (nothing is
# blocked, violations are reported to CSP_REPORT_URI when set) to try a change out first.
_csp_policy = {
    "DIRECTIVES": csp_directives(
        MEDIA_URL,
        DEFAULT_STORAGE,
        extra_img_origins=env.list("CSP_IMG_ORIGINS", default=[]),
        report_uri=env.str("CSP_REPORT_URI", default=None),
    )
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = None, _csp_policy
else:
    CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp_policy, None
PERMISSIONS_POLICY = permissions_policy()
