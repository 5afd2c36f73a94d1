import io
import socket
from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone
from pypdf import PdfReader

from signatories import delivery_pack, services, tasks
from signatories.delivery_pack import local_file, pack_storage
from signatories.models import DeliveryPack, DeliveryPackState, SignatureStatus
from signatories.tokens import withdraw_token
from tests.factories import (
    LetterFactory,
    RecommendationFactory,
    SignatureFactory,
    UserFactory,
    edit_text,
)

from .images import image_bytes

pytestmark = pytest.mark.django_db

PACKS = "/en/admin/signatories/deliverypack/"


def download_url(letter, language="en") -> str:
    return f"{PACKS}letter/{letter.pk}/{language}/"


@pytest.fixture(autouse=True)
def _pack_storage(settings, tmp_path):
    """Each test keeps its packs in a directory of its own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "delivery_packs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "packs"},
        },
    }


@pytest.fixture
def queued(monkeypatch):
    """Record the ids the build task is queued with, instead of a broker."""
    ids = []
    task = current_app.tasks[services.PACK_BUILD_TASK]
    monkeypatch.setattr(task, "delay", ids.append)
    return ids


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Request a pack as the admin view does, running what waits for the commit."""

    def ask(letter, language="en", **kwargs) -> DeliveryPack:
        with django_capture_on_commit_callbacks(execute=True):
            return services.delivery_pack_request(
                letter=letter, language=language, **kwargs
            )

    return ask


@pytest.fixture
def build(django_capture_on_commit_callbacks):
    """Run the build task in this process, as a worker would, on a pack id."""

    def build(pack_id: int) -> bool:
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.delivery_pack_build(pack_id)

    return build


@pytest.fixture
def pack_letter(db):
    """A letter with two recommendations and signatures in every state."""
    letter = LetterFactory(
        slug="stop-the-raids",
        title="Stop the raids on independent media",
        recipient="To the Minister of the Interior",
        sender="Press Freedom Coalition",
        body="<p>We write to you about the raids.</p>",
    )
    RecommendationFactory(letter=letter, number=1, title="Release the journalists")
    RecommendationFactory(letter=letter, number=2, title="Return the equipment")
    for name, status, extra in [
        ("Kestrel Rights Alliance", SignatureStatus.CONFIRMED, {"country": "UA"}),
        ("Harbour Media Collective", SignatureStatus.APPROVED, {}),
        ("Pending Waters NGO", SignatureStatus.PENDING, {}),
        ("Hidden Shelter Network", SignatureStatus.CONFIRMED, {"is_public": False}),
        ("Rejected Front", SignatureStatus.REJECTED, {}),
    ]:
        SignatureFactory(
            letter=letter,
            organisation=name,
            status=status,
            contact_name=f"Contact of {name}",
            **extra,
        )
    return letter


