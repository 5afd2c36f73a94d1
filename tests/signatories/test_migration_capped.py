"""Migration 0015: each signature's capped_emails counts the capped emails it was
owed before, so the cap still holds for signers who signed before the upgrade."""

import pytest
from django.conf import settings

from signatories import services
from signatories.models import OutboundEmail, Signature
from tests.factories import LetterFactory
from tests.migrations import migrate as _migrate
from tests.migrations import migration_executor as _executor
from tests.migrations import state_before

MIGRATION = ("signatories", "0015_signature_capped_emails")
BEFORE = ("signatories", "0014_email_kinds")


@pytest.fixture
def before(transactional_db):
    """Signatories just before the migration (pages as it is); forward after."""
    with state_before(BEFORE) as apps:
        yield apps


def test_migration_counts_the_emails_each_signature_was_owed(before):
    letter = LetterFactory()
    signature_model = before.get_model("signatories", "Signature")
    email_model = before.get_model("signatories", "OutboundEmail")

    def old(email: str, kinds: list[str]) -> int:
        pk = signature_model.objects.create(
            letter_id=letter.pk,
            status="confirmed",
            organisation="Kestrel",
            contact_name="Olena",
            contact_email=email,
            email_normalised=email,
        ).pk
        for kind in kinds:
            email_model.objects.create(
                kind=kind, signature_id=pk, recipient=email, language="en"
            )
        return pk

    capped = old("capped@kestrel.example", ["confirm", "already_signed", "confirm"])
    once = old("once@kestrel.example", ["confirm", "approved", "letter_changed"])
    none = old("none@kestrel.example", [])

    _migrate([MIGRATION])
    _migrate(_executor().loader.graph.leaf_nodes())

    counts = dict(Signature.objects.values_list("pk", "capped_emails"))
    assert (counts[capped], counts[once], counts[none]) == (3, 1, 0)
    # The signer at the cap is owed nothing more when signing again.
    assert settings.SIGNATURE_MAX_EMAILS == 3
    services.signature_create(
        letter=letter, contact_email="capped@kestrel.example", contact_name="O"
    )
    assert OutboundEmail.objects.filter(signature_id=capped).count() == 3
