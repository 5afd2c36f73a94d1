"""Images for logo tests, made with Pillow in memory."""

import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="PNG", size=(64, 64), mode="RGB", **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "blue" if mode == "RGB" else 0).save(
        buffer, format=fmt, **save_kwargs
    )
    return buffer.getvalue()


def jpeg_with_exif(size=(1200, 800)) -> bytes:
    """A JPEG carrying camera and GPS metadata, as a phone would upload it."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}  # GPS: latitude
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(data: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_rotated(size=(1200, 800)) -> bytes:
    """A landscape JPEG whose EXIF says "rotate 90°": a portrait photo from a phone."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def png_over_two_megabytes() -> bytes:
    """A real, valid PNG of about 3 MB (noise does not compress)."""
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    """A JPEG cut off mid-stream: its header is fine, its pixels are missing."""
    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 50).convert("RGB").save(buffer, format="JPEG")
    return buffer.getvalue()[:2000]