def pdf_text(pack: DeliveryPack) -> str:
    with pack_storage().open(pack.file_name, "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def built(ask, build, queued, letter, language="en") -> DeliveryPack:
    pack = ask(letter, language)
    assert queued[-1] == pack.pk
    assert build(pack.pk) is True
    return DeliveryPack.objects.get(pk=pack.pk)


def test_pack_prints_the_letter_and_only_listed_signatories(
    ask, build, queued, pack_letter
):
    """The PDF has the title, recommendations and listed names; no others, no email."""
    pack = built(ask, build, queued, pack_letter)
    assert pack.state == DeliveryPackState.READY
    text = " ".join(pdf_text(pack).split())
    for shown in (
        "Stop the raids on independent media",
        "To the Minister of the Interior",
        "Press Freedom Coalition",
        "1. Release the journalists",
        "2. Return the equipment",
        "Kestrel Rights Alliance",
        "Ukraine",
        "Harbour Media Collective",
        "2 organisations signed this letter publicly.",
    ):
        assert shown in text
    for hidden in (
        "Pending Waters",
        "Hidden Shelter",
        "Rejected Front",
        "Contact of",
        "@",
        ".example",
    ):
        assert hidden not in text


def test_pack_follows_the_letters_approval_rule(ask, build, queued):
    """Where a letter needs approval, a merely confirmed organisation is not printed."""
    letter = LetterFactory(requires_approval=True)
    SignatureFactory(letter=letter, organisation="Approved Org", status="approved")
    SignatureFactory(letter=letter, organisation="Unreviewed Org", status="confirmed")
    text = pdf_text(built(ask, build, queued, letter))
    assert "Approved Org" in text and "Unreviewed Org" not in text


def test_pack_is_written_in_the_chosen_language(ask, build, queued, pack_letter):
    """A Russian pack has Russian headings and countries (the text falls back)."""
    text = pdf_text(built(ask, build, queued, pack_letter, "ru"))
    assert "Рекомендации" in text
    assert "Украина" in text
    assert "Stop the raids on independent media" in text
    assert "Recommendations" not in text


def test_second_request_reuses_the_file(ask, build, queued, pack_letter):
    """With nothing changed, a pack is handed out again and the task builds nothing."""
    pack = built(ask, build, queued, pack_letter)
    again = ask(pack_letter)
    assert again.state == DeliveryPackState.READY
    assert again.file_name == pack.file_name
    assert queued == [pack.pk]
    assert build(pack.pk) is False
    assert DeliveryPack.objects.get(pk=pack.pk).file_name == pack.file_name


def test_a_new_listed_signature_makes_the_pack_stale(
    ask, build, queued, pack_letter, sign, confirm, django_capture_on_commit_callbacks
):
    """Once handed out, a pack is rebuilt when a new organisation joins the list."""
    pack = built(ask, build, queued, pack_letter)
    assert ask(pack_letter).state == DeliveryPackState.READY  # handed out
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = sign(pack_letter, organisation="Newcomer Watch").signature
        confirm(newcomer)
    stale = ask(pack_letter)
    assert stale.state == DeliveryPackState.BUILDING
    assert queued == [pack.pk, pack.pk]
    assert not pack_storage().exists(pack.file_name)  # never handed out again
    assert build(pack.pk) is True
    assert "Newcomer Watch" in pdf_text(DeliveryPack.objects.get(pk=pack.pk))


def test_a_build_the_editor_asked_for_is_handed_out_once_despite_new_signatures(
    ask, build, queued, pack_letter
):
    """A signature arriving during the build does not send the editor round again."""
    pack = built(ask, build, queued, pack_letter)
    SignatureFactory(letter=pack_letter, organisation="Late Org", status="confirmed")
    assert ask(pack_letter).state == DeliveryPackState.READY
    assert ask(pack_letter).state == DeliveryPackState.BUILDING
    assert queued == [pack.pk, pack.pk]


def test_the_grace_ends_after_a_while(ask, build, queued, pack_letter):
    """A build asked for long ago is not handed out once the list has moved."""
    pack = built(ask, build, queued, pack_letter)
    SignatureFactory(letter=pack_letter, organisation="Late Org", status="confirmed")
    DeliveryPack.objects.filter(pk=pack.pk).update(
        requested_at=timezone.now() - delivery_pack.LIST_GRACE - timedelta(seconds=1),
        read_at=timezone.now() - delivery_pack.LIST_GRACE,
    )
    assert ask(pack_letter).state == DeliveryPackState.BUILDING


def test_a_changed_text_makes_the_pack_stale_at_once(ask, build, queued, pack_letter):
    """An edited letter is never handed out in its old wording."""
    pack = built(ask, build, queued, pack_letter)
    edit_text(pack_letter, title="Stop the raids now")
    assert ask(pack_letter).state == DeliveryPackState.BUILDING
    build(pack.pk)
    assert "Stop the raids now" in pdf_text(DeliveryPack.objects.get(pk=pack.pk))


def test_a_changed_recommendation_makes_the_pack_stale(ask, build, queued, pack_letter):
    """Recommendations are part of the text: a new one means a new pack."""
    built(ask, build, queued, pack_letter)
    RecommendationFactory(letter=pack_letter, number=3, title="Compensate the staff")
    assert ask(pack_letter).state == DeliveryPackState.BUILDING


def test_languages_are_separate_packs(ask, build, queued, pack_letter):
    """Each language has its own pack and file."""
    english = built(ask, build, queued, pack_letter, "en")
    german = built(ask, build, queued, pack_letter, "de")
    assert english.pk != german.pk and english.file_name != german.file_name
    assert "Empfehlungen" in pdf_text(german)


def test_a_build_under_way_is_not_queued_twice(ask, queued, pack_letter):
    """Asking again while a build is queued queues nothing more."""
    first = ask(pack_letter)
    assert ask(pack_letter).state == DeliveryPackState.BUILDING
    assert queued == [first.pk]


def test_a_lost_build_is_queued_again_after_its_lease(ask, queued, pack_letter):
    """A build that never reported back (a dead worker) is queued once more."""
    first = ask(pack_letter)
    DeliveryPack.objects.filter(pk=first.pk).update(
        requested_at=timezone.now() - delivery_pack.BUILD_LEASE
    )
    ask(pack_letter)
    assert queued == [first.pk, first.pk]


def test_a_broker_that_is_down_does_not_fail_the_request(ask, pack_letter, monkeypatch):
    """Without a broker the pack stays "being prepared"; nothing raises."""

    def down(pack_id):
        raise OSError("broker down")

    monkeypatch.setattr(current_app.tasks[services.PACK_BUILD_TASK], "delay", down)
    assert ask(pack_letter).state == DeliveryPackState.BUILDING


def test_withdrawal_deletes_the_pack_files(
    ask, build, queued, sign, confirm, django_capture_on_commit_callbacks
):
    """No file naming a signer outlives their withdrawal."""
    letter = LetterFactory()
    signature = sign(letter, organisation="Leaving Org").signature
    confirm(signature)
    pack = built(ask, build, queued, letter)
    assert "Leaving Org" in pdf_text(pack)
    signature.refresh_from_db()
    token = withdraw_token.make_token(signature)
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_withdraw(signature_id=signature.pk, token=token)
    assert not pack_storage().exists(pack.file_name)
    assert DeliveryPack.objects.get(pk=pack.pk).file_name == ""


def test_unlisting_deletes_the_pack_files(
    ask, build, queued, pack_letter, django_capture_on_commit_callbacks
):
    """An organisation that asks to be unlisted leaves no pack naming it behind."""
    pack = built(ask, build, queued, pack_letter)
    listed = pack_letter.signatures.get(organisation="Kestrel Rights Alliance")
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_update_details(
            signature_id=listed.pk, details={"is_public": False}
        )
    assert not pack_storage().exists(pack.file_name)


def test_a_build_that_read_the_list_before_a_signer_left_is_not_kept(
    ask, queued, pack_letter, monkeypatch
):
    """A signer leaving while the PDF renders means reading and rendering again."""
    pack = ask(pack_letter)
    render = delivery_pack.pack_render
    renders = []
    listed = pack_letter.signatures.get(organisation="Kestrel Rights Alliance")

    def render_while_signer_leaves(content):
        renders.append(content)
        if len(renders) == 1:
            services.signature_update_details(
                signature_id=listed.pk, details={"is_public": False}
            )
        return render(content)

    monkeypatch.setattr(services, "pack_render", render_while_signer_leaves)
    assert tasks.delivery_pack_build(pack.pk) is True
    assert len(renders) == 2
    assert "Kestrel" not in pdf_text(DeliveryPack.objects.get(pk=pack.pk))


def test_a_failed_build_is_recorded_and_retried_on_request(
    ask, build, queued, pack_letter, monkeypatch
):
    """A render error marks the pack failed; it is tried again only when asked to."""

    def broken(content):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "pack_render", broken)
    pack = ask(pack_letter)
    assert build(pack.pk) is False
    failed = DeliveryPack.objects.get(pk=pack.pk)
    assert failed.state == DeliveryPackState.FAILED
    assert failed.error == "RuntimeError"
    assert ask(pack_letter).state == DeliveryPackState.FAILED
    assert queued == [pack.pk]
    assert ask(pack_letter, retry=True).state == DeliveryPackState.BUILDING
    assert queued == [pack.pk, pack.pk]


