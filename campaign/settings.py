"""Settings for the campaign site, read from the environment (12-factor).

Without DATABASE_URL, REDIS_URL or EMAIL_URL the site runs on an embedded default: a
SQLite file, a filesystem Celery broker and mail written to the console and to files,
all under ``var/``. With them set, the same code runs on PostgreSQL, Redis and SMTP.
"""

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
    "django.contrib.admin",
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
    "campaign",
    "pages",
    "signatories",
]

MIDDLEWARE = [
    "campaign.middleware.HealthCheckMiddleware",  # answers /healthz without the DB
    "cms.middleware.utils.ApphookReloadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "campaign.middleware.StaffRelaxedCSPMiddleware",
    "cms.middleware.user.CurrentUserMiddleware",
    "cms.middleware.page.CurrentPageMiddleware",
    "cms.middleware.toolbar.ToolbarMiddleware",
    "cms.middleware.language.LanguageCookieMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "campaign",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
else:
    # One development process: a local-memory cache is enough (rate limits included).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

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
PARLER_LANGUAGES = {
    SITE_ID: tuple({"code": code} for code, _n in LANGUAGES),
    # English first, then any other language: a letter written only in Russian
    # still shows its text at /de/ (with a note naming the language shown).
    "default": {"fallbacks": ["en", "ru", "uk", "de"], "hide_untranslated": False},
}
PARLER_DEFAULT_LANGUAGE_CODE = "en"
TEXT_INLINE_EDITING = True

STATIC_URL = "static/"
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = RUN_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(RUN_DIR / "media")))
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
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
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
# A request must not hang on a broker that is down: the outbox sweep catches up later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_RESULT_BACKEND = None  # nobody reads task results
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# An owed email older than this is queued again by the outbox sweep.
OUTBOX_MIN_AGE_SECONDS = env.int("OUTBOX_MIN_AGE_SECONDS", default=120)
CELERY_BEAT_SCHEDULE = {
    "requeue-unsent-confirmations": {
        "task": "signatories.tasks.requeue_unsent_confirmations",
        "schedule": env.int("OUTBOX_SWEEP_SECONDS", default=60),
    },
    "review-digest": {
        "task": "signatories.tasks.send_review_digest",
        "schedule": 24 * 60 * 60,
    },
}

# Signing.
SIGNATURE_TOKEN_TIMEOUT = env.int("SIGNATURE_TOKEN_TIMEOUT", default=7 * 24 * 3600)
# Withdraw links must keep working long after signing.
SIGNATURE_WITHDRAW_TOKEN_TIMEOUT = env.int(
    "SIGNATURE_WITHDRAW_TOKEN_TIMEOUT", default=400 * 24 * 3600
)
SIGNATURE_MAX_EMAILS = 3
EMAIL_RETRY_BACKOFF = env.int("EMAIL_RETRY_BACKOFF", default=30)
EMAIL_MAX_RETRIES = env.int("EMAIL_MAX_RETRIES", default=6)
SIGNATURE_RATE_IP = env("SIGNATURE_RATE_IP", default="10/h")
SIGNATURE_RATE_EMAIL = env("SIGNATURE_RATE_EMAIL", default="5/h")
RATELIMIT_USE_CACHE = "default"
# Behind a proxy, name the header it sets (HTTP_X_FORWARDED_FOR); its last hop wins.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="REMOTE_ADDR")
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4000 * 4000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

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
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}
