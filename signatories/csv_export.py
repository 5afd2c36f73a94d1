"""Streamed CSV export of signatures, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Iterator

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
]


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
        yield writer.writerow([neutralise(row[field]) for field, _label in COLUMNS])
