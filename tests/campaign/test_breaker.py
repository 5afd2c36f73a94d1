import logging

import pytest

from campaign import breaker as breaker_module
from campaign.breaker import CircuitBreaker, CircuitOpen


@pytest.fixture
def clock(monkeypatch):
    """A monotonic clock the test moves by hand."""
    now = [1000.0]
    monkeypatch.setattr(breaker_module.time, "monotonic", lambda: now[0])
    return now


def test_breaker_allows_calls_until_a_failure():
    """Closed: every call goes through; one failure opens it."""
    breaker = CircuitBreaker("svc", reset_seconds=5)
    assert breaker.allow() and breaker.allow()
    breaker.failed(ConnectionError("refused"))
    assert breaker.is_open
    assert not breaker.allow()


def test_breaker_lets_one_trial_through_after_the_pause(clock):
    """After reset_seconds exactly one caller tries; the others keep skipping."""
    breaker = CircuitBreaker("svc", reset_seconds=5)
    breaker.failed(TimeoutError("hung"))
    clock[0] += 4.9
    assert not breaker.allow()
    clock[0] += 0.2
    assert breaker.allow()  # the trial
    assert not breaker.allow()  # others wait for its outcome
    breaker.succeeded()
    assert not breaker.is_open
    assert breaker.allow() and breaker.allow()


def test_a_failed_trial_opens_the_breaker_for_another_pause(clock):
    """A trial that fails starts a new pause from its own failure."""
    breaker = CircuitBreaker("svc", reset_seconds=5)
    breaker.failed(TimeoutError("hung"))
    clock[0] += 6
    assert breaker.allow()
    breaker.failed(TimeoutError("still hung"))
    clock[0] += 4
    assert not breaker.allow()
    clock[0] += 1
    assert breaker.allow()


def test_breaker_logs_once_per_outage_not_per_call(caplog, clock):
    """One warning when it opens and one when the service is back; none between."""
    breaker = CircuitBreaker("Redis cache at x:1/0", reset_seconds=5)
    with caplog.at_level(logging.INFO, logger="campaign.breaker"):
        for _ in range(3):
            breaker.failed(TimeoutError("hung"))
            breaker.allow()
        clock[0] += 6
        assert breaker.allow()
        breaker.succeeded()
        breaker.succeeded()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages
    assert "unavailable" in messages[0] and "Redis cache at x:1/0" in messages[0]
    assert "answers again" in messages[1]


def test_attempt_records_failures_and_raises_circuit_open_while_open():
    """The context manager opens on listed errors and skips the block while open."""
    breaker = CircuitBreaker("svc", reset_seconds=60)
    ran = []
    with pytest.raises(ConnectionError):
        with breaker.attempt((ConnectionError,)):
            raise ConnectionError("refused")
    with pytest.raises(CircuitOpen):
        with breaker.attempt((ConnectionError,)):
            ran.append(True)
    assert ran == []


def test_attempt_ignores_errors_that_are_not_outages(clock):
    """A bug in the caller (not a listed error) neither opens nor blocks a trial."""
    breaker = CircuitBreaker("svc", reset_seconds=5)
    with pytest.raises(KeyError):
        with breaker.attempt((ConnectionError,)):
            raise KeyError("bug")
    assert not breaker.is_open
    breaker.failed(ConnectionError("refused"))
    clock[0] += 6
    with pytest.raises(KeyError):
        with breaker.attempt((ConnectionError,)):
            raise KeyError("bug")  # the trial ends undecided...
    assert breaker.allow()  # ...so the next caller may try


def test_breaker_pause_follows_the_setting(settings, clock):
    """Without an explicit pause the breaker reads REDIS_BREAKER_SECONDS."""
    settings.REDIS_BREAKER_SECONDS = 30
    breaker = CircuitBreaker("svc")
    breaker.failed(ConnectionError("refused"))
    clock[0] += 29
    assert not breaker.allow()
    clock[0] += 2
    assert breaker.allow()