def test_build_of_a_deleted_pack_is_quiet(build):
    """The task returns quietly when its pack is gone."""
    assert build(987654) is False


# No network: the URL fetcher.


def test_fetcher_serves_media_images(settings):
    """A logo in the media storage is read from disk."""
    path = settings.MEDIA_ROOT / "logos" / "a.png"
    path.parent.mkdir(parents=True)
    path.write_bytes(image_bytes())
    assert local_file(f"{settings.SITE_URL}/media/logos/a.png") == image_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "https://tracker.example/pixel.png",
        "http://127.0.0.1:8000.evil.example/media/logos/a.png",
        "file:///etc/passwd",
        "file:///usr/share/pixmaps/debian-logo.png",
        "{site}/media/../../../etc/hosts.png",
        "{site}/media/%2e%2e/%2e%2e/secret.png",
        "{site}/media/logos/a.svg",
        "{site}/admin/logo.png",
        "ftp://example.org/a.png",
    ],
)
def test_fetcher_refuses_everything_else(settings, url):
    """Other hosts, local paths, traversal and non-images are refused."""
    with pytest.raises(ValueError):
        local_file(url.format(site=settings.SITE_URL))


def test_building_a_pack_opens_no_connection(ask, build, queued, monkeypatch, settings):
    """Remote images and stylesheets in a letter are skipped; logos are embedded."""
    letter = LetterFactory(
        body=(
            '<p>Body <img src="https://tracker.example/pixel.png"></p>'
            '<link rel="stylesheet" href="http://fonts.example/font.css">'
            '<p style="background: url(https://tracker.example/bg.png)">x</p>'
        )
    )
    logo = settings.MEDIA_ROOT / "logos" / "logo.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(image_bytes(size=(80, 80)))
    SignatureFactory(
        letter=letter,
        status="confirmed",
        organisation="Logo Org",
        logo="logos/logo.png",
    )
    attempts = []

    def no_network(self, address):
        attempts.append(address)
        raise OSError("no network in delivery packs")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    pack = built(ask, build, queued, letter)
    assert attempts == []
    with pack_storage().open(pack.file_name, "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    embedded = {image.name for page in reader.pages for image in page.images}
    assert len(embedded) == 1  # the logo, and nothing from elsewhere


def test_rendering_leaves_pillow_strict_about_truncated_images(
    ask, build, queued, pack_letter
):
    """WeasyPrint's import-time Pillow setting is undone: logo checks stay strict."""
    from PIL import ImageFile

    built(ask, build, queued, pack_letter)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# The admin and the toolbar.


def test_download_queues_then_hands_out_the_pdf(
    admin_client, queued, pack_letter, django_capture_on_commit_callbacks
):
    """The first click says "being prepared"; once built, the PDF downloads."""
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.get(download_url(pack_letter))
    assert response.status_code == 202
    assert "is being prepared" in response.text
    assert '<meta http-equiv="refresh"' in response.text
    pack = DeliveryPack.objects.get()
    assert queued == [pack.pk]
    tasks.delivery_pack_build(pack.pk)
    response = admin_client.get(download_url(pack_letter))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="stop-the-raids-en.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_download_of_a_failed_pack_offers_a_retry(
    admin_client, queued, pack_letter, monkeypatch, build
):
    """A failed build is a page with the reason and a retry link, never a 500."""
    monkeypatch.setattr(services, "pack_render", lambda content: 1 / 0)
    admin_client.get(download_url(pack_letter))
    build(DeliveryPack.objects.get().pk)
    response = admin_client.get(download_url(pack_letter))
    assert response.status_code == 200
    assert "could not be prepared" in response.text
    assert "ZeroDivisionError" in response.text
    assert f"{download_url(pack_letter)}?retry=1" in response.text


