"""Sign-ups read a letter's rules from a per-process copy kept for a moment
(pages.selectors.letter_get_for_signing): one read per second, not per sign-up."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages import selectors
from pages.models import Letter
from signatories.models import Signature
from tests.factories import LetterFactory
from tests.live import sign_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(settings):
    settings.SIGNING_LETTER_SECONDS = 1.0
    selectors.signing_letters_forget()
    yield LetterFactory(slug="kept-for-signing", requires_approval=False)
    selectors.signing_letters_forget()


def letter_reads(queries) -> int:
    return sum('FROM "pages_letter"' in q["sql"] for q in queries)


def test_sign_ups_in_a_rush_read_the_letter_once(client, letter):
    """The second sign-up within the second finds the letter's copy."""
    assert sign_form(client, letter, email="a@kestrel.example").status_code == 302
    with CaptureQueriesContext(connection) as second:
        assert sign_form(client, letter, email="b@kestrel.example").status_code == 302
    assert letter_reads(second.captured_queries) == 0
    assert Signature.objects.count() == 2


def test_closing_in_this_process_is_seen_at_once(client, letter):
    """Saving the letter (here: signing closes) drops the copies at once."""
    sign_form(client, letter, email="a@kestrel.example")
    letter.signing_closes = timezone.now() - timedelta(minutes=1)
    letter.save()
    response = sign_form(client, letter, email="b@kestrel.example")
    assert response.status_code == 409
    assert Signature.objects.count() == 1


def test_another_process_change_is_seen_within_the_second(client, letter, monkeypatch):
    """A change this process did not make (a queryset update stands in for
    another process's save) is read once the copy is a second old."""
    now = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now[0])
    sign_form(client, letter, email="a@kestrel.example")
    Letter.objects.filter(pk=letter.pk).update(
        signing_closes=timezone.now() - timedelta(minutes=1)
    )
    now[0] += 0.5
    assert sign_form(client, letter, email="b@kestrel.example").status_code == 302
    now[0] += 0.6
    assert sign_form(client, letter, email="c@kestrel.example").status_code == 409


def test_an_unknown_slug_is_a_404_every_time(client, letter):
    for _ in range(2):  # a miss is not kept as a letter
        response = client.post(
            "/en/sign/no-such-letter/", {}, HTTP_SEC_FETCH_SITE="same-origin"
        )
        assert response.status_code == 404
    response = client.post(
        "/api/letters/no-such-letter/signatures/",
        data="{}",
        content_type="application/json",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 404
    assert response.json()["detail"]
