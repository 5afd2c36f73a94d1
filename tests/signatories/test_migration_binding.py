"""Migration 0009: existing signatures are bound to version 1, counts unchanged."""

import pytest

from pages.canonical import text_hash
from pages.models import LetterContent
from signatories.models import LetterTally, LetterVersionTally, Signature
from tests.factories import LetterFactory, edit_text, publish_text
from tests.migrations import migrate as _migrate
from tests.migrations import migration_executor as _executor
from tests.migrations import state_before

MIGRATION = ("signatories", "0013_bind_existing_signatures")
BEFORE = ("signatories", "0012_version_binding")


@pytest.fixture
def before(transactional_db):
    """Signatories just before the migration (pages as it is); forward after."""
    with state_before(BEFORE) as apps:
        yield apps


def _old(apps, letter, email, status="confirmed", language="en", **fields):
    """A signature as stored before the migration: bound to nothing."""
    model = apps.get_model("signatories", "Signature")
    return model.objects.create(
        letter_id=letter.pk,
        status=status,
        language=language,
        organisation="Kestrel",
        contact_name="Olena",
        contact_email=email,
        email_normalised=email,
        **fields,
    ).pk


def test_migration_binds_existing_signatures_to_version_one(before):
    """Each is bound to version 1 in its language (or the fallback) with its hash."""
    letter = LetterFactory()
    english = LetterContent.objects.get(letter=letter, language="en")
    german = publish_text(letter, "de", title="Stoppt die Razzien")
    ids = {
        "en": _old(before, letter, "en@kestrel.example"),
        "de": _old(before, letter, "de@kestrel.example", language="de"),
        "ru": _old(before, letter, "ru@kestrel.example", language="ru"),
        "pending": _old(before, letter, "p@kestrel.example", status="pending"),
        "withdrawn": _old(before, letter, "", status="withdrawn"),
    }
    # A later English version exists: the old signatures still signed the first.
    edit_text(letter, "en", body="<p>Changed after they signed.</p>")
    tally = before.get_model("signatories", "LetterTally")
    tally.objects.create(letter_id=letter.pk, public_count=3)

    _migrate([MIGRATION])
    _migrate(_executor().loader.graph.leaf_nodes())

    bound = {
        name: Signature.objects.values_list("letter_content_id", "text_hash").get(pk=pk)
        for name, pk in ids.items()
    }
    assert bound["de"] == (german.pk, german.text_hash)
    for name in ("en", "ru", "pending", "withdrawn"):
        assert bound[name] == (english.pk, english.text_hash), name
    assert english.text_hash == text_hash(english)
    assert LetterTally.objects.get(letter=letter).public_count == 3
    assert dict(
        LetterVersionTally.objects.values_list("content_id", "public_count")
    ) == {english.pk: 2, german.pk: 1}


def test_migration_counts_only_what_the_letter_counts(before):
    """On a letter that needs approval, a version counts approved organisations."""
    letter = LetterFactory(requires_approval=True)
    content = LetterContent.objects.get(letter=letter)
    _old(before, letter, "a@kestrel.example", status="approved")
    _old(before, letter, "c@kestrel.example", status="confirmed")
    _old(before, letter, "i@kestrel.example", status="confirmed", kind="individual")

    _migrate([MIGRATION])
    _migrate(_executor().loader.graph.leaf_nodes())

    assert LetterVersionTally.objects.get(content=content).public_count == 2


def test_migration_binds_signatures_of_an_unpublished_letter(before):
    """A letter taken off the site binds to its draft text, hashed the same way."""
    letter = LetterFactory(status="draft")
    draft = LetterContent.admin_manager.get(letter=letter)
    pk = _old(before, letter, "en@kestrel.example")

    _migrate([MIGRATION])
    _migrate(_executor().loader.graph.leaf_nodes())

    signature = Signature.objects.get(pk=pk)
    assert signature.letter_content_id == draft.pk
    assert signature.text_hash == text_hash(draft)
