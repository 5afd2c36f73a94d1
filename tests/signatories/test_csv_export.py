import csv
import io

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
    """The database-side export writes what ``csv_rows`` writes for the same rows."""
    from signatories.csv_export import signatures_csv
    from signatories.models import Signature
    from tests.factories import SignatureFactory

    for name in ["=cmd|' /C calc'!A0", "+49", "-x", "@a", "\tcmd", "\rcmd", "Plain"]:
        SignatureFactory(
            organisation=name,
            comment='Line one\nline "two", with comma',
            contact_role="=SUM(A1)",
        )
    queryset = Signature.objects.all()
    expected = "".join(
        csv_rows(queryset.order_by("pk").values(*[f for f, _l in COLUMNS]))
    )
    assert "".join(signatures_csv(queryset)) == expected


@pytest.mark.django_db
def test_signatures_csv_streams_in_chunks(monkeypatch):
    """A large export comes in several chunks, each with whole rows."""
    from signatories import csv_export
    from signatories.models import Signature
    from tests.factories import SignatureFactory

    monkeypatch.setattr(csv_export, "CHUNK_ROWS", 2)
    SignatureFactory.create_batch(5)
    chunks = list(csv_export.signatures_csv(Signature.objects.all()))
    assert chunks[0] == "\ufeff"
    assert len(chunks) == 4  # BOM, then rows 1-2 with the header, 3-4, 5
    for chunk in chunks[1:]:
        assert chunk.endswith("\r\n")
    assert len(list(csv.reader(io.StringIO("".join(chunks[1:]))))) == 6
