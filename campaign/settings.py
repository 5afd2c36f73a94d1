"""Settings for the campaign site, read from the environment (12-factor).

Without DATABASE_URL, REDIS_URL or EMAIL_URL the site runs on an embedded default: a
SQLite file, a filesystem Celery broker and mail written to the console and to files,
all under ``var/``. With them set, the same code runs on PostgreSQL, Redis and SMTP.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

RUN_DIR = Path(env("CAMPAIGN_RUN_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Only a debug (development) run may fall back to a throwaway key.
SECRET_KEY = (
    env("DJANGO_SECRET_KEY", default="insecure-development-key-never-in-production")
    if DEBUG
    else env("DJANGO_SECRET_KEY")
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "djangocms_simple_admin_style",  # must precede django.contrib.admin
    "campaign.apps.StaffAdminConfig",  # django.contrib.admin, two-factor site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "cms",
    "menus",
    "treebeard",
    "sekizai",
    "djangocms_versioning",
    "djangocms_text",
    "parler",
    "django_countries",
    "corsheaders",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",  # its templates and static Swagger UI (served by us, not a CDN)
    "campaign",
    "pages",
    "signatories",
]

MIDDLEWARE = [
    "campaign.middleware.PermissionsPolicyMiddleware",  # on every answer, refusals too
    "campaign.middleware.HealthCheckMiddleware",  # answers /healthz without the DB
    "signatories.api_middleware.ApiProblemMiddleware",  # JSON errors under /api/
    "django.middleware.security.SecurityMiddleware",
    # Hostile input: after SecurityMiddleware, so refusals carry its headers too;
    # before anything that reads the body, the path or the query string.
    "campaign.middleware.RequestBodyLimitMiddleware",  # 413 before a body is read
    "campaign.middleware.RequestSanitiserMiddleware",  # 400 for NUL, bad UTF-8, bodies
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files need no database
    "corsheaders.middleware.CorsMiddleware",
    # 503 while the database is down; before the first middleware that reads it.
    "campaign.outage.DatabaseUnavailableMiddleware",
    "cms.middleware.utils.ApphookReloadMiddleware",  # reads the DB every request
    # Outside sessions: drops Vary: Cookie and the CMS language cookie on anonymous
    # GETs, and answers anonymous letter pages from their kept copy.
    "pages.caching.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campaign.middleware.KeepUnprefixed404Middleware",  # outer: answers with the 404
    "django.middleware.locale.LocaleMiddleware",
    "campaign.middleware.KeepUnprefixed404Middleware",  # inner: keeps the 404
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "campaign.staff.StaffOTPMiddleware",  # unverified staff count as visitors
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "campaign.middleware.StaffRelaxedCSPMiddleware",
    "cms.middleware.user.CurrentUserMiddleware",
    "cms.middleware.page.CurrentPageMiddleware",
    "cms.middleware.toolbar.ToolbarMiddleware",
    "cms.middleware.language.LanguageCookieMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its response
]

ROOT_URLCONF = "campaign.urls"
WSGI_APPLICATION = "campaign.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sekizai.context_processors.sekizai",
                "cms.context_processors.cms_settings",
                "campaign.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{RUN_DIR / 'campaign.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process and the worker read and write the file together.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
            # A deferred transaction that has read cannot take the write lock once
            # another has committed ("database is locked" at once, no waiting).
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # libpq waits forever on a host that does not answer: bound it (seconds, >= 2).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Redis is the cache, the rate-limit store and the broker, and the site must keep
# serving (and signing) without it: one call waits at most this long (connect, then
# read), and after a failure each process leaves Redis alone for the second value
# (see campaign/breaker.py and docs/decisions.md).
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.25)
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=5)
if REDIS_URL:
    _redis_cache = {
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "campaign",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        },
    }
    CACHES = {
        # Misses instead of errors while Redis is away.
        "default": {
            "BACKEND": "campaign.resilient_cache.ResilientRedisCache",
            **_redis_cache,
        },
        # Rate-limit counters: a per-process local store while Redis is away.
        "ratelimit": {
            "BACKEND": "campaign.resilient_cache.LocalFallbackRedisCache",
            **_redis_cache,
        },
    }
    # Our backends are django-redis subclasses: atomic add/incr on Redis.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    # One development process: a local-memory cache is enough (rate limits included).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit",
        },
    }
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# Sessions live in the database (Django's default), never in the cache: a Redis
# outage must not log editors out or lose a confirmation link's token.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Seconds a visitor is asked to wait (Retry-After) while the database is down.
DATABASE_OUTAGE_RETRY_AFTER = env.int("DATABASE_OUTAGE_RETRY_AFTER", default=30)

# Staff logins. Axes throttles password guessing on every login path; it stores a
# keyed hash in place of the client address (campaign.staff.axes_client_ip).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Either criterion locks: one account guessed at, or one client guessing.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "campaign.staff.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no record of successful logins (user agents)
# Two-factor login (django-otp, TOTP) for every staff account outside debug; devices
# are set up with `manage.py staff_otp_reset <username>`.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Open Letters")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# Languages: the letter text is per language; English is the fallback everywhere.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("de", _("German")),
    ("uk", _("Ukrainian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

SITE_ID = 1
CMS_TEMPLATES = [
    ("cms/page.html", _("Page with one content area")),
    ("cms/home.html", _("Home page")),
]
CMS_LANGUAGES = {
    SITE_ID: [
        {
            "code": code,
            "name": name,
            "fallbacks": [c for c, _n in LANGUAGES if c != code],
            "public": True,
            "redirect_on_fallback": False,
            "hide_untranslated": False,
        }
        for code, name in LANGUAGES
    ],
    "default": {"fallbacks": ["en"], "redirect_on_fallback": False, "public": True},
}
CMS_PLACEHOLDER_CONF = {}
# The admin style would otherwise ask a third-party server for new versions from every
# editor's browser: editors may be at risk too.
CMS_ENABLE_UPDATE_CHECK = False
# English first, then any other language: a letter published only in Russian
# still shows its text at /de/ (with a note naming the language shown).
CONTENT_FALLBACK_LANGUAGES = {"default": ["en", "ru", "uk", "de"]}
TEXT_INLINE_EDITING = True

STATIC_URL = "static/"
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = RUN_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(RUN_DIR / "media")))
# Files for staff only (the letters' delivery packs): no URL serves this directory;
# an admin view hands a file to editors who may see it. Web and worker share it.
PRIVATE_ROOT = Path(env("DJANGO_PRIVATE_ROOT", default=str(RUN_DIR / "private")))
DELIVERY_PACK_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_ROOT / "delivery-packs"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "delivery_packs": DELIVERY_PACK_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email. Without EMAIL_URL, a debug run prints mail and keeps a copy under var/mail.
if DEBUG and not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "campaign.mail.ConsoleAndFileBackend"
    EMAIL_FILE_PATH = RUN_DIR / "mail"
else:
    vars().update(env.email_url("EMAIL_URL"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="campaign@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise a broker on the local filesystem.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # A publish after commit must fail fast on a dead or hung broker. The
        # worker's BRPOP reads only when the socket is readable, so it is unaffected.
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
else:
    _broker = RUN_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "out"),
        "data_folder_out": str(_broker / "out"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A request must not wait on a broker that is down or hung: one attempt (redis-py
# reconnects a stale pooled connection by itself), and campaign.celery's breaker
# skips the broker for a while after a failure. The outbox sweep catches up later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_RESULT_BACKEND = None  # nobody reads task results
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A queued email not claimed after this is queued again by the outbox sweep.
OUTBOX_MIN_AGE_SECONDS = env.int("OUTBOX_MIN_AGE_SECONDS", default=120)
# A worker's claim on an email it is sending; longer than a send can take (the task
# time limit), so only a dead worker's claim expires.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
# Owed emails go out through drain tasks (signatories.outbox): while one is queued,
# further owed emails publish nothing. The flag outlives a lost task this long at
# most; 0 publishes a drain for every owed email.
OUTBOX_KICK_SECONDS = env.int("OUTBOX_KICK_SECONDS", default=10 if REDIS_URL else 0)
# Sign-ups read a letter's dates and rules from a per-process copy this old at most
# (pages.selectors.letter_get_for_signing); 0 reads the database every time.
SIGNING_LETTER_SECONDS = env.float("SIGNING_LETTER_SECONDS", default=1.0)
# A drain starts this long after the email that queued it, so a burst of sign-ups
# goes out in full batches rather than one task per email.
OUTBOX_DRAIN_DELAY = env.float("OUTBOX_DRAIN_DELAY", default=0.25)
# The Celery worker lowers its CPU priority by this much (Unix nice) when it starts:
# on a machine it shares with the web processes, readers and signers get the CPU
# first and emails catch up from the outbox (docs/decisions.md). 0 leaves it as is.
CELERY_WORKER_NICE = env.int("CELERY_WORKER_NICE", default=10)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "signatories.tasks.outbox_sweep",
        "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=60),
    },
    "review-digest": {
        "task": "signatories.tasks.send_review_digest",
        "schedule": 24 * 60 * 60,
    },
    "retention-sweep": {
        "task": "signatories.retention.retention_sweep",
        "schedule": env.int("RETENTION_SWEEP_SECONDS", default=60 * 60),
    },
    "newsletter-sweep": {
        "task": "signatories.tasks.newsletter_sweep",
        "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=60),
    },
}

# Signing.
SIGNATURE_TOKEN_TIMEOUT = env.int("SIGNATURE_TOKEN_TIMEOUT", default=7 * 24 * 3600)
# Withdraw links must keep working long after signing.
SIGNATURE_WITHDRAW_TOKEN_TIMEOUT = env.int(
    "SIGNATURE_WITHDRAW_TOKEN_TIMEOUT", default=400 * 24 * 3600
)
SIGNATURE_MAX_EMAILS = 3
# Newsletters: unsubscribe links work this long (every newsletter carries a fresh
# one); recipients' emails are written this many per transaction.
NEWSLETTER_UNSUBSCRIBE_TOKEN_TIMEOUT = env.int(
    "NEWSLETTER_UNSUBSCRIBE_TOKEN_TIMEOUT", default=400 * 24 * 3600
)
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=500)
# Retention: a PENDING signature is erased this long after its last confirm link
# expired; a REJECTED one this many days after the decision.
SIGNATURE_PENDING_RETENTION_MARGIN = env.int(
    "SIGNATURE_PENDING_RETENTION_MARGIN", default=24 * 3600
)
SIGNATURE_REJECTED_RETENTION_DAYS = env.int(
    "SIGNATURE_REJECTED_RETENTION_DAYS", default=30
)
# An offline signature without an email address that no editor approved (or
# rejected) is erased this many days after its import.
SIGNATURE_UNREVIEWED_RETENTION_DAYS = env.int(
    "SIGNATURE_UNREVIEWED_RETENTION_DAYS", default=90
)
# Share images (OpenGraph): a letter's PNG is drawn again each time its public
# count crosses a multiple of this; between steps the image keeps its count.
SHARE_IMAGE_STEP = max(1, env.int("SHARE_IMAGE_STEP", default=10))
# TrueType fonts with Cyrillic for the share images: Debian's fonts-dejavu-core by
# default (the Makefile and the Docker image install it).
SHARE_IMAGE_FONT = env(
    "SHARE_IMAGE_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
SHARE_IMAGE_FONT_BOLD = env(
    "SHARE_IMAGE_FONT_BOLD",
    default="/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
EMAIL_RETRY_BACKOFF = env.int("EMAIL_RETRY_BACKOFF", default=30)
# Owed emails are never abandoned: the delay doubles up to this cap.
EMAIL_RETRY_MAX_BACKOFF = env.int("EMAIL_RETRY_MAX_BACKOFF", default=3600)
SIGNATURE_RATE_IP = env("SIGNATURE_RATE_IP", default="10/h")
SIGNATURE_RATE_EMAIL = env("SIGNATURE_RATE_EMAIL", default="5/h")
# Its own alias: counters fall back to a per-process store while Redis is away
# (django-ratelimit would otherwise answer "limited" to everyone).
RATELIMIT_USE_CACHE = "ratelimit"
# Behind a proxy, name the header it sets (HTTP_X_FORWARDED_FOR) and how many proxies
# append to it: the client is that many entries from the right.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="REMOTE_ADDR")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4000 * 4000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body accepted at all (a sign form with a 2 MB logo fits): larger
# ones get a 413 before anything reads them. Keep the proxy's limit at or above it.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=3 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A delivery record's proof (PDF or photo, pages.uploads): under MAX_REQUEST_BYTES,
# so that a file over it gets a form error, not the 413.
DELIVERY_FILE_MAX_BYTES = env.int("DELIVERY_FILE_MAX_BYTES", default=2 * 1024 * 1024)

# CORS: read-only API endpoints may be embedded by partner sites.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# Security headers. No third-party origins anywhere: readers may be at risk.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": [f"/{code}/admin" for code, _n in LANGUAGES],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}
X_FRAME_OPTIONS = "SAMEORIGIN"  # the CMS toolbar needs same-origin frames
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

SILENCED_SYSTEM_CHECKS = [
    *globals().get("SILENCED_SYSTEM_CHECKS", []),
    "security.W019",  # X_FRAME_OPTIONS=SAMEORIGIN is required by the CMS toolbar
    "treebeard.E001",
]

# Every handler redacts link tokens, addresses and IPs (campaign.logging). Django's
# own "django" and "django.server" handlers would print unfiltered: route them here.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "campaign.logging.RedactingFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes.apps": {"level": "WARNING"},  # no banner on every command
        "weasyprint.progress": {"level": "WARNING"},  # a line per page of a pack
    },
}
