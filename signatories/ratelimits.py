"""Rate limits per hashed client network and per email (django-ratelimit counters).

The keys are keyed hashes that live only as long as the rate window in the cache;
no address is stored with a signature.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_ratelimit.core import is_ratelimited

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


def signing_rate_limited(request: HttpRequest, *, email: str = "") -> bool:
    """Count one signing attempt; return whether the address or email is over limit."""
    ip_key = _ip_key(request)
    limited = is_ratelimited(
        request,
        group="sign-ip",
        key=lambda _group, _request: ip_key,
        rate=settings.SIGNATURE_RATE_IP,
        increment=True,
    )
    if email:
        email_key = _email_key(email)
        limited = (
            is_ratelimited(
                request,
                group="sign-email",
                key=lambda _group, _request: email_key,
                rate=settings.SIGNATURE_RATE_EMAIL,
                increment=True,
            )
            or limited
        )
    return limited
