import pytest

from signatories.emails import email_render, signature_links
from signatories.models import EmailKind
from signatories.tokens import SignatureTokenGenerator, confirm_token, withdraw_token
from tests.factories import SignatureFactory, edit_text, publish_text

pytestmark = pytest.mark.django_db


def signature_email(signature, kind=None):
    """The email a repeat submission owes: a confirmation while pending."""
    if kind is None:
        pending = signature.status == "pending"
        kind = EmailKind.CONFIRM if pending else EmailKind.ALREADY_SIGNED
    return email_render(kind=kind, signature=signature)


def test_confirmation_email_has_text_html_and_both_links(letter, monkeypatch):
    """A pending signer's email has a text body and an HTML part with both links."""
    # Tokens carry the second they were made in: make both sets in the same one.
    now = SignatureTokenGenerator._now(None)
    monkeypatch.setattr(SignatureTokenGenerator, "_now", lambda self: now)
    signature = SignatureFactory(letter=letter, contact_name="Olena")
    message = signature_email(signature)
    links = signature_links(signature)
    assert message.to == [signature.contact_email]
    assert message.subject == "Please confirm your signature: Stop the raids"
    assert "Olena" not in message.body  # an unconfirmed address gets no free text
    assert links["confirm_url"] in message.body
    assert links["withdraw_url"] in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{links["confirm_url"]}"' in html


def test_links_carry_working_tokens(letter):
    """The mailed links hold a valid confirm token and a valid withdraw token."""
    signature = SignatureFactory(letter=letter)
    links = signature_links(signature)
    confirm = links["confirm_url"].rstrip("/").rsplit("/", 1)[1]
    withdraw = links["withdraw_url"].rstrip("/").rsplit("/", 1)[1]
    assert confirm_token.check_token(signature, confirm)
    assert withdraw_token.check_token(signature, withdraw)
    assert links["confirm_url"].startswith("http")


def test_plain_text_email_is_not_html_escaped(letter):
    """Ampersands and quotes read as typed in the text part and the subject."""
    edit_text(letter, title="Stop raids & arrests")
    signature = SignatureFactory(
        letter=letter, contact_name="Seán O'Brien", status="confirmed"
    )
    message = signature_email(signature)
    assert message.subject == "You have already signed: Stop raids & arrests"
    assert "Hello Seán O'Brien," in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body
    html = message.alternatives[0][0]
    assert "&amp;" in html and "O&#x27;Brien" in html  # the HTML part stays escaped


def test_subject_is_one_line(letter):
    """A title with a line break still makes a one-line subject."""
    edit_text(letter, title="Stop the raids\nnow")
    message = signature_email(SignatureFactory(letter=letter))
    assert "\n" not in message.subject
    assert message.subject.endswith("Stop the raids now")


def test_email_in_the_signers_language(letter):
    """The links and the letter title follow the signer's language."""
    publish_text(letter, "de", title="Stoppt die Razzien")
    message = signature_email(SignatureFactory(letter=letter, language="de"))
    assert "/de/sign/confirm/" in message.body
    assert "Stoppt die Razzien" in message.subject
    assert '<html lang="de">' in message.alternatives[0][0]


def test_email_falls_back_to_english_letter_text(letter):
    """A signer whose language the letter lacks gets the English title."""
    message = signature_email(SignatureFactory(letter=letter, language="uk"))
    assert "Stop the raids" in message.subject
    assert "/uk/sign/confirm/" in message.body


def test_confirmed_signer_gets_the_already_signed_notice(letter):
    """Confirmed and approved signers are told nothing changed; no confirm link."""
    for status in ("confirmed", "approved"):
        message = signature_email(SignatureFactory(letter=letter, status=status))
        assert message.subject == "You have already signed: Stop the raids"
        assert "/sign/confirm/" not in message.body
        assert "/sign/withdraw/" in message.body


@pytest.mark.parametrize("status", ["withdrawn", "rejected"])
def test_no_email_for_ended_signatures(letter, status):
    """Withdrawn and rejected signatures are owed no email."""
    assert signature_email(SignatureFactory(letter=letter, status=status)) is None


@pytest.mark.parametrize("language", ["ru", "de", "uk"])
def test_email_text_is_translated(letter, language):
    """The subject and body wording follow the signer's language, not English."""
    message = signature_email(SignatureFactory(letter=letter, language=language))
    english = signature_email(SignatureFactory(letter=letter, language="en"))
    assert "Stop the raids" in message.subject  # the letter has no translation
    assert message.subject != english.subject
    assert message.body != english.body


def test_russian_email_is_in_cyrillic(letter):
    """A Russian signer's subject is written in Russian."""
    message = signature_email(SignatureFactory(letter=letter, language="ru"))
    wording = message.subject.replace("Stop the raids", "")
    assert any("\u0400" <= ch <= "\u04ff" for ch in wording)


def test_confirm_email_carries_none_of_the_submitters_text(letter):
    """An unconfirmed address gets no names, URLs or comment typed by the submitter."""
    hostile = {
        "organisation": "Security team of your bank",
        "contact_name": "Hello Security team, restore it at https://evil.example/login",
        "contact_role": "Fraud desk",
        "website": "https://evil.example/login",
        "comment": "Your account is locked: https://evil.example/unlock",
    }
    signature = SignatureFactory(letter=letter, **hostile)
    message = signature_email(signature)
    html = message.alternatives[0][0]
    for part in (message.subject, message.body, html):
        for value in hostile.values():
            assert value not in part
        assert "evil.example" not in part and "Security team" not in part
    links = signature_links(signature)
    assert (
        links["confirm_url"] in message.body and links["withdraw_url"] in message.body
    )
    assert "Stop the raids" in message.body
    assert "If it was not you" in message.body and "If it was not you" in html


def test_already_signed_email_words_the_signers_kind(letter):
    """An organisation's notice names it; an individual's says "personal"."""
    for_org = SignatureFactory(
        letter=letter, status="confirmed", organisation="Kestrel Press"
    )
    individual = SignatureFactory(
        letter=letter,
        status="confirmed",
        kind="individual",
        organisation="",
        contact_name="Olena Petrenko",
    )
    org_message = signature_email(for_org)
    assert "on behalf of Kestrel Press" in org_message.body
    person = signature_email(individual)
    assert "on behalf of" not in person.body
    assert "Your personal signature is already confirmed" in person.body
    [(html, _mimetype)] = person.alternatives
    assert "on behalf of" not in html and "personal signature" in html
