"""Streamed CSV export of signatures, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable, Iterator
from functools import reduce
from itertools import islice
from operator import or_

from django.db.models import Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat

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


# Rows per database round trip and per chunk handed to the response: large enough
# that the per-chunk overhead vanishes at a million rows, small enough to stay at a
# few MB of memory.
CHUNK_ROWS = 5000


def _text_fields(queryset: QuerySet) -> set[str]:
    """The exported columns that hold free text (the only ones a formula can be in)."""
    text = set()
    for field, _label in COLUMNS:
        model = queryset.model
        *path, name = field.split("__")
        for hop in path:
            model = model._meta.get_field(hop).related_model
        if model._meta.get_field(name).get_internal_type() in (
            "CharField",
            "TextField",
        ):
            text.add(field)
    return text


def _neutralised(field: str):
    """``neutralise`` in SQL: a leading formula character gets a quote in front."""
    starts = reduce(or_, (Q(**{f"{field}__startswith": p}) for p in FORMULA_PREFIXES))
    return Case(
        When(starts, then=Concat(Value("'"), F(field), output_field=TextField())),
        default=F(field),
        output_field=TextField(),
    )


def signatures_csv(queryset: QuerySet) -> Iterator[str]:
    """Stream ``queryset`` as CSV: BOM, header, then chunks of neutralised rows.

    Formula characters are neutralised by the database and rows are written by
    csv.writer in C, a chunk at a time over a server-side cursor, so a million rows
    cost about what ``psql \\copy`` costs and a few MB of memory.
    """
    text = _text_fields(queryset)
    annotations = {f"_csv{n}": _neutralised(f) for n, (f, _l) in enumerate(COLUMNS)}
    names = [
        f"_csv{n}" if field in text else field for n, (field, _l) in enumerate(COLUMNS)
    ]
    rows = (
        queryset.order_by("pk")
        .annotate(**{k: v for k, v in annotations.items() if k in names})
        .values_list(*names)
        .iterator(chunk_size=CHUNK_ROWS)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # a BOM so spreadsheet programs read UTF-8
    writer.writerow([label for _field, label in COLUMNS])
    while True:
        chunk = list(islice(rows, CHUNK_ROWS))
        if not chunk:
            break
        writer.writerows(chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()
