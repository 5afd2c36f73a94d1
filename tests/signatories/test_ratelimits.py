import pytest
from django.test import RequestFactory

from signatories.ratelimits import client_ip, client_network, signing_rate_limited

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


def test_ipv6_addresses_of_one_slash_64_share_a_bucket(settings):
    """An IPv6 client cannot escape the limit by rotating through its /64."""
    settings.SIGNATURE_RATE_IP = "2/h"
    results = [
        signing_rate_limited(request(REMOTE_ADDR=f"2001:db8:1:2::{n:x}"))
        for n in (1, 0xBEEF, 0xFFFF)
    ]
    assert results == [False, False, True]
    assert not signing_rate_limited(request(REMOTE_ADDR="2001:db8:1:3::1"))


def test_client_network_buckets():
    """IPv4 counts per address, IPv6 per /64, IPv4-mapped IPv6 as its IPv4."""
    assert client_network("192.0.2.7") == "192.0.2.7"
    assert client_network("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert client_network("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_network("not an address") == "not an address"


def test_spoofed_forwarded_entries_are_ignored(settings):
    """Only the entry the trusted proxy appended counts, whatever the client sent."""
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.SIGNATURE_RATE_IP = "2/h"
    results = [
        signing_rate_limited(
            request(
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
            )
        )
        for n in range(3)
    ]
    assert results == [False, False, True]


def test_client_ip_with_two_trusted_proxies(settings):
    """With two proxies, the client is the second entry from the right."""
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "6.6.6.6, 198.51.100.7, 10.1.1.1"
    assert (
        client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded))
        == "198.51.100.7"
    )
    # Fewer entries than proxies: it skipped one, so nothing in it is trusted.
    assert (
        client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6"))
        == "10.0.0.1"
    )


def test_email_limit_counts_one_mailbox_under_every_spelling(settings):
    """Gmail dots, +tags and IDNA spellings of one mailbox share the email limit."""
    settings.SIGNATURE_RATE_EMAIL = "2/h"
    spellings = ["j.doe@gmail.com", "jdoe+x@googlemail.com", "JDoe@ｇｍａｉｌ.com"]
    results = [
        signing_rate_limited(request(REMOTE_ADDR=f"10.0.2.{n}"), email=email)
        for n, email in enumerate(spellings)
    ]
    assert results == [False, False, True]
