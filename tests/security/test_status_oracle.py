"""The status oracle (issue 11.3): a confirm or withdraw URL with a wrong or
missing token answers one and the same page whatever the signature's state."""

import re
import uuid

import pytest

from signatories import services
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import EditorFactory, LetterFactory, SignatureFactory

pytestmark = pytest.mark.django_db

NOISE = re.compile(r'(nonce|value)="[^"]*"')


def states():
    """One signature in each state, plus ids that name no signature."""
    letter = LetterFactory(slug="secret-letter", title="Secret letter title")
    pending = SignatureFactory(letter=letter)
    confirmed = SignatureFactory(letter=letter)
    services.signature_confirm(
        public_id=confirmed.public_id, token=confirm_token.make_token(confirmed)
    )
    withdrawn = SignatureFactory(letter=letter, status="confirmed")
    services.signature_withdraw(
        public_id=withdrawn.public_id, token=withdraw_token.make_token(withdrawn)
    )
    rejected = SignatureFactory(letter=letter, status="confirmed")
    services.signatures_reject(
        signature_ids=[rejected.pk], user=EditorFactory(), reason="spam"
    )
    signatures = [pending, confirmed, withdrawn, rejected]
    ids = [str(s.public_id) for s in signatures] + [str(s.pk) for s in signatures]
    return ids + [str(uuid.uuid4()), "987654"]


def answer(client, kind: str, link_id: str, token: str | None):
    """Open a link as a browser would; ``None`` is the token-free URL alone."""
    client.cookies.clear()
    url = f"/en/sign/{kind}/{link_id}/link/"
    if token is not None:
        landing = client.get(f"/en/sign/{kind}/{link_id}/{token}/")
        assert landing.status_code == 302
        url = landing["Location"]
    get = client.get(url)
    post = client.post(url)
    # The page names its own URL (language switcher): that is not about the state.
    text = NOISE.sub("", get.text).replace(f"/{link_id}/", "/ID/")
    return (get.status_code, text, post.status_code)


@pytest.mark.parametrize("kind", ["confirm", "withdraw"])
@pytest.mark.parametrize("token", ["abc-123", "1-" + "0" * 32, None])
def test_wrong_or_missing_token_answers_the_same_whatever_the_state(
    client, kind, token
):
    """Pending, confirmed, withdrawn, rejected or no signature: one answer."""
    answers = {link_id: answer(client, kind, link_id, token) for link_id in states()}
    assert len(set(answers.values())) == 1, answers.keys()
    status, text, post_status = next(iter(answers.values()))
    assert (status, post_status) == (400, 400)
    assert "Your signature is confirmed" not in text
    assert "Secret letter title" not in text and "secret-letter" not in text


def test_links_name_a_random_public_id_not_the_pk():
    """Mailed links carry the signature's UUID, never its sequential id."""
    from signatories.emails import signature_links

    signature = SignatureFactory()
    links = signature_links(signature)
    for url in (links["confirm_url"], links["withdraw_url"]):
        assert f"/{signature.public_id}/" in url
        assert f"/{signature.pk}/" not in url


def test_links_mailed_with_the_pk_keep_working(client):
    """Withdraw links live 400 days: the old pk route runs the same checks."""
    signature = SignatureFactory(status="confirmed")
    token = withdraw_token.make_token(signature)
    landing = client.get(f"/en/sign/withdraw/{signature.pk}/{token}/")
    page = client.get(landing["Location"])
    assert page.status_code == 200
    assert "Withdraw my signature" in page.text


def test_a_genuine_confirm_link_still_says_confirmed(client):
    """Only a valid token learns that its signature is confirmed."""
    signature = SignatureFactory()
    token = confirm_token.make_token(signature)
    services.signature_confirm(public_id=signature.public_id, token=token)
    landing = client.get(f"/en/sign/confirm/{signature.public_id}/{token}/")
    page = client.get(landing["Location"])
    assert page.status_code == 200
    assert "Your signature is confirmed" in page.text
