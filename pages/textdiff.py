"""Word differences between two versions of a letter's text, for readers.

Both versions are reduced to the text a reader sees, part by part (title,
recipient, sender, summary, body, each recommendation by number), with the same
normalisation as the canonical text (``pages.canonical.visible_text``). Each part
is compared word by word with ``difflib``; the template marks removed words with
``<del>`` and added ones with ``<ins>``.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .canonical import visible_text

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# Words and the spaces between them; punctuation sticks to its word so that a
# changed comma reads as a changed word rather than a stray mark.
_TOKEN = re.compile(r"\s+|\S+")

FIELDS = (
    ("title", _("Title")),
    ("recipient", _("Recipient")),
    ("sender", pgettext_lazy("letter", "From")),
    ("summary", _("Summary")),
    ("body", _("Text")),
)


@dataclass
class Segment:
    kind: str  # EQUAL, INSERT or DELETE
    text: str


@dataclass
class PartDiff:
    label: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(s.kind != EQUAL for s in self.segments)


def word_diff(old: str, new: str) -> list[Segment]:
    """The segments that turn ``old`` into ``new``, word by word."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    segments: list[Segment] = []

    def add(kind: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1].kind == kind:
            segments[-1].text += text
        else:
            segments.append(Segment(kind, text))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add(EQUAL, a[i1:i2])
        elif op == "replace":
            add(DELETE, a[i1:i2])
            add(INSERT, b[j1:j2])
        else:
            # A run only added (or only removed): the space before or after it
            # reads as unchanged, so the mark covers words only.
            kind, tokens = (INSERT, b[j1:j2]) if op == "insert" else (DELETE, a[i1:i2])
            start, end = 0, len(tokens)
            while start < end and tokens[start].isspace():
                start += 1
            while end > start and tokens[end - 1].isspace():
                end -= 1
            add(EQUAL, tokens[:start])
            add(kind, tokens[start:end])
            add(EQUAL, tokens[end:])
    return segments


def _parts(content) -> dict[str | int, str]:
    """Part key (field name, or recommendation number) -> visible text."""
    parts: dict[str | int, str] = {
        key: visible_text(getattr(content, key)) for key, _label in FIELDS
    }
    for text in content.recommendation_rows():
        parts[text.recommendation.number] = visible_text(f"{text.title}\n{text.body}")
    return parts


def letter_text_diff(old, new) -> list[PartDiff]:
    """Differences from version ``old`` to ``new`` (``LetterContent`` rows).

    Parts that are empty in both are left out; a recommendation only one of them
    has shows as wholly removed or added.
    """
    before, after = _parts(old), _parts(new)
    numbers = sorted(k for k in before.keys() | after.keys() if isinstance(k, int))
    labels = [(key, str(label)) for key, label in FIELDS]
    labels += [
        (number, str(_("Recommendation %(number)s") % {"number": number}))
        for number in numbers
    ]
    diffs = []
    for key, label in labels:
        old_text, new_text = before.get(key, ""), after.get(key, "")
        if old_text or new_text:
            diffs.append(PartDiff(label, word_diff(old_text, new_text)))
    return diffs
