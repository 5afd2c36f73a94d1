"""Streamed CSV export of signatures, safe to open in a spreadsheet."""

import csv
import io
import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import suppress
from itertools import islice

from django.db import connections
from django.db.models import Case, F, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Left
from django.db.models.lookups import In

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
    ("source", "Source"),
    ("source_note", "Gathered at"),
    # The version of the text signed (joined: one version row per text) and the
    # SHA-256 of its canonical text (docs/decisions.md).
    ("letter_content__versions__number", "Version"),
    ("text_hash", "Text hash"),
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
COPY_CHUNK_BYTES = 256 * 1024


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
    starts = In(Left(F(field), 1), list(FORMULA_PREFIXES))
    return Case(
        When(starts, then=Concat(Value("'"), F(field), output_field=TextField())),
        default=F(field),
        output_field=TextField(),
    )


def _export_queryset(queryset: QuerySet) -> QuerySet:
    """The export's columns, text ones neutralised by the database, in id order."""
    text = _text_fields(queryset)
    names, annotations = [], {}
    for n, (field, _label) in enumerate(COLUMNS):
        if field in text:
            annotations[f"_csv{n}"] = _neutralised(field)
            names.append(f"_csv{n}")
        else:
            names.append(field)
    return queryset.order_by("pk").annotate(**annotations).values_list(*names)


def signatures_csv(queryset: QuerySet) -> Iterator[str]:
    """Stream ``queryset`` as CSV: BOM, header, then chunks of neutralised rows.

    Formula characters are neutralised by the database. On PostgreSQL the rows are
    written by ``COPY ... TO STDOUT`` itself (the cost of ``psql \\copy``); elsewhere
    csv.writer writes chunks of rows from a server-side cursor into one buffer.
    Either way memory stays at a few MB for a million rows.
    """
    rows = _export_queryset(queryset)
    yield "\ufeff"  # a BOM so spreadsheet programs read UTF-8
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _field, label in COLUMNS])
    if connections[queryset.db].vendor == "postgresql":
        yield buffer.getvalue()
        yield from _copy_csv(rows)
        return
    rows = rows.iterator(chunk_size=CHUNK_ROWS)
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


class _Stopped(Exception):
    """The reader went away (a client that disconnected): end the COPY."""


def _copy_csv(values: QuerySet) -> Iterator[str]:
    """Rows of ``values`` as CSV written by PostgreSQL's COPY, streamed.

    COPY runs in a thread that hands chunks over a small queue, so the response
    streams while the database writes, and a reader that stops ends the COPY
    instead of leaving it blocked.
    """
    import psycopg2

    database = connections[values.db]
    sql, params = values.query.sql_with_params()
    with database.cursor() as cursor:
        # Django's own SQL and parameters, quoted by psycopg2: COPY takes no params.
        select = cursor.mogrify(sql, params).decode()
    aliases = ", ".join(f"col{n + 1}" for n in range(len(COLUMNS)))
    # Booleans as the Python export wrote them; times in PostgreSQL's ISO format
    # (2026-12-01 00:23:43.123456+00: the connection's time zone is UTC).
    copy = (
        "COPY (SELECT "
        + ", ".join(_copy_column(n, field) for n, (field, _l) in enumerate(COLUMNS))
        + f" FROM ({select}) AS export ({aliases}))"
        " TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')"
    )
    chunks: queue.Queue = queue.Queue(maxsize=8)
    stop = threading.Event()

    class Writer:
        """Collect COPY's rows (psycopg2 writes them one at a time) into chunks."""

        def __init__(self) -> None:
            self.parts: list = []
            self.size = 0

        def write(self, data) -> None:
            self.parts.append(data)
            self.size += len(data)
            if self.size >= COPY_CHUNK_BYTES:
                self.flush()

        def flush(self) -> None:
            if not self.parts:
                return
            data = (
                b"".join(self.parts)
                if isinstance(self.parts[0], bytes)
                else "".join(self.parts)
            )
            self.parts, self.size = [], 0
            while not stop.is_set():
                try:
                    chunks.put(data, timeout=0.5)
                    return
                except queue.Full:
                    continue
            raise _Stopped

    # The request's own connection (it sees the caller's transaction); the request
    # thread only waits on the queue meanwhile, and psycopg2 connections may be
    # used from another thread.
    database.ensure_connection()
    connection = database.connection

    def run() -> None:
        try:
            writer = Writer()
            with connection.cursor() as cursor:
                cursor.copy_expert(copy, writer)
            writer.flush()
        except (_Stopped, psycopg2.Error) as error:
            if not stop.is_set():
                chunks.put(error)
        except Exception as error:  # handed to the reader, raised there
            chunks.put(error)
        finally:
            with suppress(queue.Full):
                chunks.put(None, timeout=5)

    thread = threading.Thread(target=run, name="csv-export", daemon=True)
    thread.start()
    try:
        while (chunk := chunks.get()) is not None:
            if isinstance(chunk, Exception):
                raise chunk
            yield chunk.decode() if isinstance(chunk, bytes) else chunk
    finally:
        stop.set()
        thread.join()  # the connection is the request's again


def _copy_column(n: int, field: str) -> str:
    column = f"export.col{n + 1}"
    internal = _field_type(field)
    if internal == "BooleanField":
        return f"CASE WHEN {column} THEN 'True' ELSE 'False' END"
    return column


def _field_type(field: str) -> str:
    from .models import Signature

    model = Signature
    *path, name = field.split("__")
    for hop in path:
        model = model._meta.get_field(hop).related_model
    return model._meta.get_field(name).get_internal_type()
