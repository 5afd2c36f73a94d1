"""Erase what the admin remembers about a signature (django_admin_log).

Django's admin history keeps ``str(obj)`` (the organisation's name) and a change
message for every edit, long after the signature itself was erased. The entries
themselves stay (who did what, when): only the words that name the signer go.
"""

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType

from .models import Signature

ERASED = "—"


def _entries(signature_ids):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Signature),
        object_id__in=[str(pk) for pk in signature_ids],
    )


def admin_history_erase(*, signature_ids) -> int:
    """Blank the name and change messages of these signatures' admin history.

    Runs inside the caller's transaction (withdrawal, anonymisation); returns how
    many entries were erased.
    """
    return (
        _entries(signature_ids)
        .exclude(object_repr=ERASED, change_message="")
        .update(object_repr=ERASED, change_message="")
    )


def admin_history_delete(*, signature_ids) -> None:
    """Drop the admin history of deleted signatures: its entries name the signer.

    Deletion entries stay (who deleted which id, when): the admin writes them
    without a name (SignatureAdmin.log_deletions).
    """
    _entries(signature_ids).exclude(action_flag=DELETION).delete()
