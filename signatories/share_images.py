"""Share images: a PNG per letter and language for OpenGraph and Twitter cards.

The image shows the letter's title, its coalition line (``letter.sender``) and the
public count with the goal bar. It is drawn with Pillow and kept as a file under
``MEDIA_ROOT/share/<letter id>/``, named after a fingerprint of what it shows
(text, goal, and the count's step of ``SHARE_IMAGE_STEP``). So an edited title or
a count in a new step makes a new file, and the old one is removed; the URL that
pages name (``/<lang>/sign/<slug>/share.png``) stays the same.

``share_images_refresh`` (the Celery task ``share_image_refresh``, queued on
commit when the count crosses a step) draws every language ahead of time; the
view draws a missing one on demand, so a crawler never gets a 404 while the task
waits in the queue. Between steps the image keeps the count it was drawn with.
"""

import functools
import hashlib
import io
import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext, npgettext
from kombu.exceptions import OperationalError as KombuOperationalError
from PIL import Image, ImageDraw, ImageFont

from pages.models import Letter
from pages.selectors import letter_get_public_by_id

from .selectors import letter_signature_count

logger = logging.getLogger(__name__)

REFRESH_TASK = "signatories.tasks.share_image_refresh"

SIZE = (1200, 630)
# Bump when the drawing changes: every image is then drawn again on first use.
DRAWING_VERSION = "1"
MARGIN = 80
# Baselines: the title's first line starts below TEXT_TOP, the sender's last line
# ends above TEXT_BOTTOM, clear of the count.
TEXT_TOP = 110
TEXT_BOTTOM = 460
TITLE_LEADING = 1.2
SENDER_GAP = 20
SENDER_LEADING = 40
INK = "#1b1f24"
MUTED = "#4a5360"
TINT = "#f3f5f8"
LINE = "#d5dbe3"
ACCENT = "#0b5cad"

