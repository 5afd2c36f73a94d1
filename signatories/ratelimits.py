"""Rate limits per hashed client address and per email (django-ratelimit counters)."""

import hashlib

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from .services import email_normalise, ip_hash


def client_ip(request: HttpRequest) -> str:
    """The client address: REMOTE_ADDR, or the last hop of a trusted proxy header."""
    header = settings.CLIENT_IP_HEADER
    if header != "REMOTE_ADDR" and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def signing_rate_limited(request: HttpRequest, *, email: str = "") -> bool:
    """Count one signing attempt; return whether the address or email is over limit."""
    ip_key = ip_hash(client_ip(request)) or "unknown"
    limited = is_ratelimited(
        request,
        group="sign-ip",
        key=lambda _group, _request: ip_key,
        rate=settings.SIGNATURE_RATE_IP,
        increment=True,
    )
    if email:
        email_key = hashlib.sha256(email_normalise(email).encode()).hexdigest()
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
