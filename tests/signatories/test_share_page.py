"""The pages after signing and confirming: share links and who signed lately."""

import re

import pytest

from signatories import services
from signatories.models import SignatureStatus, SignerKind
from signatories.selectors import letter_recent_signatories
from signatories.tokens import confirm_token, withdraw_token
from tests.factories import LetterFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def recent_names(html: str) -> list[str]:
    section = re.search(r'<section class="recent-signatories".*?</section>', html, re.S)
    if section is None:
        return []
    return re.findall(r'<span class="name">([^<]*)</span>', section.group(0))


def signed(letter, name, **fields):
    """A signature of ``letter`` by ``name``, confirmed and listed unless told."""
    fields = {"status": SignatureStatus.CONFIRMED, "is_public": True} | fields
    return SignatureFactory(letter=letter, organisation=name, **fields)


def test_recent_signatories_are_listed_organisations_newest_first(letter):
    """Only counted, listed organisations; the newest first, at most the limit."""
    for n in range(7):
        signed(letter, f"Listed {n}")
    signed(letter, "Unlisted", is_public=False)
    signed(letter, "Pending", status=SignatureStatus.PENDING)
    signed(letter, "Withdrawn", status=SignatureStatus.WITHDRAWN)
    signed(letter, "Rejected", status=SignatureStatus.REJECTED)
    signed(letter, "A person", kind=SignerKind.INDIVIDUAL)
    signed(LetterFactory(), "Other letter")
    recent = letter_recent_signatories(letter=letter, limit=5)
    assert [s.organisation for s in recent] == [f"Listed {n}" for n in (6, 5, 4, 3, 2)]


def test_recent_signatories_on_an_approval_letter_are_approved_ones():
    """Where editors approve, a confirmed organisation is not shown yet."""
    letter = LetterFactory(requires_approval=True)
    signed(letter, "Approved", status=SignatureStatus.APPROVED)
    signed(letter, "Waiting", status=SignatureStatus.CONFIRMED)
    assert [s.organisation for s in letter_recent_signatories(letter=letter)] == [
        "Approved"
    ]


def test_recent_signatories_mix_both_counted_states_by_age(letter):
    """Confirmed and approved organisations interleave in signing order."""
    signed(letter, "First", status=SignatureStatus.APPROVED)
    signed(letter, "Second", status=SignatureStatus.CONFIRMED)
    signed(letter, "Third", status=SignatureStatus.APPROVED)
    assert [s.organisation for s in letter_recent_signatories(letter=letter)] == [
        "Third",
        "Second",
        "First",
    ]


def test_recent_signatories_read_a_bounded_number_of_rows(
    letter, django_assert_max_num_queries
):
    """At most one small indexed query per counted state, whatever the total."""
    for n in range(30):
        signed(letter, f"Org {n}")
    with django_assert_max_num_queries(2) as captured:
        letter_recent_signatories(letter=letter, limit=5)
    for query in captured.captured_queries:
        assert "LIMIT 5" in query["sql"]
        assert "ORDER BY" in query["sql"] and '"id" DESC' in query["sql"]


def test_check_your_inbox_page_invites_sharing_and_shows_recent_signers(
    client, letters_page, letter
):
    """After signing: plain share links to the letter and the newest listed names."""
    signed(letter, "Heron Union")
    signed(letter, "Hidden Group", is_public=False)
    signed(letter, "Pending Press", status=SignatureStatus.PENDING)
    response = client.get(f"/en/sign/{letter.slug}/thanks/")
    assert response.status_code == 200
    html = response.text
    assert "Check your inbox" in html
    assert 'class="share"' in html
    letter_url = f"http://127.0.0.1:8000/en/letters/{letter.slug}/"
    assert f'id="share-url" type="url" value="{letter_url}"' in html
    assert "https://t.me/share/url?url=http%3A//127.0.0.1%3A8000/en/letters/" in html
    assert "<script" not in html and "<iframe" not in html
    assert recent_names(html) == ["Heron Union"]
    assert "Hidden Group" not in html and "Pending Press" not in html
    assert f'href="/en/sign/{letter.slug}/signatories/"' in html
    # It names organisations: never kept by a shared cache.
    assert response["Cache-Control"] == "private, no-cache"


def test_check_your_inbox_page_without_listed_signers_has_no_empty_list(client, letter):
    """No listed organisation yet: no "recently signed" heading at all."""
    signed(letter, "Hidden Group", is_public=False)
    html = client.get(f"/en/sign/{letter.slug}/thanks/").text
    assert "Recently signed" not in html
    assert "Hidden Group" not in html
    assert 'class="share"' in html


def test_check_your_inbox_page_never_shows_a_withdrawn_organisation(
    client, letter, confirm
):
    """A withdrawal takes the name off the page at the next request."""
    signature = SignatureFactory(letter=letter, organisation="Heron Union")
    confirm(signature)
    url = f"/en/sign/{letter.slug}/thanks/"
    assert recent_names(client.get(url).text) == ["Heron Union"]
    signature.refresh_from_db()
    services.signature_withdraw(
        signature_id=signature.pk, token=withdraw_token.make_token(signature)
    )
    assert "Heron Union" not in client.get(url).text


def test_confirmed_page_invites_sharing_and_shows_recent_signers(
    client, letters_page, letter
):
    """After confirming: share links and the newest listed names, the signer's too."""
    signed(letter, "Heron Union")
    signature = SignatureFactory(letter=letter, organisation="Kestrel Alliance")
    hidden = SignatureFactory(letter=letter, organisation="Quiet Circle")
    hidden.is_public = False
    hidden.save()
    token = confirm_token.make_token(signature)
    landing = client.get(f"/en/sign/confirm/{signature.public_id}/{token}/")
    response = client.post(landing["Location"])
    assert response.status_code == 200
    html = response.text
    assert "Your signature is confirmed" in html
    assert 'class="share"' in html
    assert f"/en/letters/{letter.slug}/" in html
    assert recent_names(html) == ["Kestrel Alliance", "Heron Union"]
    assert "Quiet Circle" not in html
    # Its OpenGraph address is the letter's, never the link's.
    assert (
        f'<meta property="og:url" content="http://127.0.0.1:8000/en/letters/'
        f'{letter.slug}/">' in html
    )


def test_confirmed_page_of_an_unlisted_signer_does_not_name_them(client, letter):
    """An at-risk signer who confirms unlisted is not shown among recent signers."""
    signed(letter, "Heron Union")
    signature = SignatureFactory(letter=letter, organisation="Quiet Circle")
    token = confirm_token.make_token(signature)
    landing = client.get(f"/en/sign/confirm/{signature.public_id}/{token}/")
    response = client.post(landing["Location"], {"listing": "1"})  # box unticked
    assert recent_names(response.text) == ["Heron Union"]
