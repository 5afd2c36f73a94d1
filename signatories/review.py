"""The editors' approval queue: reads only.

A signature waits for an editor when it is a confirmed organisation signature on a
letter that requires approval (individuals are counted on confirmation, see
``services.is_counted``). Its stored status is still "confirmed", so the admin shows
this derived state instead, and counts the queue where editors land. A signature
gathered offline without an email address waits too, on any letter: nobody can
confirm it, so its status says so (AWAITING_REVIEW) and only an approval counts it.
"""

from django.db.models import Q, QuerySet
from django.urls import reverse

from pages.models import Letter

from .models import Signature, SignatureStatus, SignerKind

QUEUE_PARAMETER = "queue"  # the admin list filter's query parameter
QUEUE_WAITING = "waiting"

AWAITING_APPROVAL = Q(
    status=SignatureStatus.CONFIRMED,
    kind=SignerKind.ORGANISATION,
    letter__requires_approval=True,
) | Q(status=SignatureStatus.AWAITING_REVIEW)


def letter_awaiting_approval(letter: Letter) -> Q:
    """The queue's condition for one letter's signatures, without a join to it."""
    if not letter.requires_approval:
        return Q(pk__in=[])
    return Q(status=SignatureStatus.CONFIRMED, kind=SignerKind.ORGANISATION)


def signatures_awaiting_approval(queryset: QuerySet | None = None) -> QuerySet:
    """Narrow ``queryset`` (all signatures by default) to the approval queue."""
    queryset = Signature.objects.all() if queryset is None else queryset
    return queryset.filter(AWAITING_APPROVAL)


def approval_queue_count() -> int:
    """How many signatures wait for an editor's decision."""
    return signatures_awaiting_approval().count()


def signature_awaits_approval(signature: Signature) -> bool:
    """Whether this (loaded) signature is in the approval queue."""
    if signature.status == SignatureStatus.AWAITING_REVIEW:
        return True
    return (
        signature.status == SignatureStatus.CONFIRMED
        and signature.kind == SignerKind.ORGANISATION
        and signature.letter.requires_approval
    )


def approval_queue_url() -> str:
    """The admin's signature list narrowed to what waits for an editor."""
    url = reverse("admin:signatories_signature_changelist")
    return f"{url}?{QUEUE_PARAMETER}={QUEUE_WAITING}"
