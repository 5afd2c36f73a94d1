import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models

from signatories import services
from signatories.models import Signature, SignatureStatus
from signatories.tokens import withdraw_token
from tests.factories import SignatureFactory

# Field kinds that can hold what a signer typed or uploaded.
TEXT_OR_FILE = (models.CharField, models.TextField, models.FileField)


def test_every_text_or_file_field_is_classified():
    """A new text or file field fails here until it is declared personal or not."""
    personal = set(Signature.PERSONAL_FIELDS)
    non_personal = set(Signature.NON_PERSONAL_FIELDS)
    assert not personal & non_personal
    names = {field.name for field in Signature._meta.concrete_fields}
    assert personal | non_personal <= names, "a listed field no longer exists"
    unclassified = [
        field.name
        for field in Signature._meta.concrete_fields
        if isinstance(field, TEXT_OR_FILE) and field.name not in non_personal
        if field.name not in personal
    ]
    assert unclassified == []
    assert set(Signature.PUBLISHED_FIELDS) <= personal


@pytest.mark.django_db
def test_withdrawal_blanks_every_personal_field(django_capture_on_commit_callbacks):
    """Erasure blanks each field in PERSONAL_FIELDS, whatever it holds, and the logo."""
    logo = default_storage.save("logos/full.png", ContentFile(b"png"))
    signature = SignatureFactory(
        status=SignatureStatus.CONFIRMED,
        logo=logo,
        comment="We stand with you",
        newsletter=True,
        is_public=True,
        rejection_reason="noted",
        source_note="Berlin event",
        offline_key="k" * 64,
    )
    for name in Signature.PERSONAL_FIELDS:
        assert getattr(signature, name), f"fill {name} so the test proves its erasure"
    token = withdraw_token.make_token(signature)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.signature_withdraw(signature_id=signature.pk, token=token)
        assert result.outcome == "done"
    signature.refresh_from_db()
    for name in Signature.PERSONAL_FIELDS:
        assert not getattr(signature, name), name
    assert not default_storage.exists(logo)
