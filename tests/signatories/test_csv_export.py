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
