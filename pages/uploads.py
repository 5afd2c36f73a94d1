"""Files editors attach to a delivery record: checked on upload, stored lean.

A proof of delivery is a PDF (a scanned receipt, the sent letter) or a photo. The
file is checked by extension, size and content (a renamed HTML page is not a PDF),
and a photo is re-encoded by Pillow: that drops its EXIF data (GPS position, camera,
owner), which could put the people in it at risk.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Extension -> (the Pillow format it must decode as, or None for PDF; content type).
DELIVERY_FILE_TYPES = {
    ".pdf": (None, "application/pdf"),
    ".jpg": ("JPEG", "image/jpeg"),
    ".jpeg": ("JPEG", "image/jpeg"),
    ".png": ("PNG", "image/png"),
}
# A photo of a handover does not need more (a 50-megapixel phone camera included).
DELIVERY_IMAGE_MAX_PIXELS = 50_000_000


def delivery_file_content_type(name: str) -> str:
    """The content type a stored delivery file is served with."""
    return DELIVERY_FILE_TYPES[Path(name).suffix.lower()][1]


def validate_delivery_file(value) -> None:
    """Refuse a new upload that is not a PDF, JPEG or PNG within the size limit.

    A file already stored passed these checks when it was uploaded.
    """
    if not value or getattr(value, "_committed", False):
        return
    suffix = Path(value.name).suffix.lower()
    if suffix not in DELIVERY_FILE_TYPES:
        raise ValidationError(_("Upload a PDF, JPEG or PNG file."), code="file_type")
    limit = settings.DELIVERY_FILE_MAX_BYTES
    if value.size > limit:
        raise ValidationError(
            _("The file is too large (at most %(limit)s).")
            % {"limit": filesizeformat(limit)},
            code="file_size",
        )
    image_format = DELIVERY_FILE_TYPES[suffix][0]
    value.seek(0)
    try:
        if image_format is None:
            if value.read(5) != b"%PDF-":
                raise ValidationError(_("This file is not a PDF."), code="file_content")
            return
        try:
            with Image.open(value) as image:
                width, height = image.size
                if width * height > DELIVERY_IMAGE_MAX_PIXELS:
                    raise ValidationError(
                        _("The image is too large in pixels."), code="file_pixels"
                    )
                if image.format != image_format:
                    raise ValidationError(
                        _("The file's content does not match its type."),
                        code="file_content",
                    )
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                _("The image could not be read."), code="file_content"
            ) from error
    finally:
        value.seek(0)


def delivery_file_stripped(value) -> ContentFile | None:
    """A re-encoded copy of an uploaded image without its metadata; None for a PDF.

    Call after ``validate_delivery_file`` accepted the file.
    """
    suffix = Path(value.name).suffix.lower()
    image_format = DELIVERY_FILE_TYPES[suffix][0]
    if image_format is None:
        return None
    value.seek(0)
    with Image.open(value) as image:
        # The orientation lives in the EXIF data that is dropped: apply it first.
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if image_format == "JPEG":
            if upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            upright.save(out, "JPEG", quality=90)
        else:
            upright.save(out, "PNG", optimize=True)
    value.seek(0)
    return ContentFile(out.getvalue(), name=f"delivery{suffix}")