def test_download_needs_a_login(client, pack_letter):
    """Anonymous visitors are sent to the admin login."""
    response = client.get(download_url(pack_letter))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_download_needs_a_permission(client, pack_letter):
    """Staff who may neither see signatures nor change letters get a 403."""
    user = UserFactory(username="intern", is_staff=True)
    client.force_login(user)
    assert client.get(download_url(pack_letter)).status_code == 403
    assert client.get(PACKS).status_code == 403
    assert not DeliveryPack.objects.exists()


@pytest.mark.parametrize(
    "permission", ["signatories.view_signature", "pages.change_letter"]
)
def test_download_with_either_permission(client, pack_letter, queued, permission):
    """Seeing signatures or changing letters is enough to download packs."""
    app_label, codename = permission.split(".")
    user = UserFactory(username="reviewer", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    client.force_login(user)
    assert client.get(download_url(pack_letter)).status_code == 202


@pytest.mark.parametrize("path", ["letter/999999/en/", "letter/{pk}/xx/"])
def test_unknown_letter_or_language_is_404(admin_client, pack_letter, path):
    """A letter that does not exist, or a language the site lacks, is a 404."""
    url = PACKS + path.format(pk=pack_letter.pk)
    assert admin_client.get(url).status_code == 404


def test_pack_list_links_every_language(admin_client, pack_letter, queued, ask):
    """The admin's pack list shows each letter with a link per language and state."""
    ask(pack_letter, "de")
    response = admin_client.get(f"{PACKS}?letter={pack_letter.pk}")
    assert response.status_code == 200
    for code, _name in settings.LANGUAGES:
        assert download_url(pack_letter, code) in response.text
    assert "Being prepared" in response.text
    assert admin_client.get(f"{PACKS}?letter=x").status_code == 404


def test_letter_change_page_links_its_packs(admin_client, pack_letter):
    """The letter's admin page links to its delivery packs."""
    html = admin_client.get(f"/en/admin/pages/letter/{pack_letter.pk}/change/").text
    assert f"{PACKS}?letter={pack_letter.pk}" in html
    assert "Delivery pack (PDF)" in html


def test_toolbar_offers_the_pack_on_a_letter_page(admin_client, letters_page):
    """On a letter's page, editors find the pack in each language in the toolbar."""
    letter = LetterFactory(slug="toolbar-letter")
    html = admin_client.get("/en/letters/toolbar-letter/").text
    assert "Delivery pack (PDF)" in html
    for code, _name in settings.LANGUAGES:
        assert download_url(letter, code) in html


def test_toolbar_has_no_pack_elsewhere_or_without_permission(client, letters_page):
    """The letter list has no pack item, nor does a letter page for other staff."""
    LetterFactory(slug="toolbar-letter")
    client.force_login(UserFactory(username="intern", is_staff=True))
    response = client.get("/en/letters/toolbar-letter/")
    assert response.status_code == 200 and "cms-toolbar" in response.text
    assert "Delivery pack" not in response.text
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    response = client.get("/en/letters/")
    assert response.status_code == 200 and "cms-toolbar" in response.text
    assert "Delivery pack" not in response.text
