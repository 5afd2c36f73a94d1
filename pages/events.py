"""Signals that other apps listen to (``pages`` imports nothing of theirs).

``letter_version_published``: a version of a letter's text was published.
Arguments: ``content`` (the ``LetterContent``), ``version`` (its djangocms-versioning
``Version``) and ``is_first`` (no earlier version of that language was ever
published). ``signatories`` tells earlier signers of a substantive change.
"""

from django.dispatch import Signal

letter_version_published = Signal()
