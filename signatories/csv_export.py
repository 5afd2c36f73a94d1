"""Streamed CSV export of signatures, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator

from .domains import domain_matches

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    ("id", "ID"),
    ("letter__slug", "Letter"),
    ("status", "Status"),
    ("kind", "Kind"),
    ("organisation", "Organisation"),
    ("website", "Website"),
    ("country", "Country"),
    ("organisation_type", "Type"),
    ("contact_name", "Contact person"),
    ("contact_role", "Role"),
    ("contact_email", "Email"),
    ("is_public", "Listed publicly"),
    ("newsletter", "Newsletter"),
    ("comment", "Comment"),
    ("language", "Language"),
    ("created_at", "Signed at"),
    ("confirmed_at", "Confirmed at"),
    ("reviewed_at", "Reviewed at"),
    ("domain_match", "Domain match"),
]

# Columns computed from the row rather than read from the database.
DERIVED = {
    "domain_match": lambda row: domain_matches(
        email=row["contact_email"] or "", website=row["website"] or ""
    ),
}
SOURCE_FIELDS = [field for field, _label in COLUMNS if field not in DERIVED]


def neutralise(value) -> str:
    """Make a cell inert: a leading formula character gets a quote in front of it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM so spreadsheet programs read UTF-8
    yield writer.writerow([label for _field, label in COLUMNS])
    for row in rows:
        yield writer.writerow(
            [
                neutralise(DERIVED[field](row) if field in DERIVED else row[field])
                for field, _label in COLUMNS
            ]
        )
