"""Build the emails a signer receives, in the signer's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Signature, SignatureStatus
from .tokens import confirm_token, withdraw_token


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def signature_links(signature: Signature) -> dict[str, str]:
    """Absolute confirm and withdraw links; call inside the signer's language."""
    return {
        "confirm_url": _absolute(
            reverse(
                "signatories:confirm",
                kwargs={
                    "signature_id": signature.pk,
                    "token": confirm_token.make_token(signature),
                },
            )
        ),
        "withdraw_url": _absolute(
            reverse(
                "signatories:withdraw",
                kwargs={
                    "signature_id": signature.pk,
                    "token": withdraw_token.make_token(signature),
                },
            )
        ),
        "letter_url": _absolute(signature.letter.get_absolute_url()),
    }


def signature_email(signature: Signature) -> EmailMultiAlternatives | None:
    """The email owed to ``signature`` in its current state, or None if none is owed."""
    if signature.status == SignatureStatus.PENDING:
        template = "confirm"
    elif signature.status in (SignatureStatus.CONFIRMED, SignatureStatus.APPROVED):
        template = "already_signed"
    else:
        return None
    with translation.override(signature.language):
        signature.letter.set_current_language(signature.language)
        context = {
            "signature": signature,
            "letter": signature.letter,
            "timeout_days": settings.SIGNATURE_TOKEN_TIMEOUT // 86400,
            **signature_links(signature),
        }
        subject = render_to_string(
            f"signatories/email/{template}_subject.txt", context
        ).strip()
        text = render_to_string(f"signatories/email/{template}.txt", context)
        html = render_to_string(f"signatories/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[signature.contact_email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
