"""Test settings: the production module with test-only choices on top.

``make test`` exports DATABASE_URL and REDIS_URL when PostgreSQL and Redis answer;
without them the tests run on the embedded default (a SQLite file, so that the
Celery worker the integration tests start can share the test database).
"""

import hashlib
import os
import tempfile

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnop"
)
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:25")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault(
    "CAMPAIGN_RUN_DIR", os.path.join(tempfile.gettempdir(), "campaign-test")
)
# Two cores shared by parallel runs: a shared Redis may be slower than production's
# 0.25 s now and then, and a spurious timeout would open the breaker mid-test. The
# fault tests (tests/faults/) set production's short timeouts themselves.
os.environ.setdefault("REDIS_SOCKET_TIMEOUT", "2")

from .settings import *  # noqa: E402,F403
from .settings import (  # noqa: E402
    CACHES,
    DATABASES,
    DELIVERY_PACK_STORAGE,
    RUN_DIR,
    STATIC_ROOT,
)

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "delivery_packs": DELIVERY_PACK_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = RUN_DIR / "media"
WHITENOISE_AUTOREFRESH = True  # serve from the finders; tests never run collectstatic
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(RUN_DIR / "test.sqlite3")}
# The Redis server is shared (with other runs, other checkouts, and CI): a test run
# never flushes it. Each run and each xdist worker keeps its cache keys under a
# prefix of its own, and tests clear only those keys (tests.conftest.cache_clear).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "") or "main"
_run = hashlib.sha256(
    f"{RUN_DIR}|{DATABASES['default'].get('NAME')}".encode()
).hexdigest()[:10]
for _cache in CACHES.values():
    if str(_cache.get("LOCATION", "")).startswith("redis"):
        _cache["KEY_PREFIX"] = f"campaign-test-{_run}-{_worker}"

# Generous limits by default; rate-limit tests set their own.
SIGNATURE_RATE_IP = "1000/h"
SIGNATURE_RATE_EMAIL = "1000/h"
# The suite logs staff in without a one-time password; tests/security/test_staff.py
# turns two-factor login on as production has it.
STAFF_REQUIRE_2FA = False
