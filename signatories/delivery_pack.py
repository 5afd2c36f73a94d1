"""The delivery pack: a letter, its recommendations and its public list, as a PDF.

Reads and renders only; ``signatories.services`` decides when to build and keeps
the file (``delivery_pack_request``, ``delivery_pack_build``).

- What a pack shows is read once into a ``PackContent`` (the letter's text in one
  language, its recommendations, the listed organisations by the public list's own
  rule). Two digests of exactly that (the text with the layout, and the list) tell
  whether a stored pack still prints what the site says now: no timestamps that
  some write could forget to move, and whatever storage the letter's text moves
  to, it is read through the same attributes the PDF prints.
- WeasyPrint fetches nothing over the network: ``local_files_fetcher`` serves
  images from this site's media and static files and refuses every other URL
  (an image an editor linked from elsewhere is left out of the PDF).
"""

import datetime
import functools
import hashlib
import json
import mimetypes
import posixpath
from dataclasses import asdict, dataclass, fields
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage, storages
from django.core.files.storage.base import Storage
from django.template.loader import get_template, render_to_string
from django.utils import translation

from pages.models import Letter

from .selectors import letter_listed_signatories, letter_signature_count

TEMPLATE = "signatories/delivery_pack.html"
STORAGE_ALIAS = "delivery_packs"
# A build not finished by then (a lost task, a dead worker) is queued again.
BUILD_SECONDS = 600
BUILD_LEASE = datetime.timedelta(seconds=BUILD_SECONDS + 300)
# A pack built after an editor asked for it is handed out for this long even if a
# signature arrived meanwhile: on a busy day the list moves faster than a build.
# The letter's text gets no such grace: a changed text always means a new build.
LIST_GRACE = datetime.timedelta(minutes=10)
# Only raster images: an SVG could name further resources, a stylesheet fonts.
FETCHABLE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def user_may_download_packs(user) -> bool:
    """Staff who may see signatures, or change letters, download delivery packs.

    A pack shows only what the public list shows, but it is made for editors.
    """
    return bool(
        user.is_active
        and user.is_staff
        and (
            user.has_perm("signatories.view_signature")
            or user.has_perm("pages.change_letter")
        )
    )


def pack_storage() -> Storage:
    """The private storage packs are kept in (``STORAGES["delivery_packs"]``)."""
    return storages[STORAGE_ALIAS]


@dataclass(frozen=True)
class PackRecommendation:
    number: int
    title: str
    body: str


@dataclass(frozen=True)
class PackSignatory:
    name: str
    country: str  # the country's name in the pack's language
    organisation_type: str  # the type's label in the pack's language
    logo: str  # a name in the default storage, or ""

    @property
    def logo_url(self) -> str:
        return f"/{settings.MEDIA_URL.strip('/')}/{self.logo}" if self.logo else ""


@dataclass(frozen=True)
class PackContent:
    """Everything one pack prints, read in its language."""

    letter_id: int
    slug: str
    language: str
    title: str
    recipient: str
    sender: str
    summary: str
    body: str
    date: datetime.date  # of the letter
    recommendations: tuple[PackRecommendation, ...]
    signatories: tuple[PackSignatory, ...]
    total_count: int  # the public count: listed organisations and everyone else

    @property
    def unlisted_count(self) -> int:
        return max(self.total_count - len(self.signatories), 0)

    @functools.cached_property
    def text_fingerprint(self) -> str:
        """A digest of the letter's text as printed, in its language and layout."""
        text = {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if field.name not in ("recommendations", "signatories", "total_count")
        }
        text["recommendations"] = [asdict(r) for r in self.recommendations]
        return _digest([text, get_template(TEMPLATE).template.source])

    @functools.cached_property
    def list_fingerprint(self) -> str:
        """A digest of the public list as printed (names, countries, types, logos)."""
        return _digest(
            [self.language, self.total_count, [asdict(s) for s in self.signatories]]
        )

    @functools.cached_property
    def fingerprint(self) -> str:
        return _digest([self.text_fingerprint, self.list_fingerprint])


