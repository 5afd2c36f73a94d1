"""The benchmark's bulk fill stores rows the services could have stored."""

from bench.data import fill
from signatories.models import Signature
from tests.factories import LetterFactory


def test_bench_fill_inserts_complete_signatures(db):
    """Every column a signature needs is filled (a new NOT NULL column breaks it)."""
    letter = LetterFactory()
    fill(letter, 5)
    rows = Signature.objects.filter(letter=letter)
    assert rows.count() == 5
    assert set(rows.values_list("source", flat=True)) == {"web"}
    assert set(rows.values_list("status", flat=True)) == {"confirmed"}
