"""Redis (cache, rate-limit store and broker) killed, then hung, during a burst of
reading and signing; then back, with a real worker delivering what is owed.

Our own redis-server on a free port, stopped and hung by its PID only.
"""

import json
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from campaign.celery import app as celery_app
from signatories.models import Signature
from tests.factories import LetterFactory
from tests.faults.servers import RedisServer
from tests.live import set_broker_url

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("faults")]

SOCKET_TIMEOUT = 0.25  # production's default
BREAKER_SECONDS = 1  # short, so that trials against the dead server happen too
# A hang detector, not a speed claim: the time a request spends waiting (off the
# CPU). Without timeouts and the breaker a hung Redis held a request for 2 s per
# cache call, and a publish without a bound forever.
HANG_BOUND = 1.5


@dataclass
class Burst:
    letter_slug: str
    sequence: int = 0
    requests: list = field(default_factory=list)  # (phase, kind, status, waited s)
    accepted: dict = field(default_factory=dict)  # email -> phase

    def timed(self, phase, kind, call):
        # Waiting, not working: wall time minus this thread's CPU time, so that a
        # busy machine (two cores shared by parallel runs) is not taken for a hang.
        started, cpu = time.monotonic(), time.thread_time()
        response = call()
        waited = (time.monotonic() - started) - (time.thread_time() - cpu)
        self.requests.append((phase, kind, response.status_code, round(waited, 3)))
        return response

    def round(self, client, phase: str) -> None:
        slug = self.letter_slug
        self.timed(phase, "letter page", lambda: client.get(f"/en/letters/{slug}/"))
        self.timed(phase, "sign form", lambda: client.get(f"/en/sign/{slug}/"))
        self.timed(phase, "api letter", lambda: client.get(f"/api/letters/{slug}/"))
        self.timed(
            phase,
            "api signatories",
            lambda: client.get(f"/api/letters/{slug}/signatories/"),
        )
        self.sequence += 1
        email = f"form-{self.sequence}@outage.example"
        form = self.timed(
            phase,
            "sign (form)",
            lambda: client.post(f"/en/sign/{slug}/", form_data(email)),
        )
        if form.status_code == 302:
            self.accepted[email] = phase
        email = f"api-{self.sequence}@outage.example"
        api = self.timed(
            phase,
            "sign (api)",
            lambda: client.post(
                f"/api/letters/{slug}/signatures/",
                data=json.dumps(api_data(email)),
                content_type="application/json",
            ),
        )
        if api.status_code == 202:
            self.accepted[email] = phase


def form_data(email: str) -> dict:
    return {
        "organisation": "Kestrel Rights Alliance",
        "website": "https://kestrel.example",
        "country": "UA",
        "organisation_type": "ngo",
        "contact_name": "Olena Contact",
        "contact_role": "Director",
        "contact_email": email,
        "is_public": "on",
        "consent": "on",
    }


def api_data(email: str) -> dict:
    return {
        "organisation": "Kestrel Rights Alliance",
        "website": "https://kestrel.example",
        "country": "UA",
        "organisation_type": "ngo",
        "contact_name": "Olena",
        "contact_email": email,
        "is_public": True,
        "consent": True,
    }


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def on_our_redis(settings, redis_server):
    """Cache, rate-limit store and broker of this process on our own Redis, with
    production's short socket timeouts."""
    options = {
        "SOCKET_CONNECT_TIMEOUT": SOCKET_TIMEOUT,
        "SOCKET_TIMEOUT": SOCKET_TIMEOUT,
    }
    settings.CACHES = {
        alias: {
            "BACKEND": f"campaign.resilient_cache.{backend}",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "fault",
            "OPTIONS": options,
        }
        for alias, backend in (
            ("default", "ResilientRedisCache"),
            ("ratelimit", "LocalFallbackRedisCache"),
        )
    }
    settings.REDIS_BREAKER_SECONDS = BREAKER_SECONDS
    good_url = celery_app.conf.broker_url
    good_options = celery_app.conf.broker_transport_options
    celery_app.conf.broker_transport_options = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": SOCKET_TIMEOUT,
        "socket_timeout": SOCKET_TIMEOUT,
    }
    set_broker_url(redis_server.url)
    yield redis_server
    celery_app.conf.broker_transport_options = good_options
    set_broker_url(good_url)


def test_reading_and_signing_survive_redis_killed_and_hung(
    client, letters_page, start_worker, smtp_sink, on_our_redis
):
    """No 500 and no wait beyond a fraction of a second while Redis is killed or
    hung; every accepted signature is stored, and emailed exactly once after."""
    redis = on_our_redis
    letter = LetterFactory(slug="redis-outage")
    burst = Burst(letter_slug=letter.slug)

    burst.round(client, "up")
    # The first round compiles templates and loads the URL conf: on a loaded
    # machine that alone can pass the hang bound, which is about Redis only.
    burst.requests.clear()
    burst.round(client, "up")

    redis.kill()  # refused connections; the queued emails are lost with it
    for _ in range(6):
        burst.round(client, "killed")
        time.sleep(0.3)  # cross breaker pauses: trials hit the dead server too

    redis.start()  # same port, empty
    time.sleep(BREAKER_SECONDS + 0.1)
    burst.round(client, "restarted")
    redis.hang()  # connections accepted, never answered
    try:
        for _ in range(6):
            burst.round(client, "hung")
            time.sleep(0.3)
    finally:
        redis.resume()
    time.sleep(BREAKER_SECONDS + 0.1)
    burst.round(client, "recovered")

    failures = [r for r in burst.requests if r[2] >= 500]
    assert failures == [], failures
    unexpected = [
        r
        for r in burst.requests
        if r[2] != {"sign (form)": 302, "sign (api)": 202}.get(r[1], 200)
    ]
    assert unexpected == [], unexpected
    slow = [r for r in burst.requests if r[3] >= HANG_BOUND]
    assert slow == [], slow

    stored = set(
        Signature.objects.filter(contact_email__in=burst.accepted).values_list(
            "contact_email", flat=True
        )
    )
    assert stored == set(burst.accepted)

    # Its beat sweep queues what is still owed; production's socket timeouts.
    worker = start_worker(REDIS_URL=redis.url, REDIS_SOCKET_TIMEOUT=str(SOCKET_TIMEOUT))
    smtp_sink.wait_for(len(burst.accepted), timeout=120)
    time.sleep(3)  # later sweeps must not send anything twice
    delivered = Counter(str(m["To"]) for m in smtp_sink.messages)

    print("\nfault | requests accepted | rows stored | emails delivered", end="")
    print(" | duplicates | lost")
    for phase in ("up", "killed", "restarted", "hung", "recovered"):
        emails = {e for e, p in burst.accepted.items() if p == phase}
        print(
            f"redis {phase} | {len(emails)} | {len(emails & stored)} | "
            f"{sum(1 for e in emails if delivered[e])} | "
            f"{sum(delivered[e] - 1 for e in emails if delivered[e] > 1)} | "
            f"{sum(1 for e in emails if not delivered[e])}"
        )
    assert set(delivered) == set(burst.accepted)
    assert "Timeout reading from socket" not in worker.output()
    assert all(count == 1 for count in delivered.values()), delivered
