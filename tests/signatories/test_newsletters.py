"""Newsletters: who gets one, sending once in batches, and unsubscribing."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from campaign.logging import redact
from signatories import newsletters, outbox, services
from signatories.models import (
    EmailKind,
    EmailState,
    Newsletter,
    NewsletterState,
    OutboundEmail,
    Signature,
    SignatureStatus,
)
from signatories.tasks import newsletter_build, newsletter_sweep
from signatories.tokens import unsubscribe_token, withdraw_token
from tests.factories import (
    LetterFactory,
    NewsletterFactory,
    NewsletterTextFactory,
    SignatureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CONFIRMED = SignatureStatus.CONFIRMED


@pytest.fixture
def newsletter(letter):
    """A draft newsletter of ``letter`` written in English and German."""
    newsletter = NewsletterFactory(letter=letter)
    NewsletterTextFactory(newsletter=newsletter, language="en", subject="The news")
    NewsletterTextFactory(
        newsletter=newsletter,
        language="de",
        subject="Die Neuigkeiten",
        body="Der Vorstand hat geantwortet.",
    )
    return newsletter


def subscriber(letter, **kwargs) -> Signature:
    """A confirmed signer of ``letter`` who asked for news."""
    return SignatureFactory(
        letter=letter, **({"status": CONFIRMED, "newsletter": True} | kwargs)
    )


def send(newsletter, user=None) -> bool:
    """Start sending as an editor would, and run the build to the end."""
    started = newsletters.newsletter_send(
        newsletter_id=newsletter.pk, user=user or UserFactory()
    )
    newsletters.newsletter_build(newsletter_id=newsletter.pk)
    newsletter.refresh_from_db()
    return started


def unsubscribe_path(signature, token=None) -> str:
    token = token or unsubscribe_token.make_token(signature)
    return f"/en/newsletter/unsubscribe/{signature.public_id}/{token}/"


def follow_link(client, url) -> str:
    """Open an emailed link: it redirects to a token-free URL, which is returned."""
    landing = client.get(url)
    assert landing.status_code == 302
    return landing["Location"]


# Who gets it


def test_recipients_are_opted_in_confirmed_signers_in_its_languages(letter, newsletter):
    """Only opted-in, confirmed or approved signers in its languages get it."""
    wanted = {
        subscriber(letter, language="en"),
        subscriber(letter, language="de", status=SignatureStatus.APPROVED),
    }
    subscriber(letter, newsletter=False)  # did not opt in
    subscriber(letter, status=SignatureStatus.PENDING)  # never confirmed
    subscriber(letter, status=SignatureStatus.REJECTED)
    subscriber(letter, status=SignatureStatus.WITHDRAWN)
    subscriber(letter, language="ru")  # no Russian text
    subscriber(letter, contact_email="", email_normalised="")  # no address
    subscriber(LetterFactory())  # another letter's signer
    assert set(newsletters.newsletter_recipients(newsletter=newsletter)) == wanted
    assert newsletters.newsletter_recipient_counts(newsletter=newsletter) == {
        "de": 1,
        "en": 1,
    }


def test_send_owes_each_recipient_one_email_and_records_the_send(letter, newsletter):
    """Sending writes one outbox row per recipient and records who, when, how many."""
    subscribers = [subscriber(letter) for _ in range(3)]
    subscriber(letter, newsletter=False)
    editor = UserFactory(username="sender")
    assert send(newsletter, editor) is True
    emails = OutboundEmail.objects.filter(newsletter=newsletter)
    assert sorted(e.signature_id for e in emails) == sorted(s.pk for s in subscribers)
    assert {(e.kind, e.state) for e in emails} == {
        (EmailKind.NEWSLETTER, EmailState.PENDING)
    }
    assert newsletter.state == NewsletterState.SENT
    assert (newsletter.recipients_count, newsletter.sent_by) == (3, editor)
    assert newsletter.sent_at is not None and newsletter.lease_until is None


def test_sending_again_sends_nobody_a_second_copy(letter, newsletter):
    """A second click, or a build run twice, owes nobody another email."""
    subscriber(letter)
    subscriber(letter)
    assert send(newsletter) is True
    assert send(newsletter) is False
    newsletter.state = NewsletterState.SENDING  # as if its task ran again
    newsletter.save()
    newsletters.newsletter_build(newsletter_id=newsletter.pk)
    assert OutboundEmail.objects.filter(newsletter=newsletter).count() == 2
    newsletter.refresh_from_db()
    assert newsletter.recipients_count == 2


def test_the_database_allows_one_email_per_newsletter_and_signature(letter, newsletter):
    """A second outbox row for the same newsletter and signer is refused."""
    signature = subscriber(letter)
    outbox.emails_queue_many(
        kind=EmailKind.NEWSLETTER, signatures=[signature], newsletter_id=newsletter.pk
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        outbox.emails_queue_many(
            kind=EmailKind.NEWSLETTER,
            signatures=[signature],
            newsletter_id=newsletter.pk,
        )


def test_build_goes_in_batches_and_resumes(letter, newsletter, settings):
    """Each run writes at most its batches; the next resumes after the last."""
    settings.NEWSLETTER_BATCH_SIZE = 2
    subscribers = [subscriber(letter) for _ in range(5)]
    newsletters.newsletter_send(newsletter_id=newsletter.pk, user=UserFactory())
    owed = OutboundEmail.objects.filter(newsletter=newsletter)

    def build(max_batches):
        return newsletters.newsletter_build(
            newsletter_id=newsletter.pk, max_batches=max_batches
        )

    assert build(1) is False
    assert sorted(owed.values_list("signature_id", flat=True)) == [
        s.pk for s in subscribers[:2]
    ]
    assert build(1) is False
    assert owed.count() == 4
    assert build(2) is True  # the last recipient, then nobody left: sent
    newsletter.refresh_from_db()
    assert (newsletter.state, newsletter.recipients_count) == (NewsletterState.SENT, 5)


def test_newsletter_without_text_cannot_be_sent(letter):
    """A newsletter with no language written stays a draft."""
    newsletter = NewsletterFactory(letter=letter)
    with pytest.raises(newsletters.NewsletterEmpty):
        newsletters.newsletter_send(newsletter_id=newsletter.pk, user=UserFactory())
    newsletter.refresh_from_db()
    assert newsletter.state == NewsletterState.DRAFT


def test_send_queues_the_build_which_delivers(
    letter,
    newsletter,
    celery_eager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The service queues the build on commit; the build queues each delivery."""
    subscriber(letter, contact_email="a@one.example")
    subscriber(letter, contact_email="b@two.example", language="de")
    subscriber(letter, contact_email="c@three.example", newsletter=False)
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send(newsletter_id=newsletter.pk, user=UserFactory())
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("a@one.example", "The news"),
        ("b@two.example", "Die Neuigkeiten"),
    ]
    newsletter.refresh_from_db()
    assert newsletter.state == NewsletterState.SENT
    assert newsletters.newsletter_delivery(newsletter=newsletter) == {
        EmailState.SENT: 2
    }


