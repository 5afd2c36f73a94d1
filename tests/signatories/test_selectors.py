import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signatories import selectors, services
from signatories.models import Signature, SignatureStatus
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import LetterFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def organisations(page) -> list[str]:
    return [s.organisation for s in page.items]


def test_count_without_a_tally_is_zero(letter):
    """A letter nobody signed yet counts zero."""
    assert selectors.letter_signature_count(letter=letter) == 0


def test_counts_for_many_letters_in_one_query(django_assert_num_queries):
    """Counts of several letters come from a single query."""
    first, second, unsigned = LetterFactory(), LetterFactory(), LetterFactory()
    SignatureFactory.create_batch(2, letter=first, status=SignatureStatus.CONFIRMED)
    SignatureFactory(letter=second, status=SignatureStatus.CONFIRMED)
    for letter in (first, second):
        services.letter_recount(letter=letter)
    with django_assert_num_queries(1):
        counts = selectors.letter_signature_counts(letters=[first, second, unsigned])
    assert counts == {first.pk: 2, second.pk: 1}


def test_count_reads_the_tally_not_the_rows(letter):
    """The public count is the denormalised tally: no COUNT over signatures."""
    SignatureFactory.create_batch(3, letter=letter, status=SignatureStatus.CONFIRMED)
    services.letter_recount(letter=letter)
    with CaptureQueriesContext(connection) as queries:
        assert selectors.letter_signature_count(letter=letter) == 3
    assert len(queries) == 1
    assert "signatories_signature" not in queries[0]["sql"]


def test_public_list_shows_listed_organisations_in_signing_order(letter):
    """Only confirmed, public organisations of this letter are listed, oldest first."""
    SignatureFactory(letter=letter, status="confirmed", organisation="First")
    SignatureFactory(letter=letter, status="approved", organisation="Second")
    SignatureFactory(
        letter=letter, status="confirmed", organisation="Hidden", is_public=False
    )
    SignatureFactory(letter=letter, status="confirmed", kind="individual")
    SignatureFactory(letter=letter, status="pending", organisation="Pending")
    SignatureFactory(letter=letter, status="withdrawn", organisation="")
    SignatureFactory(status="confirmed", organisation="Other letter")
    SignatureFactory(letter=letter, status="confirmed", organisation="Third")
    page = selectors.letter_public_signatories(letter=letter)
    assert organisations(page) == ["First", "Second", "Third"]
    assert page.next_cursor is None


def test_public_list_keyset_pagination(letter, django_assert_num_queries):
    """Each page is one query; the cursor is the last id shown; the end has none."""
    for n in range(5):
        SignatureFactory(letter=letter, status="confirmed", organisation=f"Org {n}")
    with django_assert_num_queries(1):
        first = selectors.letter_public_signatories(letter=letter, limit=2)
    assert organisations(first) == ["Org 0", "Org 1"]
    assert first.next_cursor == first.items[-1].pk
    second = selectors.letter_public_signatories(
        letter=letter, limit=2, after=first.next_cursor
    )
    assert organisations(second) == ["Org 2", "Org 3"]
    last = selectors.letter_public_signatories(
        letter=letter, limit=2, after=second.next_cursor
    )
    assert organisations(last) == ["Org 4"]
    assert last.next_cursor is None


def test_exactly_one_full_page_has_no_next_cursor(letter):
    """When the rows fit the page exactly there is no next page."""
    SignatureFactory.create_batch(3, letter=letter, status="confirmed")
    assert (
        selectors.letter_public_signatories(letter=letter, limit=3).next_cursor is None
    )


def test_public_list_filters(letter):
    """Country and type narrow the list and combine with the cursor."""
    SignatureFactory(letter=letter, status="confirmed", organisation="A", country="UA")
    SignatureFactory(
        letter=letter,
        status="confirmed",
        organisation="B",
        country="UA",
        organisation_type="media",
    )
    SignatureFactory(letter=letter, status="confirmed", organisation="C", country="DE")
    ukraine = selectors.letter_public_signatories(letter=letter, country="UA")
    assert organisations(ukraine) == ["A", "B"]
    media = selectors.letter_public_signatories(
        letter=letter, organisation_type="media"
    )
    assert organisations(media) == ["B"]
    after_a = selectors.letter_public_signatories(
        letter=letter, country="UA", after=ukraine.items[0].pk
    )
    assert organisations(after_a) == ["B"]


def test_approval_letter_lists_only_approved(db):
    """With approval required, confirmed organisations are not listed yet."""
    letter = LetterFactory(requires_approval=True)
    SignatureFactory(letter=letter, status="confirmed", organisation="Waiting")
    SignatureFactory(letter=letter, status="approved", organisation="Approved")
    page = selectors.letter_public_signatories(letter=letter)
    assert organisations(page) == ["Approved"]


def test_signatory_countries_follow_confirm_and_withdraw(letter):
    """The filter's countries are those of listed signatures, kept by the services."""
    rows = [
        SignatureFactory(letter=letter, country=country, is_public=public)
        for country, public in [("UA", True), ("DE", True), ("UA", True), ("FR", False)]
    ]
    SignatureFactory(letter=letter, status="pending", country="GE")
    for signature in rows:
        services.signature_confirm(
            signature_id=signature.pk, token=confirm_token.make_token(signature)
        )
    assert selectors.letter_signatory_countries(letter=letter) == ["DE", "UA"]
    german = Signature.objects.get(pk=rows[1].pk)
    services.signature_withdraw(
        signature_id=german.pk, token=withdraw_token.make_token(german)
    )
    assert selectors.letter_signatory_countries(letter=letter) == ["UA"]


def test_signatory_countries_follow_review_and_recount(db):
    """Approval lists a country, rejection removes it; a recount rebuilds them."""
    letter = LetterFactory(requires_approval=True)
    waiting = SignatureFactory(letter=letter, status="confirmed", country="PL")
    assert selectors.letter_signatory_countries(letter=letter) == []
    services.signatures_approve(signature_ids=[waiting.pk], user=None)
    assert selectors.letter_signatory_countries(letter=letter) == ["PL"]
    services.signatures_reject(signature_ids=[waiting.pk], user=None, reason="no")
    assert selectors.letter_signatory_countries(letter=letter) == []
    SignatureFactory(letter=letter, status="approved", country="GE")  # no service
    services.letter_recount(letter=letter)
    assert selectors.letter_signatory_countries(letter=letter) == ["GE"]


def test_public_logo_only_for_listed_signatures_with_a_logo(letter):
    """The logo selector answers only for listed signatures that have a logo."""
    listed = SignatureFactory(letter=letter, status="confirmed", logo="logos/a.png")
    no_logo = SignatureFactory(letter=letter, status="confirmed")
    hidden = SignatureFactory(
        letter=letter, status="confirmed", is_public=False, logo="logos/b.png"
    )
    assert selectors.signature_public_logo(signature_id=listed.pk) == listed
    assert selectors.signature_public_logo(signature_id=no_logo.pk) is None
    assert selectors.signature_public_logo(signature_id=hidden.pk) is None
    assert selectors.signature_public_logo(signature_id=987654) is None
