"""Receivers of the signals ``pages`` sends (``pages`` imports nothing of ours).

They hold no rules: each hands the event to one service.
"""

from pages.events import letter_version_published

from . import services


def version_published(sender, *, content, version, is_first, **kwargs) -> None:
    """A version of a letter's text went public: its earlier signers may be owed."""
    services.letter_version_announce(
        content_id=content.pk, change_kind=content.change_kind, is_first=is_first
    )


def connect() -> None:
    letter_version_published.connect(
        version_published, dispatch_uid="signatories.version_published"
    )
