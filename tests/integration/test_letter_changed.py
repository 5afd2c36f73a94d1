"""A substantive change, from publishing to each earlier signer's inbox, with a real
Celery worker (with beat), the run's broker and an SMTP sink."""

import time

import pytest

from campaign.celery import app as celery_app
from signatories.models import (
    EmailKind,
    EmailState,
    LetterChangeNotice,
    OutboundEmail,
    SignatureStatus,
)
from tests.factories import LetterFactory, SignatureFactory, edit_text
from tests.live import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("live")]


def test_substantive_change_reaches_each_earlier_signer_once(
    letters_page, start_worker, smtp_sink
):
    """Publishing emails every earlier signer once, in their language; a rerun
    of the task and a later correction send nothing more."""
    letter = LetterFactory(slug="keep-them-online", title="Keep them online")
    signers = {
        "en@kestrel.example": "en",
        "de@kestrel.example": "de",
        "uk@kestrel.example": "uk",
    }
    for email, language in signers.items():
        SignatureFactory(
            letter=letter,
            contact_email=email,
            status=SignatureStatus.CONFIRMED,
            language=language,
        )
    SignatureFactory(letter=letter, contact_email="pending@kestrel.example")
    start_worker()

    content = edit_text(
        letter,
        "en",
        body="<p>We now also ask for the logs.</p>",
        change_kind="substantive",
        change_note="Adds the demand for the logs",
    )
    messages = smtp_sink.wait_for(3, timeout=60)
    assert sorted(m["To"] for m in messages) == sorted(signers)
    subjects = {m["To"]: str(m["Subject"]).strip() for m in messages}
    assert subjects["en@kestrel.example"] == (
        "The letter you signed has changed: Keep them online"
    )
    assert subjects["de@kestrel.example"].startswith("Der Brief, den Sie")
    assert subjects["uk@kestrel.example"].startswith("Лист, який ви підписали")
    for message in messages:
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert "Adds the demand for the logs" in text
        assert "/sign/withdraw/" in text
    assert wait_until(
        lambda: LetterChangeNotice.objects.get(pk=content.pk).completed_at is not None
    )

    # The task again, even with the notice reopened: nothing new is owed.
    LetterChangeNotice.objects.filter(pk=content.pk).update(completed_at=None)
    celery_app.tasks["signatories.tasks.notify_letter_changed"].delay(content.pk)
    assert wait_until(
        lambda: LetterChangeNotice.objects.get(pk=content.pk).completed_at is not None
    )
    # A correction tells nobody.
    edit_text(letter, "en", title="Keep them online!", change_kind="correction")
    time.sleep(3)  # a few sweeps of the beat
    assert len(smtp_sink.messages) == 3
    emails = OutboundEmail.objects.filter(kind=EmailKind.LETTER_CHANGED)
    assert emails.count() == 3
    assert set(emails.values_list("state", flat=True)) == {EmailState.SENT}
