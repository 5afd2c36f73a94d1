"""The canonical text of a version of a letter, and its SHA-256.

A signature stores the hash of the text it endorsed. Anyone can recompute it from
the public version page (docs/decisions.md, "What a signature is bound to"):

1. Take, in this order: the title; the recipient; the body; then for each
   recommendation in the version, by number: ``"<number>. <title>"`` and its text.
2. Reduce each part to the text a reader sees (HTML tags dropped, entities
   decoded), normalise it to Unicode NFC, collapse every run of whitespace to one
   space and strip both ends; drop parts that end up empty.
3. Join the parts with a line feed (U+000A), encode as UTF-8, take SHA-256 (hex).
"""

import hashlib
import html
import re
import unicodedata
from html.parser import HTMLParser

_WHITESPACE = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs=None) -> None:
        # Block boundaries separate words ("<p>a</p><p>b</p>" reads "a b").
        self.parts.append(" ")

    handle_endtag = handle_starttag


def visible_text(markup: str) -> str:
    """The text a reader sees in ``markup``, normalised (NFC, whitespace collapsed)."""
    parser = _TextExtractor()
    parser.feed(markup or "")
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = unicodedata.normalize("NFC", text)
    return _WHITESPACE.sub(" ", text).strip()


def canonical_parts(content) -> list[str]:
    parts = [content.title, content.recipient, content.body]
    for text in content.recommendation_rows():
        parts.append(f"{text.recommendation.number}. {text.title}")
        parts.append(text.body)
    return [part for part in map(visible_text, parts) if part]


def canonical_text(content) -> str:
    """The documented canonical text of ``content`` (a ``LetterContent``)."""
    return "\n".join(canonical_parts(content))


def text_hash(content) -> str:
    """SHA-256 (hex) of the canonical text of ``content``."""
    return hashlib.sha256(canonical_text(content).encode("utf-8")).hexdigest()
