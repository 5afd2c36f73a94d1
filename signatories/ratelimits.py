"""Rate limits per hashed client network and per email (django-ratelimit counters).

The keys are keyed hashes that live only as long as the rate window in the cache;
no address is stored with a signature.
"""

import ipaddress

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_ratelimit import ALL
from django_ratelimit.core import (
    EXPIRATION_FUDGE,
    _get_window,
    _make_cache_key,
    _split_rate,
    is_ratelimited,
)

from .services import email_normalise

# One IPv6 subscriber usually holds a whole /64 (RFC 6177 and common ISP practice):
# counting single IPv6 addresses would give one client 2**64 buckets.
IPV6_PREFIX = 64


def client_ip(request: HttpRequest) -> str:
    """The client address: REMOTE_ADDR, or the entry a trusted proxy appended.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it was reached
    from, so the client is that many entries from the right; anything further left
    was written by the client and is ignored. With fewer entries than proxies the
    request did not come through them all: REMOTE_ADDR is the only fact left
    (as Werkzeug's ProxyFix does).
    """
    header = settings.CLIENT_IP_HEADER
    remote = request.META.get("REMOTE_ADDR", "")
    if header == "REMOTE_ADDR" or not request.META.get(header):
        return remote
    hops = [hop.strip() for hop in request.META[header].split(",")]
    trusted = max(int(settings.TRUSTED_PROXY_COUNT), 1)
    if len(hops) < trusted:
        return remote
    return hops[-trusted]


def client_network(ip: str) -> str:
    """The rate-limit bucket of an address: itself for IPv4, its /64 for IPv6."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip  # not an address (a misconfigured proxy): its own bucket
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        network = ipaddress.IPv6Network(f"{address}/{IPV6_PREFIX}", strict=False)
        return str(network)
    return str(address)


def _ip_key(request: HttpRequest) -> str:
    network = client_network(client_ip(request))
    if not network:
        return "unknown"
    digest = salted_hmac("signatories.ratelimits.ip", network, algorithm="sha256")
    return digest.hexdigest()


def _email_key(email: str) -> str:
    try:
        canonical = email_normalise(email)
    except ValueError:  # the form refuses it; still count it somewhere
        canonical = email.strip().lower()
    # Keyed: a plain hash of an address is reversed by guessing addresses.
    return salted_hmac(
        "signatories.ratelimits.email",
        canonical.encode("utf-8", "surrogatepass"),
        algorithm="sha256",
    ).hexdigest()


def _counted(request: HttpRequest, limits: list[tuple[str, str, str]]) -> bool:
    """Count one attempt against each ``(group, key, rate)``; whether any is over.

    django-ratelimit's own keys and windows, counted in one Redis round trip when
    the rate-limit cache can (campaign.resilient_cache); otherwise through
    django-ratelimit one limit at a time.
    """
    store = caches[settings.RATELIMIT_USE_CACHE]
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return False
    if not hasattr(store, "incr_counters"):
        limited = False
        for group, key, rate in limits:
            limited = (
                is_ratelimited(
                    request,
                    group=group,
                    key=lambda _group, _request, key=key: key,
                    rate=rate,
                    increment=True,
                )
                or limited
            )
        return limited
    counters, allowed = [], []
    for group, key, rate in limits:
        limit, period = _split_rate(rate)
        window = _get_window(key, period)
        counters.append(
            (_make_cache_key(group, window, rate, key, ALL), period + EXPIRATION_FUDGE)
        )
        allowed.append(limit)
    counts = store.incr_counters(counters)
    return any(count > limit for count, limit in zip(counts, allowed, strict=True))


def signing_rate_limited(request: HttpRequest, *, email: str = "") -> bool:
    """Count one signing attempt; return whether the address or email is over limit."""
    limits = [("sign-ip", _ip_key(request), settings.SIGNATURE_RATE_IP)]
    if email:
        limits.append(("sign-email", _email_key(email), settings.SIGNATURE_RATE_EMAIL))
    return _counted(request, limits)
