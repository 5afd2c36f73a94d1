"""Staff accounts: two-factor login, verified sessions, throttled logins.

An editor's account can list, export and erase at-risk organisations. In production
(``STAFF_REQUIRE_2FA``, on unless debug) a staff account counts as staff only in a
session verified by a one-time password (django-otp, TOTP). Until then it is treated
as a visitor everywhere: the admin refuses it, drafts stay hidden, caches stay on.
"""

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm


def otp_required() -> bool:
    """Whether staff must pass the one-time password step (production)."""
    return settings.STAFF_REQUIRE_2FA


def user_needs_otp(user) -> bool:
    """Whether this account may only act as staff in a verified session.

    Every staff account: any of them can be given rights over signatures at any
    time, and a narrower rule would leave the gap between the grant and the login.
    """
    return otp_required() and user.is_authenticated and user.is_staff


def _session_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)  # set by OTPMiddleware
    return bool(is_verified and is_verified())


def is_verified_staff(request: HttpRequest) -> bool:
    """Whether the request comes from active staff in a session that counts.

    Use this, not ``user.is_staff``, wherever staff see more than visitors (drafts)
    or get something visitors do not (no public cache).
    """
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return not user_needs_otp(user) or _session_verified(user)


def can_preview_drafts(request: HttpRequest) -> bool:
    """Whether the request may see draft letters: verified staff with letter rights."""
    user = request.user
    return is_verified_staff(request) and (
        user.has_perm("pages.change_letter") or user.has_perm("pages.view_letter")
    )


class StaffOTPMiddleware:
    """Treat staff who have not passed the OTP step as anonymous visitors.

    Goes right after django-otp's OTPMiddleware. A password alone (through any login
    path, the CMS toolbar's included) then opens nothing: no admin, no toolbar, no
    drafts, no cache bypass, until the admin login takes the one-time password.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user_needs_otp(user) and not _session_verified(user):
            request.user = AnonymousUser()
        return self.get_response(request)


class StaffAuthenticationForm(OTPAdminAuthenticationForm):
    """The admin login with a one-time password, for a user with one device.

    django-otp asks the user to pick a device first; with a single TOTP device (what
    ``staff_otp_reset`` sets up) that extra round trip is pointless, so pick it.
    """

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                device = devices[0]
        return device


class StaffAdminSite(AdminSite):
    """The admin site; in production only verified sessions get in."""

    @property
    def login_form(self):
        return StaffAuthenticationForm if otp_required() else AdminAuthenticationForm

    @property
    def login_template(self):
        return "otp/admin111/login.html" if otp_required() else None

    def has_permission(self, request):
        return super().has_permission(request) and is_verified_staff(request)


def cms_login(request):
    """Replace django CMS's password-only toolbar login.

    In production the toolbar's form would log staff in with a password alone: send
    them to the admin login, which asks for the one-time password too. In debug
    (``make run``) the CMS view works as before.
    """
    if not otp_required():
        from cms.views import login

        return login(request)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    login_url = reverse("admin:login")
    return HttpResponseRedirect(f"{login_url}?next={target}", status=303)


def axes_client_ip(request: HttpRequest) -> str | None:
    """The client address as django-axes stores it: keyed hash, never the address.

    Axes keeps attempts in a GenericIPAddressField (``inet`` on PostgreSQL), so the
    HMAC is shaped as an IPv6 address in the unique-local range fd00::/8: the same
    client always maps to the same value (lockouts work), nobody can read it back.
    """
    from signatories.ratelimits import client_ip

    raw = client_ip(request)
    if not raw:
        return None
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"axes:{raw}".encode(), hashlib.sha256).digest()
    return str(ipaddress.IPv6Address(b"\xfd" + digest[:15]))
