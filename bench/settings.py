"""Settings for the stack ``make bench`` starts: production settings plus baselines.

The baseline views (bench/views.py) are mounted only here, never in production.
The stack sets every variable production needs (DEBUG off) and its own Redis
key prefix and Celery queue, so it shares nothing with other runs.
"""

import os

from campaign.settings import *  # noqa: F403
from campaign.settings import CACHES

ROOT_URLCONF = "bench.urls"
CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_PREFIX"]
# The bench speaks plain HTTP on 127.0.0.1; TLS is the proxy's job in production.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
}