def _digest(value) -> str:
    payload = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def pack_content(*, letter_id: int, language: str) -> PackContent:
    """Read what the pack of ``letter_id`` in ``language`` prints, right now.

    The letter is loaded inside the language, so that its text (and each
    recommendation's) resolves to that language, with the site's fallbacks.
    """
    with translation.override(language):
        letter = Letter.objects.get(pk=letter_id)
        recommendations = tuple(
            PackRecommendation(number=rec.number, title=rec.title, body=rec.body)
            for rec in letter.recommendations.all()
        )
        signatories = sorted(
            (
                PackSignatory(
                    name=signature.organisation,
                    country=str(signature.country.name) if signature.country else "",
                    organisation_type=str(signature.get_organisation_type_display()),
                    logo=signature.logo.name or "",
                )
                for signature in letter_listed_signatories(letter=letter).iterator()
            ),
            key=lambda s: (s.name.casefold(), s.name),
        )
        return PackContent(
            letter_id=letter.pk,
            slug=letter.slug,
            language=language,
            title=str(letter.title or ""),
            recipient=str(letter.recipient or ""),
            sender=str(letter.sender or ""),
            summary=str(letter.summary or ""),
            body=str(letter.body or ""),
            date=letter.published_on,
            recommendations=recommendations,
            signatories=tuple(signatories),
            total_count=letter_signature_count(letter=letter),
        )


def _base_url() -> str:
    # Relative URLs (the logos, an editor's "/static/…") resolve against the site.
    return f"{settings.SITE_URL}/"


@functools.cache
def _weasyprint():
    """WeasyPrint, imported on first use, without the global it sets on import.

    The web process imports this module for the fingerprint and should not load
    WeasyPrint (and pango) for it. WeasyPrint turns on Pillow's
    ``LOAD_TRUNCATED_IMAGES`` for the whole process, which would let the sign
    form's logo check accept truncated images: it is put back as it was.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
        import weasyprint.urls
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


@functools.cache
def _fetcher_class() -> type:
    urls = _weasyprint().urls

    class LocalFilesFetcher(urls.URLFetcher):
        def fetch(self, url, headers=None):
            if urlsplit(url).scheme.lower() == "data":
                return super().fetch(url, headers)  # decoded in memory, no request
            mime_type = mimetypes.guess_type(urlsplit(url).path)[0]
            return urls.URLFetcherResponse(
                url, body=local_file(url), headers={"Content-Type": mime_type}
            )

    return LocalFilesFetcher


def local_files_fetcher():
    """WeasyPrint's URL fetcher for packs: this site's media and static images only.

    Every other URL (another host, ``file:``, a path outside the two prefixes, a
    non-image) raises, which WeasyPrint logs and skips: a pack never makes a
    network request, however an editor wrote the letter. ``data:`` URLs are
    decoded in memory.
    """
    return _fetcher_class()(allowed_protocols={"data"}, allow_redirects=False)


def _local_path(url: str, prefix_setting: str) -> str | None:
    """The path under ``prefix_setting``'s URL that ``url`` names on this site."""
    site = urlsplit(_base_url())
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        return None
    prefix = f"/{getattr(settings, prefix_setting).strip('/')}/"
    path = unquote(parts.path)
    if not path.startswith(prefix):
        return None
    relative = posixpath.normpath(path.removeprefix(prefix))
    if relative.startswith(("..", "/")) or relative == ".":
        return None
    return relative


def local_file(url: str) -> bytes:
    """The bytes of a media or static image on this site; ValueError for other URLs."""
    mime_type = mimetypes.guess_type(urlsplit(url).path)[0]
    if mime_type not in FETCHABLE_TYPES:
        raise ValueError(f"Delivery packs only embed local images, not {url!r}")
    if (name := _local_path(url, "MEDIA_URL")) is not None:
        with default_storage.open(name, "rb") as file:
            return file.read()
    if (name := _local_path(url, "STATIC_URL")) is not None and (
        found := finders.find(name)
    ):
        with open(found, "rb") as file:
            return file.read()
    raise ValueError(f"Delivery packs fetch nothing from other places: {url!r}")


def pack_html(content: PackContent) -> str:
    """The pack as HTML for print, in its language."""
    with translation.override(content.language):
        return render_to_string(TEMPLATE, {"pack": content})


def pack_render(content: PackContent) -> bytes:
    """The pack as a PDF (A4, page numbers), without any network request."""
    document = _weasyprint().HTML(
        string=pack_html(content),
        base_url=_base_url(),
        url_fetcher=local_files_fetcher(),
    )
    return document.write_pdf()


def pack_file_name(content: PackContent) -> str:
    """Where a pack of ``content`` is kept in the pack storage."""
    return (
        f"{content.letter_id}/{content.slug}-{content.language}-"
        f"{content.fingerprint[:16]}.pdf"
    )
