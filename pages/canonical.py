"""The canonical text of a version of a letter, and its SHA-256.

A signature stores the hash of the text it endorsed. Anyone can recompute it from
the public version page (docs/decisions.md, "What a signature is bound to"):

1. Take, in this order: the title; the recipient; the body; then for each
   recommendation in the version, by number: ``"<number>. <title>"`` and its text.
2. Reduce each part to the text a reader sees (block tags a space, inline tags
   dropped, entities decoded), NFC, every run of whitespace collapsed to one
   space and strip both ends; drop parts that end up empty.
3. Join the parts with a line feed (U+000A), encode as UTF-8, take SHA-256 (hex).
"""

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from html.parser import HTMLParser

_WHITESPACE = re.compile(r"\s+")
# Tags that separate words: HTML's block-level elements and line breaks.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag, attrs=None) -> None:
        # Block boundaries separate words ("<p>a</p><p>b</p>" reads "a b"); inline
        # tags do not ("<em>raids</em>." reads "raids.").
        if tag.lower() in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag) -> None:
        if tag.lower() in BLOCK_TAGS:
            self.parts.append(" ")


def visible_text(markup: str) -> str:
    """The text a reader sees in ``markup``, normalised (NFC, whitespace collapsed)."""
    parser = _TextExtractor()
    parser.feed(markup or "")
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = unicodedata.normalize("NFC", text)
    return _WHITESPACE.sub(" ", text).strip()


def parts_of(
    *, title: str, recipient: str, body: str, recommendations: Iterable[tuple]
) -> list[str]:
    """The canonical parts from plain values (migrations hold no model methods).

    ``recommendations``: ``(number, title, body)`` for each recommendation of the
    version, in any order.
    """
    parts = [title, recipient, body]
    for number, rec_title, rec_body in sorted(recommendations, key=lambda r: r[0]):
        parts.append(f"{number}. {rec_title}")
        parts.append(rec_body)
    return [part for part in map(visible_text, parts) if part]


def canonical_parts(content) -> list[str]:
    return parts_of(
        title=content.title,
        recipient=content.recipient,
        body=content.body,
        recommendations=[
            (text.recommendation.number, text.title, text.body)
            for text in content.recommendation_rows()
        ],
    )


def canonical_text(content) -> str:
    """The documented canonical text of ``content`` (a ``LetterContent``)."""
    return "\n".join(canonical_parts(content))


def hash_of(text: str) -> str:
    """SHA-256 (hex) of a canonical text, encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_hash(content) -> str:
    """SHA-256 (hex) of the canonical text of ``content``."""
    return hash_of(canonical_text(content))
