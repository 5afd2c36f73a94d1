"""Share images: the PNG per letter and language, its URL, tags and redrawing."""

import io
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from kombu.exceptions import OperationalError
from PIL import Image, ImageDraw

from signatories import services, share_images
from signatories.models import SignatureStatus
from signatories.tasks import share_image_refresh
from signatories.tokens import confirm_token
from tests.factories import LetterFactory, SignatureFactory, edit_text, publish_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fonts():
    """Fonts are looked up once per size and process: start each test afresh."""
    share_images._font.cache_clear()
    yield
    share_images._font.cache_clear()


def image_url(letter, language="en"):
    return f"/{language}/sign/{letter.slug}/share.png"


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else b""
    return response, body


def stored(letter, language="en") -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "share" / str(letter.pk)
    return sorted(folder.glob(f"{language}-*.png"))


def confirmed(letter, n=1):
    """Confirm ``n`` new signatures through the service (the tally follows)."""
    for _ in range(n):
        signature = SignatureFactory(letter=letter)
        services.signature_confirm(
            signature_id=signature.pk, token=confirm_token.make_token(signature)
        )


def drawn(letter, *, count, language="en") -> bytes:
    """The PNG the site should serve for ``letter`` at ``count``."""
    with translation.override(language):
        letter = type(letter).objects.get(pk=letter.pk)
        return share_images.share_image_draw(
            title=letter.title,
            sender=letter.sender,
            count=count,
            goal=letter.goal,
            host="127.0.0.1:8000",
        )


def test_letter_page_carries_opengraph_and_twitter_image_tags(client, letters_page):
    """og:image and the Twitter card name the letter's share image by absolute URL."""
    letter = LetterFactory(slug="open-letter", sender="Kestrel Alliance")
    html = client.get("/en/letters/open-letter/").text
    image = "http://127.0.0.1:8000/en/sign/open-letter/share.png"
    assert f'<meta property="og:image" content="{image}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta name="twitter:image" content="{image}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:title" content="{letter.title}">' in html
    ru = client.get("/ru/letters/open-letter/").text
    assert "http://127.0.0.1:8000/ru/sign/open-letter/share.png" in ru


