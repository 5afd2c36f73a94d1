"""Signed, expiring, single-purpose links for signatures (nothing is stored).

Like Django's password-reset tokens: an HMAC over the signature's state and a
timestamp. The state changes once the link is used (confirming changes the status,
withdrawing erases the address), so a used link stops working. A withdraw link does
not cover the status: it must survive confirmation and review, as every email
carries one.
"""

from datetime import datetime

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from .addresses import email_canonical
from .models import Signature

_EPOCH = datetime(2001, 1, 1)


class SignatureTokenGenerator:
    def __init__(
        self, *, purpose: str, timeout_setting: str, covers_status: bool = True
    ) -> None:
        self.key_salt = f"signatories.tokens.{purpose}"
        self.timeout_setting = timeout_setting
        self.covers_status = covers_status

    def make_token(self, signature: Signature) -> str:
        return self._make_token_with_timestamp(signature, self._seconds(self._now()))

    def check_token(
        self,
        signature: Signature | None,
        token: str | None,
        *,
        as_status: str | None = None,
    ) -> bool:
        """Return whether ``token`` is valid for ``signature`` now; never raises.

        ``as_status`` checks it as if the signature were still in that status (a
        confirm link made while PENDING, opened again once confirmed).
        """
        ts = self._genuine_timestamp(signature, token, as_status)
        if ts is None:
            return False
        timeout = getattr(settings, self.timeout_setting)
        return 0 <= self._seconds(self._now()) - ts <= timeout

    def is_genuine(
        self,
        signature: Signature | None,
        token: str | None,
        *,
        as_status: str | None = None,
    ) -> bool:
        """Return whether ``token`` was made for ``signature``, expired or not."""
        return self._genuine_timestamp(signature, token, as_status) is not None

    def _genuine_timestamp(self, signature, token, as_status) -> int | None:
        if not (signature and token) or len(token) > 64:
            return None
        try:
            ts_b36, _hash = token.split("-", 1)
            ts = base36_to_int(ts_b36)
        except ValueError:
            return None
        genuine = any(
            constant_time_compare(
                self._make_token_with_timestamp(
                    signature, ts, email=email, as_status=as_status
                ),
                token,
            )
            for email in _address_states(signature)
        )
        return ts if genuine else None

    def _make_token_with_timestamp(
        self,
        signature: Signature,
        timestamp: int,
        *,
        email: str | None = None,
        as_status: str | None = None,
    ) -> str:
        ts_b36 = int_to_base36(timestamp)
        digest = salted_hmac(
            self.key_salt,
            self._state(signature, timestamp, email=email, as_status=as_status),
            algorithm="sha256",
        ).hexdigest()[::2]
        return f"{ts_b36}-{digest}"

    def _state(
        self,
        signature: Signature,
        timestamp: int,
        *,
        email: str | None = None,
        as_status: str | None = None,
    ) -> str:
        status = (as_status or signature.status) if self.covers_status else ""
        if email is None:
            email = signature.email_normalised
        return f"{signature.pk}|{status}|{email}|{signature.withdrawn_at}|{timestamp}"

    def _seconds(self, dt: datetime) -> int:
        return int((dt - _EPOCH).total_seconds())

    def _now(self) -> datetime:
        # A seam for tests: expiry is checked against this clock.
        return datetime.now()


def _address_states(signature: Signature) -> list[str]:
    """The address values a live token of ``signature`` may cover.

    The canonical address, and the form it had before addresses were canonicalised
    (trimmed and lower-cased, before migration 0002_privacy_addresses): links
    mailed before it keep working for their lifetime (withdraw links 400 days).
    Only the server makes tokens; the old form is accepted only while it is a
    spelling of the stored canonical address, and erasure blanks both, so an
    erased signature's links still die. Drop it 400 days after that migration.
    """
    states = [signature.email_normalised]
    legacy = signature.contact_email.strip().lower()
    if signature.email_normalised and legacy and legacy != states[0]:
        try:
            same_mailbox = email_canonical(legacy) == signature.email_normalised
        except ValueError:
            same_mailbox = False
        if same_mailbox:  # an older spelling of this very mailbox, nothing else
            states.append(legacy)
    return states


confirm_token = SignatureTokenGenerator(
    purpose="confirm", timeout_setting="SIGNATURE_TOKEN_TIMEOUT"
)
# Withdrawal erases the address and sets withdrawn_at, which is what kills its link.
withdraw_token = SignatureTokenGenerator(
    purpose="withdraw",
    timeout_setting="SIGNATURE_WITHDRAW_TOKEN_TIMEOUT",
    covers_status=False,
)
# A newsletter's unsubscribe link: its own salt, so no other link can stand in for
# it. It does not cover the opt-in (a second click, or the mail provider's
# one-click POST followed by a click, must not meet "invalid link"); withdrawal
# erases the address, which kills it like every other link of the signature.
unsubscribe_token = SignatureTokenGenerator(
    purpose="newsletter-unsubscribe",
    timeout_setting="NEWSLETTER_UNSUBSCRIBE_TOKEN_TIMEOUT",
    covers_status=False,
)
