"""Cache backends on Redis that degrade instead of failing the request.

``ResilientRedisCache`` (the default cache): with Redis down or hung, reads are
misses (``get`` returns the default, ``get_or_set`` computes), writes and deletes
do nothing, and nothing raises. Short socket timeouts (``REDIS_SOCKET_TIMEOUT``)
bound one call, and a per-process circuit breaker (``campaign.breaker``) stops
trying Redis for ``REDIS_BREAKER_SECONDS`` after a failure, so a hung server costs
one timeout per process per period, not one per request.

``LocalFallbackRedisCache`` (the rate-limit store): the same, except that while
Redis is unavailable it keeps its keys in a per-process local-memory store
instead of dropping them. django-ratelimit counts with ``add``/``incr``; on a
plain miss-cache those fail and it answers "limited" to everyone, so the limits
hold per process instead (the same rates, counted by each process alone).
"""

from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

from .breaker import CircuitBreaker, breaker_for

# What "Redis did not do it" looks like from django-redis (it re-raises the cause of
# its ConnectionInterrupted): connection refused or reset, timeouts, and server-side
# refusals (loading, OOM, read-only replica).
REDIS_ERRORS = (RedisError, OSError)
MISSING = object()  # the operation's "miss" is Django's ValueError for a missing key


def redis_label(url: str) -> str:
    """Name a Redis server for logs and breakers without its password."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or ''}"


class ResilientRedisCache(RedisCache):
    """django-redis with cache misses instead of errors while Redis is away."""

    @property
    def breaker(self) -> CircuitBreaker:
        # Keyed by server: every alias and thread using this Redis shares it.
        servers = self._server if isinstance(self._server, list) else [self._server]
        return breaker_for(f"Redis cache at {redis_label(servers[0])}")

    def _guarded(self, name: str, miss: Any, *args, **kwargs) -> Any:
        """Call django-redis's ``name`` unless the breaker is open; else degrade."""
        breaker = self.breaker
        if not breaker.allow():
            return self._degraded(name, miss, args, kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except REDIS_ERRORS as exc:
            breaker.failed(exc)
            return self._degraded(name, miss, args, kwargs)
        except BaseException:
            breaker.release()
            raise
        breaker.succeeded()
        return result

    def _degraded(self, name: str, miss: Any, args: tuple, kwargs: dict) -> Any:
        """What ``name`` answers while Redis is unavailable: the miss value."""
        if miss is MISSING:
            raise ValueError(f"Key {args[0]!r} not found (cache unavailable)")
        return miss

    def is_available(self) -> bool:
        """Ping Redis (unless the breaker is open); for the health check."""
        breaker = self.breaker
        if not breaker.allow():
            return False
        try:
            self.client.get_client(write=False).ping()
        except REDIS_ERRORS as exc:
            breaker.failed(exc)
            return False
        except BaseException:
            breaker.release()
            raise
        breaker.succeeded()
        return True

    # Django's cache API, each with the answer it gives while Redis is away. The
    # arguments go on by keyword so that the local fallback can take them too.

    def get(self, key, default=None, version=None, client=None):
        return self._guarded(
            "get", default, key, default=default, version=version, client=client
        )

    def get_many(self, keys, version=None, client=None):
        return self._guarded("get_many", {}, keys, version=version, client=client)

    def has_key(self, key, version=None, client=None):
        return self._guarded("has_key", False, key, version=version, client=client)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None, **kw):
        return self._guarded(
            "set", False, key, value, timeout, version=version, client=client, **kw
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        return self._guarded(
            "add", False, key, value, timeout, version=version, client=client
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        return self._guarded(
            "set_many", list(data), data, timeout, version=version, client=client
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None, client=None):
        return self._guarded(
            "touch", False, key, timeout, version=version, client=client
        )

    def incr(self, key, delta=1, version=None, client=None, **kw):
        # A missing key's answer in Django's contract is ValueError.
        return self._guarded(
            "incr", MISSING, key, delta, version=version, client=client, **kw
        )

    def decr(self, key, delta=1, version=None, client=None):
        return self._guarded(
            "decr", MISSING, key, delta, version=version, client=client
        )

    def delete(self, key, version=None, prefix=None, client=None):
        return self._guarded(
            "delete", False, key, version=version, prefix=prefix, client=client
        )

    def delete_many(self, keys, version=None, client=None):
        return self._guarded("delete_many", 0, keys, version=version, client=client)

    def delete_pattern(self, pattern, version=None, prefix=None, client=None, **kw):
        return self._guarded(
            "delete_pattern",
            0,
            pattern,
            version=version,
            prefix=prefix,
            client=client,
            **kw,
        )

    def clear(self):
        return self._guarded("clear", None)


class LocalFallbackRedisCache(ResilientRedisCache):
    """Keep keys in a per-process local store while Redis is unavailable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # LocMemCache shares its store across instances of the same name, so all
        # threads of this process count in one place.
        self._local = LocMemCache(
            f"fallback:{server}",
            {
                key: value
                for key, value in params.items()
                if key in {"TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"}
            }
            | {"OPTIONS": {"MAX_ENTRIES": 100_000}},
        )

    @property
    def local(self) -> LocMemCache:
        return self._local

    def _degraded(self, name: str, miss: Any, args: tuple, kwargs: dict) -> Any:
        local = getattr(self._local, name, None)
        if local is None:  # Redis-only operations (delete_pattern, ...)
            return super()._degraded(name, miss, args, kwargs)
        # Redis-only arguments (which client, nx/xx, itersize) mean nothing here.
        kwargs = {k: v for k, v in kwargs.items() if k in {"default", "version"}}
        return local(*args, **kwargs)

    def clear(self):
        self._local.clear()
        return super().clear()

    def incr_counters(self, counters: list[tuple[str, int]]) -> list[int]:
        """Add one to each ``(key, timeout)`` counter and return the new values.

        A counter that does not exist starts at zero and lives ``timeout`` seconds
        (what django-ratelimit does with ``add`` then ``incr``), all counters in one
        pipelined round trip instead of two per counter. While Redis is away they
        count in the local store, like every other call here.
        """
        breaker = self.breaker
        if breaker.allow():
            try:
                pipe = self.client.get_client(write=True).pipeline(transaction=False)
                for key, timeout in counters:
                    name = self.client.make_key(key)
                    pipe.set(name, 0, ex=timeout, nx=True)
                    pipe.incr(name)
                replies = pipe.execute()
            except REDIS_ERRORS as exc:
                breaker.failed(exc)
            except BaseException:
                breaker.release()
                raise
            else:
                breaker.succeeded()
                return [int(n) for n in replies[1::2]]
        counts = []
        for key, timeout in counters:
            self._local.add(key, 0, timeout)
            counts.append(self._local.incr(key))
        return counts