def test_share_image_is_a_png_kept_under_media_root(client, letter):
    """A 1200x630 PNG, drawn once and kept as a file; served publicly with an ETag."""
    response, body = fetch(client, image_url(letter))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    with Image.open(io.BytesIO(body)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    [path] = stored(letter)
    assert path.read_bytes() == body == drawn(letter, count=0)
    again, _body = fetch(client, image_url(letter), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert stored(letter) == [path]


def test_share_image_is_per_language(client, letters_page):
    """At /ru/ the image shows the Russian title."""
    letter = LetterFactory(slug="open-letter", title="Stop the raids")
    publish_text(letter, "ru", title="Прекратите обыски", recipient="Совету")
    _response, body = fetch(client, image_url(letter, "ru"))
    assert body == drawn(letter, count=0, language="ru")
    assert body != drawn(letter, count=0, language="en")
    assert len(stored(letter, "ru")) == 1


@pytest.mark.parametrize("slug", ["no-such-letter", "draft"])
def test_share_image_of_an_unknown_or_draft_letter_is_404(client, slug):
    """Only published letters have a share image."""
    LetterFactory(slug="draft", status="draft")
    response = client.get(f"/en/sign/{slug}/share.png")
    assert response.status_code == 404
    assert not (Path(settings.MEDIA_ROOT) / "share").exists()


def test_share_image_keeps_its_count_within_a_step(client, letter, settings):
    """Between steps the same file is served (and drawn only once)."""
    settings.SHARE_IMAGE_STEP = 5
    first, body = fetch(client, image_url(letter))
    confirmed(letter, 4)
    second, again = fetch(client, image_url(letter))
    assert second["ETag"] == first["ETag"] and again == body


def test_task_redraws_the_image_when_the_count_crosses_a_step(client, letter, settings):
    """The task draws every language with the new count and drops the old file."""
    settings.SHARE_IMAGE_STEP = 3
    fetch(client, image_url(letter))
    [old] = stored(letter)
    confirmed(letter, 3)
    assert share_image_refresh(letter.pk) == len(settings.LANGUAGES)
    [new] = stored(letter)
    assert new != old and not old.exists()
    assert new.read_bytes() == drawn(letter, count=3)
    for code, _name in settings.LANGUAGES:
        assert len(stored(letter, code)) == 1
    _response, body = fetch(client, image_url(letter))
    assert body == new.read_bytes()  # the view serves what the task drew


def test_crossing_a_step_queues_the_redrawing_on_commit(
    letter, settings, celery_eager, django_capture_on_commit_callbacks
):
    """Confirming the signature that reaches a step redraws the images."""
    settings.SHARE_IMAGE_STEP = 2
    with django_capture_on_commit_callbacks(execute=True):
        confirmed(letter, 1)
    assert stored(letter) == []  # 0 -> 1: same step, nothing drawn
    with django_capture_on_commit_callbacks(execute=True):
        confirmed(letter, 1)
    [path] = stored(letter)  # 1 -> 2: a new step
    assert path.read_bytes() == drawn(letter, count=2)


def test_only_step_crossings_queue_a_redrawing(
    letter, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Confirmations, withdrawals and recounts queue the task only across a step."""
    settings.SHARE_IMAGE_STEP = 10
    queued = []
    monkeypatch.setattr(share_images, "share_images_queue", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed(letter, 9)
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        confirmed(letter, 1)
    assert queued == [letter.pk]
    with django_capture_on_commit_callbacks(execute=True):
        SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
        services.letter_recount(letter=letter)  # 10 -> 11
    assert queued == [letter.pk]
    signature = SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    SignatureFactory.create_batch(8, letter=letter, status=SignatureStatus.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_recount(letter=letter)  # 11 -> 20
    assert queued == [letter.pk, letter.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.signatures_delete(signature_ids=[signature.pk])  # 20 -> 19
    assert queued == [letter.pk] * 3


def test_editing_the_title_draws_a_new_image(client, letter):
    """A changed title is a new fingerprint: the next request draws it."""
    first, _body = fetch(client, image_url(letter))
    edit_text(letter, title="End the raids")
    second, body = fetch(client, image_url(letter))
    assert second["ETag"] != first["ETag"]
    assert body == drawn(letter, count=0)
    assert len(stored(letter)) == 1


def test_task_for_an_unpublished_letter_draws_nothing():
    """A draft or deleted letter gets no images."""
    draft = LetterFactory(status="draft")
    assert share_image_refresh(draft.pk) == 0
    assert share_image_refresh(999_999) == 0
    assert not (Path(settings.MEDIA_ROOT) / "share").exists()


def test_a_broker_outage_does_not_fail_the_confirmation(letter, monkeypatch, caplog):
    """Queueing fails quietly; the image URL draws the picture itself."""

    def down(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(share_image_refresh, "delay", down)
    with caplog.at_level(logging.WARNING, logger="signatories.share_images"):
        share_images.share_images_queue(letter.pk)
    assert "drawn on demand" in caplog.text


def test_the_font_draws_cyrillic():
    """The configured font has Cyrillic glyphs (not the empty 'missing' box)."""
    font = share_images._font(bold=True, size=48)
    assert Path(font.path).is_file()

    def glyph(character: str) -> bytes:
        canvas = Image.new("L", (80, 80))
        ImageDraw.Draw(canvas).text((10, 60), character, font=font, fill=255)
        return canvas.tobytes()

    missing = glyph("\U0010fffd")
    for letter in "ЖїЄ":
        assert glyph(letter) != missing


def test_a_missing_font_falls_back_and_the_check_warns(settings, capsys):
    """A wrong font path still draws (another Cyrillic font); `check` says so."""
    settings.SHARE_IMAGE_FONT = "/nonexistent/font.ttf"
    font = share_images._font(bold=False, size=30)
    assert Path(font.path).is_file()
    png = share_images.share_image_draw(
        title="Прекратите", sender="", count=1, goal=0, host="example.org"
    )
    assert png.startswith(b"\x89PNG")
    call_command("check")
    assert "campaign.W002" in capsys.readouterr().err


def test_long_titles_and_senders_fit_the_image(monkeypatch):
    """Long text shrinks and is cut with an ellipsis rather than overflowing."""
    fitted = []
    fit = share_images._fit

    def spy(text, **kwargs):
        fitted.append(fit(text, **kwargs))
        return fitted[-1]

    monkeypatch.setattr(share_images, "_fit", spy)
    share_images.share_image_draw(
        title="Долгое название письма " * 30,
        sender="Коалиция организаций " * 20,
        count=12345,
        goal=20000,
        host="letters.example.org",
    )
    (_font, _size, sender), (_font, size, title) = fitted
    assert len(sender) == 2 and sender[-1].endswith("…")
    assert size == 36 and title[-1].endswith("…")
    last_title = share_images.TEXT_TOP + size + (len(title) - 1) * round(size * 1.2)
    last_sender = last_title + share_images.SENDER_GAP + 2 * 40
    assert last_sender <= share_images.TEXT_BOTTOM
