from importlib import import_module

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from signatories.ratelimits import signing_rate_limited
from tests.factories import LetterFactory
from tests.faults.servers import RedisServer


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


def resilient(location: str, **options):
    from campaign.resilient_cache import ResilientRedisCache

    return ResilientRedisCache(location, {"OPTIONS": options})


def test_cache_answers_misses_while_redis_is_down(cache_down):
    """Refused connections: reads miss, writes are no-ops, nothing raises."""
    cache = caches["default"]
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert not cache.set("k", 1)
    assert not cache.add("k", 1)
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert not cache.delete("k")
    cache.delete_many(["a", "b"])
    cache.clear()
    assert cache.delete_pattern("*") == 0
    assert cache.get_or_set("k", lambda: "computed", 60) == "computed"
    assert not cache.touch("k")
    with pytest.raises(ValueError):
        cache.incr("counter")
    assert not cache.is_available()


def test_hung_redis_costs_one_timeout_then_the_breaker_skips_it(silent_redis):
    """A server that never answers is asked once; later calls miss without trying."""
    cache = resilient(silent_redis.url, SOCKET_CONNECT_TIMEOUT=0.1, SOCKET_TIMEOUT=0.1)
    assert cache.get("k", "miss") == "miss"  # waited one socket timeout
    tried = silent_redis.accepted
    assert tried >= 1
    for _ in range(20):
        assert cache.get("k", "miss") == "miss"
        cache.set("k", 1)
    assert silent_redis.accepted == tried
    assert cache.breaker.is_open


def test_cache_uses_redis_again_once_it_returns(settings, redis_server):
    """After the pause the breaker tries Redis again, and values are kept again."""
    settings.REDIS_BREAKER_SECONDS = 0
    cache = resilient(redis_server.url, SOCKET_CONNECT_TIMEOUT=0.5, SOCKET_TIMEOUT=0.5)
    assert cache.set("k", "before")
    redis_server.kill()
    assert cache.get("k", "miss") == "miss"
    assert cache.breaker.is_open
    redis_server.start()  # same port, empty
    assert cache.set("k", "after")
    assert cache.get("k") == "after"
    assert not cache.breaker.is_open


def test_caches_on_one_redis_share_one_breaker(cache_down):
    """Every alias and thread on the same server shares the per-process breaker."""
    caches["default"].get("k")
    assert caches["ratelimit"].breaker is caches["default"].breaker
    assert caches["ratelimit"].breaker.is_open


def test_breaker_name_keeps_the_redis_password_out_of_logs():
    """The breaker (and so the log line) names host, port and db only."""
    cache = resilient("redis://:s3cret@redis.internal:6380/2")
    assert cache.breaker.name == "Redis cache at redis.internal:6380/2"


def rate_limited(ip: str) -> bool:
    return signing_rate_limited(RequestFactory().post("/", REMOTE_ADDR=ip))


@pytest.mark.django_db
def test_rate_limits_hold_per_process_while_redis_is_down(settings, cache_down):
    """The limiter counts in a local store: the same limit, not 429 for everyone."""
    settings.SIGNATURE_RATE_IP = "2/h"
    assert [rate_limited("10.0.0.9") for _ in range(3)] == [False, False, True]
    assert rate_limited("10.0.0.10") is False
    assert caches["ratelimit"].breaker.is_open


@pytest.mark.django_db
def test_a_cache_that_only_misses_would_limit_everyone(settings, cache_down):
    """Why the limiter has its own store: on plain misses django-ratelimit fails
    closed, answering "limited" to the first request of anyone."""
    settings.RATELIMIT_USE_CACHE = "default"
    settings.SIGNATURE_RATE_IP = "2/h"
    assert rate_limited("10.0.0.11") is True


@pytest.mark.django_db
def test_rate_limits_count_in_redis_again_once_it_returns(settings, redis_server):
    """Back on Redis, counts are shared again (the local tally is not carried over)."""
    settings.REDIS_BREAKER_SECONDS = 0
    settings.SIGNATURE_RATE_IP = "2/h"
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "campaign.resilient_cache.LocalFallbackRedisCache",
            "LOCATION": redis_server.url,
        },
    }
    redis_server.kill()
    assert rate_limited("10.0.0.12") is False  # counted locally
    redis_server.start()
    assert [rate_limited("10.0.0.12") for _ in range(3)] == [False, False, True]
    assert redis_server_keys(redis_server)


def redis_server_keys(server) -> list:
    from redis import Redis

    return Redis.from_url(server.url).keys("*rl:*")


@pytest.mark.django_db
def test_sessions_survive_a_redis_outage(settings, cache_down):
    """Sessions live in the database: a session saved with the cache down loads."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["signatories-confirm-1"] = "token"
    store.save()
    again = import_module(settings.SESSION_ENGINE).SessionStore(store.session_key)
    assert again["signatories-confirm-1"] == "token"


@pytest.mark.django_db
def test_letter_page_and_cms_pages_render_with_the_cache_down(
    client, letters_page, cache_down
):
    """The CMS placeholder cache and the letter page's cached reads miss quietly."""
    letter = LetterFactory(slug="cache-down")
    for _ in range(2):  # the second render would read the CMS caches
        assert client.get("/en/").status_code == 200
        assert client.get(f"/en/letters/{letter.slug}/").status_code == 200
        assert client.get(f"/en/sign/{letter.slug}/").status_code == 200
        assert client.get(f"/api/letters/{letter.slug}/").status_code == 200


@pytest.mark.django_db
def test_signing_limits_are_counted_in_one_round_trip(
    settings, redis_server, monkeypatch
):
    """Both limits of a sign-up (address and email) are one pipelined round trip,
    on django-ratelimit's own keys and windows (its get_usage reads the same count)."""
    from django_ratelimit.core import get_usage
    from redis.connection import AbstractConnection

    from signatories.ratelimits import _email_key, _ip_key

    settings.SIGNATURE_RATE_IP = "3/h"
    settings.SIGNATURE_RATE_EMAIL = "2/h"
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "campaign.resilient_cache.LocalFallbackRedisCache",
            "LOCATION": redis_server.url,
        },
    }
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.20")
    assert not signing_rate_limited(request, email="a@kestrel.example")  # connects
    sent = []
    original = AbstractConnection.send_packed_command

    def counting(self, command, *args, **kwargs):
        sent.append(command)
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    assert signing_rate_limited(request, email="a@kestrel.example") is False
    assert len(sent) == 1
    assert signing_rate_limited(request, email="a@kestrel.example") is True  # email
    for group, key, rate in (
        ("sign-ip", _ip_key(request), "3/h"),
        ("sign-email", _email_key("a@kestrel.example"), "2/h"),
    ):
        usage = get_usage(
            request, group=group, key=lambda _g, _r, key=key: key, rate=rate
        )
        assert usage["count"] == 3, group
    assert signing_rate_limited(request) is True  # the address's fourth
