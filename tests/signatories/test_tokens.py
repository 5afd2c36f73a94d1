from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import base36_to_int, int_to_base36

from signatories.models import SignatureStatus
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def later(generator, seconds):
    """A clock ``seconds`` after the generator's current time."""
    now = generator._now()
    return lambda: now + timedelta(seconds=seconds)


def test_confirm_token_is_valid_for_its_signature_only():
    """A token checks for the signature it was made for and no other."""
    signature, other = SignatureFactory(), SignatureFactory()
    token = confirm_token.make_token(signature)
    assert confirm_token.check_token(signature, token)
    assert not confirm_token.check_token(other, token)


def test_tampered_token_is_refused():
    """Changing the digest or the timestamp of a token invalidates it."""
    signature = SignatureFactory()
    token = confirm_token.make_token(signature)
    timestamp, digest = token.split("-")
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    assert not confirm_token.check_token(signature, f"{timestamp}-{flipped}")
    earlier = int_to_base36(base36_to_int(timestamp) - 1)
    assert not confirm_token.check_token(signature, f"{earlier}-{digest}")
    assert not confirm_token.check_token(signature, token.upper())
    assert not confirm_token.check_token(signature, token + "0")


def test_token_signed_with_another_key_is_refused(settings):
    """A token made under another SECRET_KEY does not check."""
    signature = SignatureFactory()
    settings.SECRET_KEY = "an-attackers-guess-0123456789abcdefghijklmnopqrs"
    forged = confirm_token.make_token(signature)
    settings.SECRET_KEY = "the-real-secret-0123456789abcdefghijklmnopqrstuv"
    assert not confirm_token.check_token(signature, forged)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "zzzz-1234",
        "-",
        "1-",
        "-abc",
        "x" * 5000,
        "1" * 65,
        "zzzzzzzzzzzzzzzz-abc",  # a timestamp too large for base36_to_int
        "!!-@@",
        "ab\x00-cd",
        "абв-где",
        None,
    ],
)
def test_garbage_tokens_are_refused_without_error(token):
    """Malformed tokens are simply invalid."""
    signature = SignatureFactory()
    assert not confirm_token.check_token(signature, token)
    assert not withdraw_token.check_token(signature, token)


def test_check_token_without_a_signature_is_false():
    """A token for a missing signature is invalid, not an error."""
    assert not confirm_token.check_token(None, "abc-123")


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


@pytest.mark.parametrize("status", ["confirmed", "approved", "rejected"])
def test_withdraw_token_survives_status_changes(status):
    """The withdraw link from the first email works whatever editors did since."""
    signature = SignatureFactory()
    token = withdraw_token.make_token(signature)
    signature.status = status
    assert withdraw_token.check_token(signature, token)


def test_withdraw_token_dies_when_the_signature_is_erased():
    """Withdrawal erases the address and stamps the time: the link stops working."""
    signature = SignatureFactory(status=SignatureStatus.CONFIRMED)
    token = withdraw_token.make_token(signature)
    signature.email_normalised = ""
    signature.withdrawn_at = timezone.now()
    assert not withdraw_token.check_token(signature, token)


def test_confirm_token_dies_when_the_address_changes():
    """A token is bound to the address it was mailed to."""
    signature = SignatureFactory()
    token = confirm_token.make_token(signature)
    signature.email_normalised = "someone@else.example"
    assert not confirm_token.check_token(signature, token)


def test_token_expires_after_the_timeout(monkeypatch, settings):
    """The time seam moves the clock past the timeout; the token is then refused."""
    signature = SignatureFactory()
    token = confirm_token.make_token(signature)
    timeout = settings.SIGNATURE_TOKEN_TIMEOUT
    almost, past = (
        later(confirm_token, timeout - 60),
        later(confirm_token, timeout + 60),
    )
    monkeypatch.setattr(confirm_token, "_now", almost)
    assert confirm_token.check_token(signature, token)
    monkeypatch.setattr(confirm_token, "_now", past)
    assert not confirm_token.check_token(signature, token)


def test_token_from_the_future_is_refused(monkeypatch):
    """A timestamp ahead of the clock does not check (no negative ages)."""
    signature = SignatureFactory()
    monkeypatch.setattr(confirm_token, "_now", later(confirm_token, 3600))
    token = confirm_token.make_token(signature)
    monkeypatch.undo()
    assert not confirm_token.check_token(signature, token)


def test_withdraw_token_outlives_the_confirm_timeout(monkeypatch, settings):
    """Withdraw links keep working long after confirm links have expired."""
    signature = SignatureFactory()
    token = withdraw_token.make_token(signature)
    monkeypatch.setattr(
        withdraw_token,
        "_now",
        later(withdraw_token, settings.SIGNATURE_TOKEN_TIMEOUT * 4),
    )
    assert withdraw_token.check_token(signature, token)
    monkeypatch.undo()
    monkeypatch.setattr(
        withdraw_token,
        "_now",
        later(withdraw_token, settings.SIGNATURE_WITHDRAW_TOKEN_TIMEOUT + 60),
    )
    assert not withdraw_token.check_token(signature, token)


def test_token_shape():
    """Tokens are short, URL-safe and carry a base36 timestamp."""
    token = confirm_token.make_token(SignatureFactory())
    timestamp, digest = token.split("-")
    assert timestamp.isalnum() and timestamp == timestamp.lower()
    assert len(digest) == 32 and int(digest, 16) >= 0
    assert len(token) <= 64
