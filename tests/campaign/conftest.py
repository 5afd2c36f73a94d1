import pytest
from django.db import connection
from django.utils import translation

from campaign.celery import app as celery_app


@pytest.fixture(autouse=True)
def _default_language():
    """Start in English: a request in another test leaves its language active."""
    with translation.override("en"):
        yield


@pytest.fixture
def broker_down():
    """Point the Celery app at a port where nothing listens, then restore it."""
    good = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app._pool = None  # connection_for_write() reuses pooled connections
    yield
    celery_app.conf.broker_url = good
    celery_app._pool = None


@pytest.fixture
def database_down(django_db_blocker):
    """Make the default connection point at a database that cannot be opened.

    Used without the ``db`` fixture, so no test transaction is held open on the
    real connection while it is closed and swapped.
    """
    good = connection.settings_dict
    bad = dict(good)
    if good["ENGINE"].endswith("sqlite3"):
        bad["NAME"] = "/nonexistent/campaign/db.sqlite3"
    else:
        bad["HOST"], bad["PORT"] = "127.0.0.1", "1"
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict = bad
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict = good


@pytest.fixture
def cache_down(settings):
    """Point both caches (default and rate limits) at a port where nothing listens."""
    from tests.live import free_port

    location = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "campaign.resilient_cache.ResilientRedisCache",
            "LOCATION": location,
        },
        "ratelimit": {
            "BACKEND": "campaign.resilient_cache.LocalFallbackRedisCache",
            "LOCATION": location,
        },
    }
    return location


@pytest.fixture
def silent_redis():
    """A listener that accepts and never answers: Redis hung (SIGSTOP) in effect."""
    from tests.faults.servers import SilentServer

    server = SilentServer()
    yield server
    server.close()