def test_build_task_queues_the_rest_when_its_share_is_done(
    letter, newsletter, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A build task that wrote its batches queues itself again for the rest."""
    settings.NEWSLETTER_BATCH_SIZE = 1
    monkeypatch.setattr(newsletters, "BATCHES_PER_TASK", 1)
    builds, deliveries = [], []
    monkeypatch.setattr(newsletters, "_enqueue_build", builds.append)
    monkeypatch.setattr(outbox, "_enqueue_many", deliveries.extend)
    subscriber(letter)
    subscriber(letter)
    newsletters.newsletter_send(newsletter_id=newsletter.pk, user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_build(newsletter.pk)
    [email] = OutboundEmail.objects.filter(newsletter=newsletter)
    assert (builds, deliveries) == ([newsletter.pk], [email.pk])


def test_sweep_resumes_a_send_nobody_holds(
    letter, newsletter, monkeypatch, django_capture_on_commit_callbacks
):
    """A newsletter left SENDING (broker down, worker died) is queued again."""
    builds = []
    monkeypatch.setattr(newsletters, "_enqueue_build", builds.append)
    newsletters.newsletter_send(newsletter_id=newsletter.pk, user=UserFactory())
    assert newsletter_sweep() == 0  # freshly queued: leased
    Newsletter.objects.filter(pk=newsletter.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert newsletter_sweep() == 1
    assert builds == [newsletter.pk]
    assert newsletter_sweep() == 0  # leased again
    sent = NewsletterFactory(letter=letter, state=NewsletterState.SENT)
    assert sent.pk not in newsletters.newsletters_resume()


# The email


def test_newsletter_email_in_the_signers_language_with_unsubscribe_headers(
    letter, newsletter
):
    """The email carries the text in the signer's language and RFC 8058 headers."""
    signature = subscriber(letter, language="de", contact_name="Jana")
    [email_id] = outbox.emails_queue_many(
        kind=EmailKind.NEWSLETTER, signatures=[signature], newsletter_id=newsletter.pk
    )
    message = outbox.email_build(OutboundEmail.objects.get(pk=email_id))
    link = message.extra_headers["List-Unsubscribe"].removeprefix("<").removesuffix(">")
    prefix = f"http://127.0.0.1:8000/de/newsletter/unsubscribe/{signature.public_id}/"
    assert link.startswith(prefix)
    assert unsubscribe_token.check_token(signature, link[len(prefix) :].strip("/"))
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    assert message.subject == "Die Neuigkeiten"
    assert message.to == [signature.contact_email]
    assert "Jana" in message.body and "Der Vorstand hat geantwortet." in message.body
    assert link in message.body
    assert f'href="{link}"' in newsletters.message_html(message)
    withdraw = re.search(
        r"/de/sign/withdraw/[0-9a-f-]+/([0-9a-z]+-[0-9a-f]+)/", message.body
    )
    assert withdraw_token.check_token(signature, withdraw.group(1))


def test_newsletter_html_escapes_the_editors_text(letter):
    """The text is plain: markup in it is shown, never run; addresses become links."""
    newsletter = NewsletterFactory(letter=letter)
    NewsletterTextFactory(
        newsletter=newsletter,
        body="<script>alert(1)</script>\n\nSee https://example.org/a",
    )
    [(_language, message)] = newsletters.newsletter_preview(newsletter=newsletter)
    html = newsletters.message_html(message)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<a href="https://example.org/a"' in html
    assert "<script>alert(1)</script>" in message.body  # the plain part as written


def test_no_other_kind_of_email_has_unsubscribe_headers(letter):
    """Only the newsletter is bulk mail; a confirmation request is not."""
    email = OutboundEmail.objects.create(
        kind=EmailKind.CONFIRM,
        signature=SignatureFactory(letter=letter),
        recipient="x@example.org",
    )
    assert "List-Unsubscribe" not in outbox.email_build(email).extra_headers


@pytest.mark.parametrize(
    "change",
    [
        {"newsletter": False},
        {"status": SignatureStatus.WITHDRAWN},
        {"status": SignatureStatus.REJECTED},
    ],
)
def test_an_owed_newsletter_is_not_sent_once_the_signer_opted_out(
    letter, newsletter, mailoutbox, change
):
    """Checked again as it goes out: an opt-out or withdrawal after queueing wins."""
    signature = subscriber(letter)
    [email_id] = outbox.emails_queue_many(
        kind=EmailKind.NEWSLETTER, signatures=[signature], newsletter_id=newsletter.pk
    )
    Signature.objects.filter(pk=signature.pk).update(**change)
    assert outbox.email_deliver(email_id=email_id) == EmailState.CANCELLED
    assert mailoutbox == []


def test_an_email_in_a_language_whose_text_is_gone_is_not_sent(
    letter, newsletter, mailoutbox
):
    """No text in the email's language: nothing half-written goes out."""
    signature = subscriber(letter, language="de")
    [email_id] = outbox.emails_queue_many(
        kind=EmailKind.NEWSLETTER, signatures=[signature], newsletter_id=newsletter.pk
    )
    newsletter.texts.filter(language="de").delete()
    assert outbox.email_deliver(email_id=email_id) == EmailState.CANCELLED
    assert mailoutbox == []


def test_preview_shows_each_language_with_placeholder_links(letter, newsletter):
    """The preview renders every language as sent, with links that do nothing."""
    previews = dict(newsletters.newsletter_preview(newsletter=newsletter))
    assert sorted(previews) == ["de", "en"]
    assert previews["de"].subject == "Die Neuigkeiten"
    assert (
        "/de/newsletter/unsubscribe/00000000-0000-0000-0000-000000000000/preview/"
        in (previews["de"].body)
    )
    assert Signature.objects.count() == 0  # the made-up recipient is not stored


# Unsubscribing


def test_unsubscribe_token_is_its_own(letter):
    """Only an unsubscribe token unsubscribes; a withdraw token does not."""
    signature = subscriber(letter)
    token = unsubscribe_token.make_token(signature)
    assert unsubscribe_token.check_token(signature, token)
    assert not unsubscribe_token.check_token(
        signature, withdraw_token.make_token(signature)
    )
    assert not withdraw_token.check_token(signature, token)


def test_unsubscribe_get_changes_nothing(client, letter):
    """Opening the link (as a mail scanner would) shows a button and changes nothing."""
    signature = subscriber(letter)
    location = follow_link(client, unsubscribe_path(signature))
    assert location == f"/en/newsletter/unsubscribe/{signature.public_id}/link/"
    page = client.get(location)
    assert page.status_code == 200
    assert 'method="post"' in page.text and "Unsubscribe" in page.text
    assert unsubscribe_token.make_token(signature) not in page.text
    signature.refresh_from_db()
    assert signature.newsletter is True


def test_unsubscribe_post_opts_out_and_cancels_owed_newsletters(
    client, letter, newsletter
):
    """The button turns the opt-in off and cancels newsletters not yet sent, only."""
    signature = subscriber(letter)
    other = subscriber(letter)
    send(newsletter)
    notice = outbox.email_queue(kind=EmailKind.APPROVED, signature=signature)
    location = follow_link(client, unsubscribe_path(signature))
    response = client.post(location)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    signature.refresh_from_db()
    assert signature.newsletter is False
    assert signature.status == CONFIRMED  # the signature stays
    states = dict(
        OutboundEmail.objects.filter(newsletter=newsletter).values_list(
            "signature_id", "state"
        )
    )
    assert states == {signature.pk: EmailState.CANCELLED, other.pk: EmailState.PENDING}
    notice.refresh_from_db()
    assert notice.state == EmailState.PENDING  # not a newsletter: still owed
    assert Signature.objects.get(pk=other.pk).newsletter is True


def test_one_click_post_needs_no_cookie_or_csrf_token(letter, newsletter):
    """The mail provider's one-click POST (RFC 8058) to the link unsubscribes."""
    signature = subscriber(letter)
    send(newsletter)
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        unsubscribe_path(signature), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not response.cookies.get("sessionid")
    signature.refresh_from_db()
    assert signature.newsletter is False
    assert OutboundEmail.objects.get(newsletter=newsletter).state == (
        EmailState.CANCELLED
    )


def test_the_pages_button_is_csrf_protected(letter):
    """A forged POST to the token-free address (a victim's session) is refused."""
    signature = subscriber(letter)
    browser = Client(enforce_csrf_checks=True)
    location = follow_link(browser, unsubscribe_path(signature))
    assert browser.post(location).status_code == 403
    signature.refresh_from_db()
    assert signature.newsletter is True


def test_unsubscribing_twice_is_harmless(client, letter):
    """A used link still answers: the signer is unsubscribed."""
    signature = subscriber(letter)
    url = unsubscribe_path(signature)
    assert client.post(url).status_code == 200
    page = client.get(follow_link(client, url))
    assert page.status_code == 200 and "You are unsubscribed" in page.text
    assert client.post(url).status_code == 200


def test_bad_unsubscribe_links_get_one_answer_whatever_the_state(client, letter):
    """Unknown id, wrong token, other link's token, withdrawn signer: same 400."""
    opted_in = subscriber(letter)
    opted_out = subscriber(letter, newsletter=False)
    withdrawn = subscriber(letter)
    withdrawn_link = unsubscribe_path(withdrawn)
    services.signature_withdraw(
        public_id=withdrawn.public_id, token=withdraw_token.make_token(withdrawn)
    )
    unknown = SignatureFactory.build(letter=letter)
    links = [
        unsubscribe_path(opted_in, "abc-123"),
        unsubscribe_path(opted_out, "abc-123"),
        unsubscribe_path(opted_in, withdraw_token.make_token(opted_in)),
        unsubscribe_path(opted_in, "x" * 200),
        withdrawn_link,
        unsubscribe_path(unknown, unsubscribe_token.make_token(opted_in)),
    ]
    answers = set()
    for url in links:
        public_id = url.split("/")[4]
        page = client.get(follow_link(client, url))
        one_click = Client().post(url)
        # The language switcher names the page's own address: the same for all.
        answers.add(
            (
                page.status_code,
                page.text.replace(public_id, "ID"),
                one_click.status_code,
            )
        )
    [(status, text, one_click_status)] = answers
    assert (status, one_click_status) == (400, 400)
    assert "This link does not work" in text
    assert Signature.objects.filter(newsletter=True).count() == 1  # opted_in


def test_unsubscribe_links_stay_out_of_logs_and_crawlers(client):
    """Unsubscribe tokens are redacted from logs, and robots.txt keeps crawlers out."""
    token = "diw1eb-5eba3f2eb80e7f9b394b449e3a72b017"
    path = f"/en/newsletter/unsubscribe/0f1e2d3c-0000-4000-8000-000000000000/{token}/"
    assert redact(f"Bad Request: {path}") == (
        "Bad Request: /en/newsletter/unsubscribe/[redacted]"
    )
    robots = client.get("/robots.txt").text.splitlines()
    assert "Disallow: /*/newsletter/unsubscribe/" in robots


def test_newsletter_and_unsubscribe_page_speak_the_signers_language(client, letter):
    """A Russian signer's newsletter footer and unsubscribe page are in Russian."""
    newsletter = NewsletterFactory(letter=letter)
    NewsletterTextFactory(newsletter=newsletter, language="ru", subject="Новости")
    signature = subscriber(letter, language="ru")
    [email_id] = outbox.emails_queue_many(
        kind=EmailKind.NEWSLETTER, signatures=[signature], newsletter_id=newsletter.pk
    )
    message = outbox.email_build(OutboundEmail.objects.get(pk=email_id))
    assert "Отписаться от этой рассылки" in newsletters.message_html(message)
    assert "/ru/newsletter/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    token = unsubscribe_token.make_token(signature)
    url = f"/ru/newsletter/unsubscribe/{signature.public_id}/{token}/"
    page = client.get(follow_link(client, url))
    assert "Отписаться от рассылки" in page.text
