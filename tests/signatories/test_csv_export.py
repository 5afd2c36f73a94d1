import csv
import io
from datetime import datetime

import pytest

from signatories.csv_export import COLUMNS, csv_rows, neutralise


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30", "'+49 30"),
        ("-x", "'-x"),
        ("@a", "'@a"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (5, "5"),
        (-5, "'-5"),
        (True, "True"),
    ],
)
def test_neutralise(value, safe):
    """Leading formula characters are quoted; other values pass through as text."""
    assert neutralise(value) == safe


def test_csv_rows_write_a_bom_a_header_and_safe_cells():
    """The stream starts with a BOM and a header, then one neutralised line per row."""
    row = {field: "" for field, _label in COLUMNS} | {
        "id": 7,
        "organisation": "=cmd|' /C calc'!A0",
        "comment": 'Line one\nline "two", with comma',
    }
    chunks = list(csv_rows([row]))
    assert chunks[0] == "\ufeff"
    header, record = list(csv.reader(io.StringIO("".join(chunks[1:]))))
    assert header == [label for _field, label in COLUMNS]
    values = dict(zip(header, record, strict=True))
    assert values["ID"] == "7"
    assert values["Organisation"] == "'=cmd|' /C calc'!A0"
    assert values["Comment"] == 'Line one\nline "two", with comma'


def test_csv_rows_is_lazy():
    """Rows are consumed one at a time, so a large export streams."""
    consumed = []

    def rows():
        for n in range(3):
            consumed.append(n)
            yield {field: n for field, _label in COLUMNS}

    stream = csv_rows(rows())
    next(stream), next(stream)  # BOM and header
    assert consumed == []
    next(stream)
    assert consumed == [0]


@pytest.mark.django_db
def test_signatures_csv_matches_the_python_neutralisation():
    """The database-side export writes the cells ``csv_rows`` writes for the rows."""
    from signatories.csv_export import signatures_csv
    from signatories.models import Signature
    from tests.factories import SignatureFactory

    for name in ["=cmd|' /C calc'!A0", "+49", "-x", "@a", "\tcmd", "\rcmd", "Plain"]:
        SignatureFactory(
            organisation=name,
            comment='Line one\nline "two", with comma',
            contact_role="=SUM(A1)",
        )
    SignatureFactory(status="confirmed", confirmed_at="2026-01-02T03:04:05Z")
    queryset = Signature.objects.all()
    expected = "".join(
        csv_rows(queryset.order_by("pk").values(*[f for f, _l in COLUMNS]))
    )
    exported = "".join(signatures_csv(queryset))
    assert exported.startswith("\ufeff")

    def parsed(text):
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        times = [n for n, (_f, label) in enumerate(COLUMNS) if label.endswith(" at")]
        for row in rows[1:]:  # times: the same instant, in either ISO spelling
            for n in times:
                row[n] = row[n] and datetime.fromisoformat(row[n])
        return rows

    assert parsed(exported) == parsed(expected)


@pytest.mark.django_db
def test_signatures_csv_streams_every_row_once_in_order():
    """The export streams a header and each selected row once, by id."""
    from signatories import csv_export
    from signatories.models import Signature
    from tests.factories import SignatureFactory

    rows = SignatureFactory.create_batch(5)
    selected = Signature.objects.filter(pk__in=[r.pk for r in rows[1:]])
    chunks = list(csv_export.signatures_csv(selected))
    assert chunks[0] == "\ufeff"
    header, *records = list(csv.reader(io.StringIO("".join(chunks[1:]))))
    assert header[0] == "ID"
    assert [int(r[0]) for r in records] == sorted(r.pk for r in rows[1:])


@pytest.mark.django_db(transaction=True)
def test_signatures_csv_stops_when_the_reader_does():
    """A reader that stops early ends the export instead of leaving it running."""
    import threading

    from signatories import csv_export
    from signatories.models import Signature
    from tests.factories import SignatureFactory

    SignatureFactory.create_batch(3)
    stream = csv_export.signatures_csv(Signature.objects.all())
    next(stream), next(stream)  # BOM, header
    stream.close()
    for thread in threading.enumerate():
        if thread.name == "csv-export":
            thread.join(timeout=10)
            assert not thread.is_alive()
