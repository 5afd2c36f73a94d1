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
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from djangocms_versioning.models import Version

from pages.models import LetterContent

from .models import EmailKind, Signature, SignatureStatus
from .tokens import confirm_token, unsubscribe_token, withdraw_token

CONFIRMED_STATES = (SignatureStatus.CONFIRMED, SignatureStatus.APPROVED)


@dataclass(frozen=True)
class KindSpec:
    """The templates of one kind of email, and whether it is still worth sending.

    A kind ``about_version`` is owed about one version of the letter's text (the
    outbox row names it) and is rendered with ``version_context``.
    """

    template: str
    still_owed: Callable[[Signature], bool]
    # Sent to many at once: an unsubscribe link and List-Unsubscribe headers.
    bulk: bool = False
    about_version: bool = False


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
    # A substantive new version: owed while the signer still stands behind an
    # earlier one (a signature never moves version once confirmed) and the letter
    # is on the site.
    EmailKind.LETTER_CHANGED: KindSpec(
        "letter_changed",
        lambda s: s.status in CONFIRMED_STATES and s.letter.is_published,
        about_version=True,
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


def _version_url(name: str, content: LetterContent, number: int) -> str:
    """The letter's page for a version or its differences, in that text's language.

    Empty where the page does not exist (no letters page, no such view).
    """
    with translation.override(content.language):
        try:
            path = reverse(
                f"letters:{name}",
                kwargs={"slug": content.letter.slug, "number": number},
            )
        except NoReverseMatch:
            return ""
    return _absolute(path)


def version_context(content: LetterContent, signature: Signature) -> dict:
    """What an email about a new version says: its number, the editor's note, and
    where to see the differences between the text the signer endorsed and the new
    one (the differences page compares a version with the current text)."""
    number = int(Version.objects.get_for_content(content).number)
    signed = signature.letter_content
    if signed is not None and signed.language == content.language:
        signed_number = int(Version.objects.get_for_content(signed).number)
    else:  # signed in another language: the version before this one
        signed_number = max(number - 1, 1)
    return {
        "content": content,
        "version_number": number,
        "change_note": content.change_note,
        "diff_url": _version_url("letter-diff", content, signed_number)
        or _absolute(content.get_absolute_url()),
    }


def email_render(
    *,
    kind: str,
    signature: Signature,
    language: str | None = None,
    recipient: str | None = None,
    content: dict | None = None,
    links: dict[str, str] | None = None,
    letter_content: LetterContent | None = None,
) -> EmailMultiAlternatives | None:
    """The email of ``kind`` for ``signature``, or None if it is no longer owed.

    ``content`` adds to the templates' context (a newsletter's text); ``links``
    replaces the signature's own links (the admin's preview, which has none).
    """
    spec = KINDS.get(kind)
    if spec is None or not spec.still_owed(signature):
        return None
    if spec.about_version and letter_content is None:
        return None  # the version it was about is gone
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
        if spec.about_version:
            context |= version_context(letter_content, signature)
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