# Used when the configured fonts are missing; all of them have Cyrillic glyphs.
FALLBACK_FONTS = {
    False: (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    ),
    True: (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
}


# --- which file ----------------------------------------------------------------


def count_step(count: int) -> int:
    """The step ``count`` falls in: the image is drawn again when this changes."""
    return max(count, 0) // settings.SHARE_IMAGE_STEP


def step_crossed(*, before: int, after: int) -> bool:
    """Whether a count that moved from ``before`` to ``after`` entered a new step."""
    return count_step(before) != count_step(after)


def _fingerprint(*, letter: Letter, language: str, count: int) -> str:
    parts = (
        DRAWING_VERSION,
        language,
        letter.title,
        letter.sender,
        letter.goal,
        settings.SHARE_IMAGE_STEP,
        count_step(count),
    )
    raw = "\x1f".join(str(part) for part in parts).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _letter_dir(letter_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "share" / str(letter_id)


def share_image_path(*, letter: Letter, language: str, count: int) -> Path:
    """Where the image of ``letter`` in ``language`` at ``count`` is kept."""
    name = f"{language}-{_fingerprint(letter=letter, language=language, count=count)}"
    return _letter_dir(letter.pk) / f"{name}.png"


# --- drawing -------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _font(*, bold: bool, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    configured = settings.SHARE_IMAGE_FONT_BOLD if bold else settings.SHARE_IMAGE_FONT
    for path in (configured, *FALLBACK_FONTS[bold]):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    # Pillow's own font has no Cyrillic: say so once per size, draw anyway.
    logger.warning("No TrueType font for share images; install fonts-dejavu-core")
    return ImageFont.load_default(size)


def _cut(text: str, font, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width``."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, font, width: float) -> list[str]:
    """Greedy word wrap; a word wider than a line is split."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while font.getlength(word) > width:
            cut = len(word) - 1
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _fit(text: str, *, bold: bool, sizes, width: float, max_lines) -> tuple:
    """The largest of ``sizes`` at which ``text`` fits (else the smallest, cut).

    ``max_lines(size)`` says how many lines of that size there is room for.
    """
    for size in sizes:
        font = _font(bold=bold, size=size)
        lines = _wrap(text, font, width)
        room = max(1, max_lines(size))
        if len(lines) <= room:
            return font, size, lines
    if len(lines) > room:
        lines = lines[:room]
        lines[-1] = _cut(lines[-1] + " …", font, width)
    return font, size, lines


def share_image_draw(
    *, title: str, sender: str, count: int, goal: int, host: str
) -> bytes:
    """Draw the share image as PNG bytes, in the active language."""
    width, height = SIZE
    text_width = width - 2 * MARGIN
    image = Image.new("RGB", SIZE, TINT)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, height), fill=ACCENT)

    brand = _font(bold=True, size=30)
    draw.text(
        (MARGIN, 78), gettext("Open Letters"), font=brand, fill=ACCENT, anchor="ls"
    )
    small = _font(bold=False, size=26)
    draw.text((width - MARGIN, 78), host, font=small, fill=MUTED, anchor="rs")

    # Title and sender share the space between the brand line and the count.
    sender_lines: list[str] = []
    if sender:
        sender_font, _size, sender_lines = _fit(
            sender, bold=False, sizes=(30,), width=text_width, max_lines=lambda _s: 2
        )
    sender_height = (SENDER_GAP + len(sender_lines) * SENDER_LEADING) if sender else 0

    def title_room(size: int) -> int:
        leading = round(size * TITLE_LEADING)
        free = TEXT_BOTTOM - sender_height - TEXT_TOP - size
        return min(4, free // leading + 1)

    title_font, size, lines = _fit(
        title,
        bold=True,
        sizes=range(64, 35, -4),
        width=text_width,
        max_lines=title_room,
    )
    y = TEXT_TOP + size
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=INK, anchor="ls")
        y += round(size * TITLE_LEADING)
    y -= round(size * TITLE_LEADING) - SENDER_GAP
    for line in sender_lines:
        y += SENDER_LEADING
        draw.text((MARGIN, y), line, font=sender_font, fill=MUTED, anchor="ls")

    number = formats.number_format(count, force_grouping=True)
    count_font = _font(bold=True, size=60)
    baseline = height - 92
    draw.text((MARGIN, baseline), number, font=count_font, fill=INK, anchor="ls")
    x = MARGIN + count_font.getlength(number) + 16
    label = npgettext("counter", "signature", "signatures", count)
    if goal:
        label += " · " + gettext("of %(goal)s needed") % {
            "goal": formats.number_format(goal, force_grouping=True)
        }
    label_font = _font(bold=False, size=32)
    label = _cut(label, label_font, width - MARGIN - x)
    draw.text((x, baseline), label, font=label_font, fill=MUTED, anchor="ls")

    if goal:
        top, bar_height = height - 64, 22
        box = (MARGIN, top, width - MARGIN, top + bar_height)
        draw.rounded_rectangle(box, radius=bar_height // 2, fill=LINE)
        filled = round(text_width * min(count, goal) / goal)
        if filled:
            done = (MARGIN, top, MARGIN + max(filled, bar_height), top + bar_height)
            draw.rounded_rectangle(done, radius=bar_height // 2, fill=ACCENT)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- writing -------------------------------------------------------------------


def _write(*, letter: Letter, language: str, count: int) -> Path:
    """Draw and store one image (atomically); remove the one it replaces."""
    path = share_image_path(letter=letter, language=language, count=count)
    png = share_image_draw(
        title=letter.title,
        sender=letter.sender,
        count=count,
        goal=letter.goal,
        host=urlsplit(settings.SITE_URL).netloc,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(png)
        os.chmod(temporary, 0o644)
        # A reader sees the old file or the new one, never half of one.
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for old in path.parent.glob(f"{language}-*.png"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def share_image_ensure(*, letter: Letter) -> Path:
    """The current image of ``letter`` in the active language, drawn if missing."""
    language = translation.get_language()
    count = letter_signature_count(letter=letter)
    path = share_image_path(letter=letter, language=language, count=count)
    if path.exists():
        return path
    return _write(letter=letter, language=language, count=count)


def share_images_refresh(*, letter_id: int) -> int:
    """Draw the images of a published letter in every site language again.

    Returns how many were drawn; an unpublished or deleted letter gets none.
    """
    drawn = 0
    for language, _name in settings.LANGUAGES:
        # The letter's text resolves in the active language: load it in each.
        with translation.override(language):
            letter = letter_get_public_by_id(letter_id=letter_id)
            if letter is None:
                return drawn
            count = letter_signature_count(letter=letter)
            _write(letter=letter, language=language, count=count)
            drawn += 1
    return drawn


def share_images_queue(letter_id: int) -> None:
    """Queue the drawing of a letter's images (call on commit).

    A broker that is down loses nothing that matters: the page's image URL draws
    a missing image itself.
    """
    try:
        current_app.tasks[REFRESH_TASK].delay(letter_id)
    except (KombuOperationalError, OSError):
        logger.warning(
            "Broker unavailable; share images of %s drawn on demand", letter_id
        )
