"""Write the emails a signer receives, in the signer's language.

Each ``EmailKind`` names its templates (``signatories/email/<template>.txt``,
``.html`` and ``_subject.txt``) and says when it is still worth sending; a new
kind is one entry in ``KINDS``. The worker renders, never the request. A bulk
kind (the newsletter) also carries an unsubscribe link and the List-Unsubscribe
headers (RFC 2369, one-click per RFC 8058).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import EmailKind, Signature, SignatureStatus
from .tokens import confirm_token, unsubscribe_token, withdraw_token

CONFIRMED_STATES = (SignatureStatus.CONFIRMED, SignatureStatus.APPROVED)


@dataclass(frozen=True)
class KindSpec:
    """The templates of one kind of email, and whether it is still worth sending."""

    template: str
    still_owed: Callable[[Signature], bool]
    # Sent to many at once: an unsubscribe link and List-Unsubscribe headers.
    bulk: bool = False


def _confirm_owed(signature: Signature) -> bool:
    # No confirmation request goes out for a letter that closed or was unpublished
    # meanwhile (docs/decisions.md, "Closing and unpublishing").
    return (
        signature.status == SignatureStatus.PENDING
        and signature.letter.is_signing_open()
    )


KINDS: dict[str, KindSpec] = {
    EmailKind.CONFIRM: KindSpec("confirm", _confirm_owed),
    EmailKind.ALREADY_SIGNED: KindSpec(
        "already_signed", lambda s: s.status in CONFIRMED_STATES
    ),
    EmailKind.APPROVED: KindSpec(
        "approved", lambda s: s.status == SignatureStatus.APPROVED
    ),
    EmailKind.REJECTED: KindSpec(
        "rejected", lambda s: s.status == SignatureStatus.REJECTED
    ),
    # Checked again as each email goes out: an unsubscribe or a withdrawal after
    # the send was queued stops the emails not yet delivered.
    EmailKind.NEWSLETTER: KindSpec(
        "newsletter",
        lambda s: s.newsletter and s.status in CONFIRMED_STATES,
        bulk=True,
    ),
}


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def signature_links(signature: Signature) -> dict[str, str]:
    """Absolute confirm, withdraw and letter links; call in the signer's language."""
    return {
        "confirm_url": _absolute(
            reverse(
                "signatories:confirm",
                kwargs={
                    "public_id": signature.public_id,
                    "token": confirm_token.make_token(signature),
                },
            )
        ),
        "withdraw_url": _absolute(
            reverse(
                "signatories:withdraw",
                kwargs={
                    "public_id": signature.public_id,
                    "token": withdraw_token.make_token(signature),
                },
            )
        ),
        "letter_url": _absolute(signature.letter.get_absolute_url()),
    }


def unsubscribe_url(signature: Signature) -> str:
    """The absolute newsletter unsubscribe link; call in the signer's language.

    The same address takes the one-click POST (RFC 8058) and, opened in a browser,
    shows a page with the button.
    """
    return _absolute(
        reverse(
            "newsletter:unsubscribe",
            kwargs={
                "public_id": signature.public_id,
                "token": unsubscribe_token.make_token(signature),
            },
        )
    )


def email_render(
    *,
    kind: str,
    signature: Signature,
    language: str | None = None,
    recipient: str | None = None,
    content: dict | None = None,
    links: dict[str, str] | None = None,
) -> EmailMultiAlternatives | None:
    """The email of ``kind`` for ``signature``, or None if it is no longer owed.

    ``content`` adds to the templates' context (a newsletter's text); ``links``
    replaces the signature's own links (the admin's preview, which has none).
    """
    spec = KINDS.get(kind)
    if spec is None or not spec.still_owed(signature):
        return None
    language = language or signature.language
    with translation.override(language):
        if links is None:
            links = signature_links(signature)
            if spec.bulk:
                links["unsubscribe_url"] = unsubscribe_url(signature)
        context = {
            "signature": signature,
            "letter": signature.letter,
            "language": language,
            "timeout_days": settings.SIGNATURE_TOKEN_TIMEOUT // 86400,
            **(content or {}),
            **links,
        }
        base = f"signatories/email/{spec.template}"
        subject = render_to_string(f"{base}_subject.txt", context).strip()
        text = render_to_string(f"{base}.txt", context)
        html = render_to_string(f"{base}.html", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if spec.bulk:
        headers["List-Unsubscribe"] = f"<{links['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient or signature.contact_email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
