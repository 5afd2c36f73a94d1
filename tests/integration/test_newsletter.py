"""A newsletter from the editor's Send button to the inboxes, with real parts: a
Celery worker process (with beat), the broker of the run, and an SMTP sink."""

import os
import re
import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from signatories.models import (
    EmailKind,
    EmailState,
    Newsletter,
    NewsletterState,
    OutboundEmail,
    Signature,
    SignatureStatus,
)
from tests.factories import (
    LetterFactory,
    NewsletterFactory,
    NewsletterTextFactory,
    SignatureFactory,
)
from tests.live import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("live")]

OUTPUT = Path(
    os.environ.get("TEST_OUTPUT_DIR", Path(__file__).parents[2] / "test-output")
)
CONFIRM_LINK = re.compile(r"https?://\S+(/en/sign/confirm/\S+/)")


def sign(client, letter, *, email: str, newsletter: bool):
    """Sign through the form as a visitor would, ticking the opt-in or not."""
    data = {
        "organisation": f"Org of {email}",
        "country": "GE",
        "organisation_type": "ngo",
        "contact_name": "Nino K.",
        "contact_email": email,
        "is_public": "on",
        "consent": "on",
    }
    if newsletter:
        data["newsletter"] = "on"
    assert client.post(f"/en/sign/{letter.slug}/", data).status_code == 302


def confirm_by_email(client, message) -> None:
    """Follow the confirmation email's link and press Confirm."""
    path = CONFIRM_LINK.search(message.get_body(("plain",)).get_content()).group(1)
    landing = client.get(path)
    assert client.post(landing["Location"]).status_code == 200


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_newsletter_reaches_each_opted_in_signer_once_and_nobody_else(
    admin_client, client, letters_page, start_worker, smtp_sink
):
    """Signers who opted in get the newsletter once, in their language; others never."""
    letter = LetterFactory(slug="newsletter-live", title="Keep them online")
    # Batches of two: the build runs in several transactions.
    start_worker(NEWSLETTER_BATCH_SIZE="2")

    # Two organisations sign through the form, one asking for news; both confirm.
    sign(client, letter, email="yes@form.example", newsletter=True)
    sign(client, letter, email="no@form.example", newsletter=False)
    for message in smtp_sink.wait_for(2, timeout=45):
        confirm_by_email(client, message)
    assert Signature.objects.filter(status=SignatureStatus.CONFIRMED).count() == 2
    for seen in (smtp_sink.messages, smtp_sink.raw, smtp_sink.rcpt_attempts):
        seen.clear()

    # More signers as stored: opted in (English, German), and everyone who is not.
    opted_in = ["yes@form.example"]
    for i, language in enumerate(["en", "en", "de", "de"]):
        email = f"news{i}@org.example"
        SignatureFactory(
            letter=letter,
            status=SignatureStatus.APPROVED if i % 2 else SignatureStatus.CONFIRMED,
            newsletter=True,
            language=language,
            contact_email=email,
        )
        opted_in.append(email)
    never = ["no@form.example"]
    for email, kwargs in [
        ("optout@org.example", {"status": SignatureStatus.CONFIRMED}),
        (
            "pending@org.example",
            {"status": SignatureStatus.PENDING, "newsletter": True},
        ),
        (
            "rejected@org.example",
            {"status": SignatureStatus.REJECTED, "newsletter": True},
        ),
        (
            "russian@org.example",  # no Russian text was written
            {"status": SignatureStatus.CONFIRMED, "newsletter": True, "language": "ru"},
        ),
    ]:
        SignatureFactory(letter=letter, contact_email=email, **kwargs)
        never.append(email)

    newsletter = NewsletterFactory(letter=letter)
    NewsletterTextFactory(
        newsletter=newsletter,
        language="en",
        subject="The board answered our letter",
        body="The board of Example Corp answered today: they will stop.\n\n"
        "Read the answer: https://example.org/answer",
    )
    NewsletterTextFactory(
        newsletter=newsletter,
        language="de",
        subject="Der Vorstand hat geantwortet",
        body="Der Vorstand von Example Corp hat heute geantwortet.",
    )

    # The editor confirms the send, twice (a double click): nobody gets two.
    send_url = f"/en/admin/signatories/newsletter/{newsletter.pk}/send/"
    assert "goes to 5 signers" in admin_client.get(send_url).text
    started = time.monotonic()
    assert admin_client.post(send_url).status_code == 302
    assert admin_client.post(send_url).status_code == 302

    messages = smtp_sink.wait_for(len(opted_in), timeout=60)
    elapsed = time.monotonic() - started
    print(f"\nsend -> {len(opted_in)} newsletters in the sink: {elapsed:.2f} s")
    emails = OutboundEmail.objects.filter(newsletter=newsletter)
    assert wait_until(
        lambda: emails.filter(state=EmailState.SENT).count() == len(opted_in), 30
    )
    time.sleep(3)  # further sweeps (every second) must not send anything again
    assert sorted(smtp_sink.recipients()) == sorted(opted_in)
    assert not set(never) & set(smtp_sink.rcpt_attempts)
    newsletter.refresh_from_db()
    assert newsletter.state == NewsletterState.SENT
    assert newsletter.recipients_count == len(opted_in)
    assert newsletter.sent_by.username == "admin"
    assert set(emails.values_list("kind", flat=True)) == {EmailKind.NEWSLETTER}

    by_recipient = {message["To"]: message for message in messages}
    german = by_recipient["news2@org.example"]
    assert german["Subject"] == "Der Vorstand hat geantwortet"
    assert "Der Vorstand von Example Corp" in body(german)
    message = by_recipient["yes@form.example"]
    assert message["Subject"] == "The board answered our letter"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe in body(message)
    assert "yes@form.example" not in unsubscribe
    OUTPUT.mkdir(parents=True, exist_ok=True)
    # As it came over the wire (re-serialising would fold headers differently).
    raw = smtp_sink.raw[messages.index(message)]
    header = message_from_bytes(raw, policy=policy.compat32)["List-Unsubscribe"]
    assert header.split() == [f"<{unsubscribe}>"]  # folded at most, never encoded
    (OUTPUT / "newsletter.eml").write_bytes(raw)

    # The mail provider's one-click unsubscribe: a POST with no cookie.
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(unsubscribe).path, {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    signer = Signature.objects.get(contact_email="yes@form.example")
    assert signer.newsletter is False
    assert signer.status == SignatureStatus.CONFIRMED
    assert Newsletter.objects.get().state == NewsletterState.SENT
