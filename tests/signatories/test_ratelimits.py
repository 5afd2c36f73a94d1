import pytest
from django.test import RequestFactory

from signatories.ratelimits import client_ip, signing_rate_limited

pytestmark = pytest.mark.django_db


def request(**meta):
    return RequestFactory().post("/", **meta)


def test_client_ip_is_remote_addr_by_default():
    """Without a proxy header configured, a forged X-Forwarded-For is ignored."""
    assert (
        client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4"))
        == "10.0.0.1"
    )


def test_client_ip_takes_the_last_hop_of_the_proxy_header(settings):
    """Behind a trusted proxy, the address it appended (the last) is the client."""
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    forwarded = request(
        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7 "
    )
    assert client_ip(forwarded) == "198.51.100.7"
    assert client_ip(request(REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_ip_limit(settings):
    """The per-address limit trips after the configured number of attempts."""
    settings.SIGNATURE_RATE_IP = "2/h"
    results = [signing_rate_limited(request(REMOTE_ADDR="10.0.0.9")) for _ in range(3)]
    assert results == [False, False, True]
    assert not signing_rate_limited(request(REMOTE_ADDR="10.0.0.10"))


def test_email_limit_ignores_case_and_spaces(settings):
    """The per-email limit counts the canonical address from any client."""
    settings.SIGNATURE_RATE_EMAIL = "2/h"
    results = [
        signing_rate_limited(request(REMOTE_ADDR=f"10.0.1.{n}"), email=email)
        for n, email in enumerate(["a@b.example", " A@B.example", "a@B.EXAMPLE"])
    ]
    assert results == [False, False, True]
    assert not signing_rate_limited(
        request(REMOTE_ADDR="10.0.1.9"), email="c@b.example"
    )


def test_missing_remote_addr_still_limits(settings):
    """Requests without an address share one bucket rather than escaping the limit."""
    settings.SIGNATURE_RATE_IP = "1/h"
    assert not signing_rate_limited(request(REMOTE_ADDR=""))
    assert signing_rate_limited(request(REMOTE_ADDR=""))
