from datetime import timedelta

import pytest

from signatories.models import SignatureStatus
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def test_confirm_token_is_valid_for_its_signature_only():
    """A token checks for the signature it was made for and no other."""
    signature, other = SignatureFactory(), SignatureFactory()
    token = confirm_token.make_token(signature)
    assert confirm_token.check_token(signature, token)
    assert not confirm_token.check_token(other, token)


@pytest.mark.parametrize(
    "token", ["", "abc", "zzzz-1234", "-", "1-", "x" * 5000, "!!-@@", None]
)
def test_garbage_tokens_are_refused_without_error(token):
    """Malformed tokens are simply invalid."""
    assert not confirm_token.check_token(SignatureFactory(), token)


def test_tokens_are_single_purpose():
    """A confirmation token does not withdraw, nor a withdraw token confirm."""
    signature = SignatureFactory()
    assert not withdraw_token.check_token(
        signature, confirm_token.make_token(signature)
    )
    assert not confirm_token.check_token(
        signature, withdraw_token.make_token(signature)
    )


def test_confirm_token_dies_when_the_status_changes():
    """Once confirmed, the confirmation link no longer checks."""
    signature = SignatureFactory()
    token = confirm_token.make_token(signature)
    signature.status = SignatureStatus.CONFIRMED
    assert not confirm_token.check_token(signature, token)


def test_token_expires_after_the_timeout(monkeypatch, settings):
    """The time seam moves the clock past the timeout; the token is then refused."""
    signature = SignatureFactory()
    token = confirm_token.make_token(signature)
    now = confirm_token._now()
    monkeypatch.setattr(
        confirm_token,
        "_now",
        lambda: now + timedelta(seconds=settings.SIGNATURE_TOKEN_TIMEOUT - 60),
    )
    assert confirm_token.check_token(signature, token)
    monkeypatch.setattr(
        confirm_token,
        "_now",
        lambda: now + timedelta(seconds=settings.SIGNATURE_TOKEN_TIMEOUT + 60),
    )
    assert not confirm_token.check_token(signature, token)
