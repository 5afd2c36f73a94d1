"""A signature from the form to the inbox to confirmation, with real parts:
a Celery worker process (with beat), the broker of the run, and an SMTP sink."""

import re
import time
from urllib.parse import urlsplit

import pytest

from campaign.celery import app as celery_app
from signatories.models import EmailState, OutboundEmail, Signature, SignatureStatus
from signatories.selectors import letter_signature_count
from tests.factories import LetterFactory
from tests.live import free_port, set_broker_url

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("live")]

LINK = re.compile(
    r"https?://\S+/sign/(confirm|withdraw)/[0-9a-f-]{36}/[0-9a-z]+-[0-9a-f]+/"
)


def sign(client, letter, email="press@kestrel.example"):
    return client.post(
        f"/en/sign/{letter.slug}/",
        {
            "organisation": "Kestrel Press Collective",
            "website": "https://kestrel.example",
            "country": "GE",
            "organisation_type": "media",
            "contact_name": "Nino K.",
            "contact_role": "Editor",
            "contact_email": email,
            "is_public": "on",
            "consent": "on",
        },
    )


def link(message, kind: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    urls = [m.group(0) for m in LINK.finditer(text) if m.group(1) == kind]
    assert urls, f"no {kind} link in:\n{text}"
    return urlsplit(urls[0]).path


def test_signature_travels_from_form_to_inbox_to_confirmation(
    client, letters_page, start_worker, smtp_sink
):
    """A submitted form yields one email via the worker; its link confirms; count +1."""
    letter = LetterFactory(slug="keep-them-online")
    start_worker()
    submitted = time.monotonic()
    response = sign(client, letter)
    assert response.status_code == 302
    [message] = smtp_sink.wait_for(1, timeout=30)
    elapsed = time.monotonic() - submitted
    print(f"\nsubmit -> email in sink: {elapsed:.2f} s")
    assert message["To"] == "press@kestrel.example"
    assert message.get_body(preferencelist=("html",)) is not None

    confirm_path = link(message, "confirm")
    landing = client.get(confirm_path)
    assert landing.status_code == 302  # the token moves into the session
    page = client.get(landing["Location"])
    assert b'method="post"' in page.content
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.PENDING  # a GET confirms nothing
    confirmed = client.post(landing["Location"])
    assert confirmed.status_code == 200
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED
    assert signature.emails.get().state == EmailState.SENT
    assert letter_signature_count(letter=letter) == 1
    listed = client.get(f"/en/sign/{letter.slug}/signatories/")  # the list's page
    assert "Kestrel Press Collective" in listed.text
    assert "press@kestrel.example" not in listed.text


def test_broker_down_at_submit_is_caught_up_by_the_beat_sweep(
    client, letters_page, start_worker, smtp_sink, caplog
):
    """With the web process's broker unreachable, signing still works and the beat
    sweep delivers the email once the broker answers again."""
    letter = LetterFactory(slug="broker-down")
    start_worker()
    good_url = celery_app.conf.broker_url
    set_broker_url(f"redis://127.0.0.1:{free_port()}/0")  # connection refused
    try:
        response = sign(client, letter)
    finally:
        set_broker_url(good_url)
    assert response.status_code == 302
    assert "Broker unavailable" in caplog.text
    email = OutboundEmail.objects.get()
    assert (email.state, email.attempts) == (EmailState.PENDING, 0)

    [message] = smtp_sink.wait_for(1, timeout=45)
    assert message["To"] == "press@kestrel.example"
    time.sleep(2.5)  # further sweeps must not send it again
    assert len(smtp_sink.messages) == 1
    email.refresh_from_db()
    assert email.state == EmailState.SENT


def test_smtp_temporary_failures_are_retried_until_delivered_once(
    client, letters_page, start_worker, smtp_sink
):
    """Two 4xx answers from the SMTP server, then acceptance: exactly one email."""
    smtp_sink.fail_first = 2
    letter = LetterFactory(slug="smtp-flaky")
    start_worker()
    assert sign(client, letter).status_code == 302
    smtp_sink.wait_for(1, timeout=45)
    time.sleep(1.5)
    assert smtp_sink.attempts == 3
    assert len(smtp_sink.messages) == 1
    email = OutboundEmail.objects.get()
    assert (email.state, email.attempts) == (EmailState.SENT, 3)
