"""Operational endpoints: liveness (/healthz) and readiness (/readyz).

Both are cheap and never wait long: the database check is one ``SELECT 1`` (with a
connect timeout), and Redis is asked only when its breaker is closed, with the
short socket timeout (``REDIS_SOCKET_TIMEOUT``).
"""

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .breaker import CircuitOpen
from .celery import PUBLISH_ERRORS, broker_breaker
from .celery import app as celery_app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down" here
        return False


def _cache_ok() -> bool:
    # The local-memory cache of a development run has nothing to be down.
    is_available = getattr(caches["default"], "is_available", None)
    return is_available() if is_available else True


def _broker_ok() -> bool:
    try:
        with broker_breaker(celery_app).attempt(PUBLISH_ERRORS):
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=0)
        return True
    except CircuitOpen:
        return False
    except Exception:  # noqa: BLE001
        return False


def _checks() -> dict[str, bool]:
    return {"database": _database_ok(), "cache": _cache_ok(), "broker": _broker_ok()}


def _body(checks: dict[str, bool]) -> dict[str, str]:
    if not checks["database"]:
        status = "unavailable"  # pages answer 503 until it is back
    elif all(checks.values()):
        status = "ok"
    else:
        status = "degraded"  # Redis is away: pages and signing still work
    return {"status": status, **{k: "ok" if ok else "down" for k, ok in checks.items()}}


@never_cache
@require_GET
def healthz(request):
    """Liveness: 200 while this process answers, naming what is down in JSON.

    A load balancer must not pull a site that still serves: with Redis away the
    pages, the API and signing keep working (degraded), and with the database away
    every instance answers the same clear 503 page, which beats no answer at all.
    """
    return JsonResponse(_body(_checks()))


@never_cache
@require_GET
def readyz(request):
    """Readiness: 503 while the database is down (nothing but the 503 page serves)."""
    checks = _checks()
    return JsonResponse(_body(checks), status=200 if checks["database"] else 503)
