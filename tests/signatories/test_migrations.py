"""The address migration, run on rows stored by the schema before it."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from signatories import services
from signatories.models import LetterTally, Signature, SignatureStatus
from signatories.selectors import letter_signature_count
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import LetterFactory, UserFactory
from tests.migrations import migrate as _migrate
from tests.migrations import migration_executor as _executor

MIGRATION = ("signatories", "0002_privacy_addresses")


@pytest.fixture
def before(transactional_db):
    """Roll signatories back to just before the migration; forward again after."""
    node = _executor().loader.graph.node_map[MIGRATION]
    previous = [parent.key for parent in node.parents if parent.key[0] == "signatories"]
    apps = _migrate(previous)
    yield apps
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_row(apps, letter, email, status="pending", **fields):
    """Store a signature as the code before the migration did (lower-cased)."""
    model = apps.get_model("signatories", "Signature")
    return model.objects.create(
        letter_id=letter.pk,
        status=status,
        organisation=fields.pop("organisation", "Kestrel"),
        contact_name="Olena",
        contact_email=email,
        email_normalised=email.strip().lower(),
        ip_hash="a" * 64,
        **fields,
    )


def test_migration_merges_one_mailbox_keeping_the_most_advanced(before):
    """Rows of one mailbox merge into the most advanced; the tally is recounted."""
    letter, other = LetterFactory(), LetterFactory()
    old = [
        _old_row(before, letter, "Olena.K@gmail.com", "pending"),
        _old_row(before, letter, "olenak+x@gmail.com", "approved"),
        _old_row(before, letter, "o.lena.k@googlemail.com", "confirmed"),
        _old_row(before, letter, "info@bücher.de", "confirmed"),
        _old_row(before, other, "olena.k+other@gmail.com", "confirmed"),
    ]
    tally = before.get_model("signatories", "LetterTally")
    tally.objects.create(letter_id=letter.pk, public_count=3)  # double-counted
    tally.objects.create(letter_id=other.pk, public_count=1)

    _migrate([MIGRATION])
    _migrate(_executor().loader.graph.leaf_nodes())

    rows = list(
        Signature.objects.filter(letter=letter)
        .order_by("pk")
        .values_list("pk", "status", "email_normalised")
    )
    assert rows == [
        (old[1].pk, "approved", "olenak@gmail.com"),
        (old[3].pk, "confirmed", "info@xn--bcher-kva.de"),
    ]
    assert Signature.objects.get(letter=other).email_normalised == "olenak@gmail.com"
    assert LetterTally.objects.get(letter=letter).public_count == 2
    assert LetterTally.objects.get(letter=other).public_count == 1
    assert services.letter_recount(letter=letter) == 2


def test_migration_keeps_a_rejection_over_a_confirmation(before):
    """An editor's rejection of a mailbox outranks its later confirmed duplicate."""
    letter = LetterFactory()
    rejected = _old_row(before, letter, "a.b@gmail.com", "rejected")
    _old_row(before, letter, "ab+again@gmail.com", "confirmed")
    _migrate([MIGRATION])
    [(pk, status)] = Signature.objects.values_list("pk", "status")
    assert (pk, status) == (rejected.pk, SignatureStatus.REJECTED)


def test_migration_merge_of_equals_keeps_the_oldest_and_drops_the_others_logo(
    before,
):
    """Between equal states the first signature stays; a merged row's logo goes."""
    letter = LetterFactory()
    logo = default_storage.save("logos/merged.png", ContentFile(b"png"))
    first = _old_row(before, letter, "x.y@gmail.com", "confirmed")
    merged = _old_row(before, letter, "xy+1@gmail.com", "confirmed", logo=logo)
    for row in (first, merged):
        LogEntry.objects.create(
            user=UserFactory(),
            content_type=ContentType.objects.get_for_model(Signature),
            object_id=str(row.pk),
            object_repr=f"Org {row.pk}",
            action_flag=CHANGE,
        )
    _migrate([MIGRATION])
    assert list(Signature.objects.values_list("pk", flat=True)) == [first.pk]
    assert not default_storage.exists(logo)
    assert list(LogEntry.objects.values_list("object_id", flat=True)) == [str(first.pk)]


def test_links_mailed_before_the_migration_keep_working(before):
    """Confirm and withdraw links made from the old address still work after it."""
    letter = LetterFactory()
    pending = _old_row(before, letter, "Jane.Doe+petition@gmail.com", "pending")
    confirmed = _old_row(before, letter, "Sam@Bücher.de", "confirmed")
    confirm_link = confirm_token.make_token(pending)
    withdraw_link = withdraw_token.make_token(confirmed)

    _migrate([MIGRATION])
    _migrate(_executor().loader.graph.leaf_nodes())

    pending = Signature.objects.get(pk=pending.pk)
    assert pending.email_normalised == "janedoe@gmail.com"
    result = services.signature_confirm(signature_id=pending.pk, token=confirm_link)
    assert result.outcome == "done"
    assert letter_signature_count(letter=letter) == 1
    confirmed = Signature.objects.get(pk=confirmed.pk)
    assert confirmed.email_normalised == "sam@xn--bcher-kva.de"
    assert withdraw_token.check_token(confirmed, withdraw_link)
    result = services.signature_withdraw(signature_id=confirmed.pk, token=withdraw_link)
    assert result.outcome == "done"
    # A used link still dies: the erasure blanks both forms of the address.
    confirmed.refresh_from_db()
    assert not withdraw_token.check_token(confirmed, withdraw_link)


def test_migration_blanks_the_ip_hash(before):
    """Stored IP hashes are blanked before the column is dropped."""
    row = _old_row(before, LetterFactory(), "a@example.org")
    apps = _migrate([MIGRATION])
    model = apps.get_model("signatories", "Signature")
    assert model.objects.get(pk=row.pk).ip_hash == ""
