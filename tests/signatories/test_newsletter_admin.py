"""The newsletter admin: write, preview, send with confirmation, keep the record."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from signatories.models import Newsletter, NewsletterState, SignatureStatus
from tests.factories import (
    NewsletterFactory,
    NewsletterTextFactory,
    SignatureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/signatories/newsletter/"


def texts_formset(*texts, initial=0) -> dict:
    """The inline formset's POST data for (language, subject, body) rows."""
    data = {
        "texts-TOTAL_FORMS": str(len(texts)),
        "texts-INITIAL_FORMS": str(initial),
        "texts-MIN_NUM_FORMS": "1",
        "texts-MAX_NUM_FORMS": "4",
    }
    for i, (language, subject, body) in enumerate(texts):
        data |= {
            f"texts-{i}-language": language,
            f"texts-{i}-subject": subject,
            f"texts-{i}-body": body,
        }
    return data


@pytest.fixture
def draft(letter):
    """A draft in English and Russian, and two opted-in signers (one per language)."""
    newsletter = NewsletterFactory(letter=letter)
    NewsletterTextFactory(newsletter=newsletter, language="en", subject="The news")
    NewsletterTextFactory(newsletter=newsletter, language="ru", subject="Новости")
    for language in ("en", "ru", "ru"):
        SignatureFactory(
            letter=letter,
            status=SignatureStatus.CONFIRMED,
            newsletter=True,
            language=language,
        )
    SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)  # not opted in
    return newsletter


def staff_client(*permissions: str) -> tuple[Client, object]:
    user = UserFactory(is_staff=True)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client, user


def test_editor_writes_a_newsletter_per_language(admin_client, admin_user, letter):
    """The add form takes a letter and a subject and text per language."""
    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "letter": letter.pk,
            **texts_formset(
                ("en", "The board answered", "They said yes."),
                ("de", "Der Vorstand antwortete", "Sie sagten ja."),
            ),
        },
    )
    assert response.status_code == 302, response.context["errors"]
    newsletter = Newsletter.objects.get()
    assert newsletter.state == NewsletterState.DRAFT
    assert newsletter.created_by == admin_user
    assert sorted(newsletter.texts.values_list("language", "subject")) == [
        ("de", "Der Vorstand antwortete"),
        ("en", "The board answered"),
    ]


def test_one_text_per_language(admin_client, letter):
    """Two texts in one language are a form error, not a 500."""
    response = admin_client.post(
        f"{ADMIN}add/",
        {
            "letter": letter.pk,
            **texts_formset(("en", "One", "Text."), ("en", "Two", "Text.")),
        },
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.text
    assert not Newsletter.objects.exists()


def test_preview_shows_each_language_as_sent(admin_client, draft):
    """The preview shows every language's subject, HTML and plain text."""
    response = admin_client.get(f"{ADMIN}{draft.pk}/preview/")
    assert response.status_code == 200
    assert "The news" in response.text and "Новости" in response.text
    assert "srcdoc=" in response.text and "sandbox" in response.text
    assert "/ru/newsletter/unsubscribe/00000000-0000-0000-0000-000000000000/" in (
        response.text
    )


def test_change_form_links_preview_and_send(admin_client, draft):
    """A draft's page offers Preview and Send."""
    page = admin_client.get(f"{ADMIN}{draft.pk}/change/").text
    assert f"{ADMIN}{draft.pk}/preview/" in page
    assert f"{ADMIN}{draft.pk}/send/" in page


def test_send_asks_for_confirmation_with_the_recipient_count(
    admin_client, admin_user, draft
):
    """The send page counts recipients per language; only its POST sends."""
    page = admin_client.get(f"{ADMIN}{draft.pk}/send/")
    assert page.status_code == 200
    assert "This newsletter goes to 3 signers" in page.text
    assert "English: 1" in page.text and "Russian: 2" in page.text
    draft.refresh_from_db()
    assert draft.state == NewsletterState.DRAFT  # a GET sends nothing
    response = admin_client.post(f"{ADMIN}{draft.pk}/send/", follow=True)
    assert "The newsletter is being sent" in response.text
    draft.refresh_from_db()
    assert (draft.state, draft.sent_by) == (NewsletterState.SENDING, admin_user)
    assert draft.send_started_at is not None


def test_sending_twice_says_so(admin_client, draft):
    """A second send (another tab, another editor) sends nothing and says why."""
    admin_client.post(f"{ADMIN}{draft.pk}/send/")
    response = admin_client.post(f"{ADMIN}{draft.pk}/send/", follow=True)
    assert "already sent" in response.text


def test_send_without_text_is_an_error_message(admin_client, letter):
    """A newsletter with no text cannot be sent; the editor is told."""
    newsletter = NewsletterFactory(letter=letter)
    response = admin_client.post(f"{ADMIN}{newsletter.pk}/send/", follow=True)
    assert "at least one language" in response.text
    newsletter.refresh_from_db()
    assert newsletter.state == NewsletterState.DRAFT


def test_sending_needs_the_send_permission(draft):
    """Who may edit newsletters may not send them without 'Can send newsletters'."""
    client, _user = staff_client("view_newsletter", "change_newsletter")
    assert f"{ADMIN}{draft.pk}/send/" not in (
        client.get(f"{ADMIN}{draft.pk}/change/").text
    )
    assert client.get(f"{ADMIN}{draft.pk}/send/").status_code == 403
    assert client.post(f"{ADMIN}{draft.pk}/send/").status_code == 403
    draft.refresh_from_db()
    assert draft.state == NewsletterState.DRAFT
    sender, user = staff_client("view_newsletter", "send_newsletter")
    assert sender.post(f"{ADMIN}{draft.pk}/send/").status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.sent_by) == (NewsletterState.SENDING, user)


def test_a_sent_newsletter_is_a_read_only_record(admin_client, admin_user, draft):
    """After sending: when, how many, by whom, read-only and not deletable."""
    Newsletter.objects.filter(pk=draft.pk).update(
        state=NewsletterState.SENT,
        sent_by=admin_user,
        sent_at=timezone.now(),
        recipients_count=3,
    )
    page = admin_client.get(f"{ADMIN}{draft.pk}/change/")
    assert page.status_code == 200
    assert 'name="texts-0-subject"' not in page.text
    assert 'name="letter"' not in page.text
    assert f"{ADMIN}{draft.pk}/send/" not in page.text
    assert admin_user.username in page.text
    assert admin_client.post(f"{ADMIN}{draft.pk}/delete/").status_code == 403
    listing = admin_client.get(ADMIN).text
    assert "The news" in listing and "en, ru" in listing
    draft.refresh_from_db()
    assert draft.texts.count() == 2
