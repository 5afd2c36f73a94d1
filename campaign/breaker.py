"""A per-process circuit breaker for the services the site can serve without.

Redis (cache, rate-limit store, Celery broker) may be down or hung. Short socket
timeouts bound one call; the breaker bounds how often a process pays them: after a
failure it answers "open" for ``REDIS_BREAKER_SECONDS``, then lets one trial call
through (the others keep skipping until it returns). One breaker per service name
and process, shared by all threads; workers of a pre-forking server each have their
own, which is what we want (no shared state to lose with the service).
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

logger = logging.getLogger(__name__)


class CircuitOpen(Exception):
    """The service failed recently: the call was skipped without trying it."""


class CircuitBreaker:
    """Closed (call), open (skip for a while), then one trial call at a time."""

    def __init__(self, name: str, *, reset_seconds: float | None = None) -> None:
        self.name = name
        self._reset_seconds = reset_seconds
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._trial = False

    @property
    def reset_seconds(self) -> float:
        if self._reset_seconds is not None:
            return self._reset_seconds
        return float(settings.REDIS_BREAKER_SECONDS)

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        """Whether to try the service now (a closed circuit, or the one trial call)."""
        if self._opened_at is None:
            return True
        with self._lock:
            if self._opened_at is None:
                return True
            if self._trial:
                return False
            if time.monotonic() - self._opened_at < self.reset_seconds:
                return False
            self._trial = True
            return True

    def succeeded(self) -> None:
        """The service answered: close the circuit."""
        if self._opened_at is None:
            return  # the common case takes no lock
        with self._lock:
            was_open, self._opened_at, self._trial = self._opened_at, None, False
        if was_open is not None:
            logger.warning("%s answers again; using it again", self.name)

    def failed(self, exc: BaseException) -> None:
        """The service did not answer: open the circuit (logged once per outage)."""
        with self._lock:
            was_closed = self._opened_at is None
            self._opened_at, self._trial = time.monotonic(), False
        if was_closed:
            # One line per outage, not per request; no traceback (it is expected).
            logger.warning(
                "%s unavailable (%s: %s); degrading, next try in %s s",
                self.name,
                type(exc).__name__,
                exc,
                self.reset_seconds,
            )

    def release(self) -> None:
        """End a call that neither proved nor disproved the service."""
        with self._lock:
            self._trial = False

    @contextmanager
    def attempt(self, errors: tuple[type[BaseException], ...]) -> Iterator[None]:
        """Run the block if allowed (else raise CircuitOpen); record how it went."""
        if not self.allow():
            raise CircuitOpen(self.name)
        try:
            yield
        except errors as exc:
            self.failed(exc)
            raise
        except BaseException:
            self.release()
            raise
        self.succeeded()

    def reset(self) -> None:
        """Close the circuit without logging (tests, or an operator's shell)."""
        with self._lock:
            self._opened_at, self._trial = None, False


_breakers: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(name: str) -> CircuitBreaker:
    """The process-wide breaker for ``name`` (created on first use)."""
    breaker = _breakers.get(name)
    if breaker is None:
        with _registry_lock:
            breaker = _breakers.setdefault(name, CircuitBreaker(name))
    return breaker


def reset_breakers() -> None:
    """Close every breaker of this process (tests; an operator's shell)."""
    for breaker in list(_breakers.values()):
        breaker.reset()
