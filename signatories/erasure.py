"""Erase what the admin remembers about a signature (django_admin_log).

Django's admin history keeps ``str(obj)`` (the organisation's name) and a change
message for every edit, long after the signature itself was erased. The entries
themselves stay (who did what, when): only the words that name the signer go.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from .models import Signature

ERASED = "—"


def admin_history_erase(*, signature_id: int) -> int:
    """Blank the name and change messages of a signature's admin history entries.

    Runs inside the caller's transaction (withdrawal, retention); returns how many
    entries were erased.
    """
    content_type = ContentType.objects.get_for_model(Signature)
    return (
        LogEntry.objects.filter(content_type=content_type, object_id=str(signature_id))
        .exclude(object_repr=ERASED, change_message="")
        .update(object_repr=ERASED, change_message="")
    )
