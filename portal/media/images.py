"""Uploaded pictures, checked by their content and re-encoded: bytes in, clean variants out.

Nothing of the upload is stored as it came: every variant is encoded anew from the decoded pixels,
so metadata (EXIF with GPS, ICC, XMP, comments) and anything hidden in a polyglot file stay behind.
Pure functions, no database: the services store what this returns.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

# Widths of the variants, for srcset; a picture is never enlarged to reach one.
WIDTHS = (360, 720, 1080)
# The smallest variant is the thumbnail of lists and lesson cards (QUALITY.md: ≤ 15 KiB).
THUMBNAIL_BUDGET = 15 * 1024
# Lower bound of the quality search for thumbnails: below it JPEG blocks show on a phone.
QUALITY_FLOOR = 35
QUALITY_STEP = 10
WEBP_QUALITY = 75
JPEG_QUALITY = 80
# Smaller than a finger on a phone screen: nothing a lesson or a portfolio can use.
MIN_SIDE = 64

# Pillow's names of the formats we decode. MPO is what many phone cameras write: a JPEG with
# extra frames (depth, preview); its first frame is the photo.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
_DETECTED_AS_ALLOWED = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}

# Formats people do upload that we do not decode (Pillow is not even asked to: some of its
# plugins call out to other programs), recognised only to say what to do instead.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}

Format = Literal["webp", "jpeg"]
FORMATS: tuple[Format, ...] = ("webp", "jpeg")


@dataclass(frozen=True)
class Variant:
    """One encoded size of a picture, free of any metadata."""

    width: int
    height: int
    format: Format
    content: bytes

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else "webp"

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"


class ImageRefused(ValidationError):
    """The upload is not a picture we store; ``code`` says why, ``message`` tells the teacher.

    A ValidationError, so a form can show it next to its field as it is.
    """

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


def _amount(value: float) -> str:
    """``value`` for people: one decimal at most, none when whole, in their language's format."""
    rounded = round(value, 1)
    return number_format(int(rounded) if rounded.is_integer() else rounded)


def megabytes(size: int) -> str:
    """A size in bytes as megabytes (MiB, which people call MB), for messages.

    Rounded up, so a file just over the limit does not read as the limit itself.
    """
    return _amount(math.ceil(size * 10 / (1024 * 1024)) / 10)


def refuse_too_large(size: int) -> ImageRefused:
    """The refusal for ``size`` bytes, also raised by the service before it reads the whole file."""
    return ImageRefused(
        "too_large",
        _("This picture is too large (%(size)s MB). The limit is %(limit)s MB.")
        % {
            "size": megabytes(size),
            "limit": megabytes(settings.MEDIA_MAX_IMAGE_BYTES),
        },
    )


def _not_an_image() -> ImageRefused:
    return ImageRefused(
        "not_an_image",
        _("This file is not a picture we can use. Upload a JPEG, PNG or WebP photo."),
    )


def _corrupt() -> ImageRefused:
    return ImageRefused(
        "corrupt",
        _(
            "This picture is damaged or was not uploaded completely. "
            "Open it on your device, save it again and upload it once more."
        ),
    )


def _too_many_pixels() -> ImageRefused:
    return ImageRefused(
        "too_many_pixels",
        _(
            "This picture has too many pixels. The limit is %(limit)s million pixels. "
            "Make the picture smaller and upload it again."
        )
        % {"limit": _amount(settings.MEDIA_MAX_IMAGE_PIXELS / 1_000_000)},
    )


def _known_other_format(data: bytes) -> str | None:
    """The name of a picture format we recognise but do not accept, for a helpful message."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIC"
    if data[4:8] == b"ftyp" and data[8:12] in _AVIF_BRANDS:
        return "AVIF"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if data.startswith(b"BM"):
        return "BMP"
    if data.startswith(b"8BPS"):
        return "PSD"
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
        return "SVG"
    return None


class _Source(io.BytesIO):
    """The upload as Pillow reads it, noting whether the decoder asked for more than there was.

    Pillow refuses a truncated file only while ``ImageFile.LOAD_TRUNCATED_IMAGES`` is off, and
    WeasyPrint turns it on for the whole process when imported: a cut-off photo would then be
    stored half grey. Running out of bytes is what Pillow's own check looks at, so we look too.
    """

    ran_out = False

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        if not chunk and size != 0:
            self.ran_out = True
        return chunk


def _open(source: _Source, data: bytes) -> Image.Image:
    """The picture with its header read, pixels not yet decoded; refused if not allowed."""
    try:
        image = Image.open(source, formats=ALLOWED_FORMATS)
    except Image.UnidentifiedImageError:
        other = _known_other_format(data)
        if other is None:
            raise _not_an_image() from None
        raise ImageRefused(
            "unsupported_format",
            _(
                "Pictures in the %(format)s format cannot be used. "
                "Save the picture as JPEG or PNG and upload it again."
            )
            % {"format": other},
        ) from None
    if image.format not in _DETECTED_AS_ALLOWED:
        raise _not_an_image()
    return image


def _swaps_sides(image: Image.Image) -> bool:
    """Whether the EXIF orientation turns the picture a quarter (width and height trade places)."""
    try:
        return image.getexif().get(0x0112) in {5, 6, 7, 8}
    except Exception:  # Unreadable EXIF: the picture is shown as stored.
        return False


def _decode(data: bytes) -> Image.Image:
    """Decoded pixels, upright, after every check that can be made on the header alone."""
    source = _Source(data)
    image = _open(source, data)
    width, height = image.size
    if width * height > settings.MEDIA_MAX_IMAGE_PIXELS:
        raise _too_many_pixels()
    if min(width, height) < MIN_SIDE:
        raise ImageRefused(
            "too_small",
            _(
                "This picture is too small: %(width)s by %(height)s pixels. "
                "Upload one of at least %(minimum)s by %(minimum)s pixels."
            )
            % {"width": width, "height": height, "minimum": MIN_SIDE},
        )
    if image.format == "PNG":
        # Every chunk's checksum, through to the end (a cut-off PNG can stop between chunks,
        # where no read runs dry). Reads the file once more, inflates nothing.
        Image.open(io.BytesIO(data), formats=["PNG"]).verify()
    # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size directly: a 24 MP photo then needs a
    # quarter of the memory and time, and still covers the largest variant.
    shown_width = height if _swaps_sides(image) else width
    if shown_width > WIDTHS[-1]:
        scale = WIDTHS[-1] / shown_width
        image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
    image.load()
    if source.ran_out:
        raise _corrupt()
    icc_profile = image.info.get("icc_profile")
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:  # Broken EXIF: keep the picture as stored.
        upright = image
    return _to_rgb(upright, icc_profile)


def _to_rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Plain 8-bit sRGB; transparency is flattened onto white (the page's background)."""
    if image.mode.startswith("I"):
        # 16-bit greyscale: scale to 8 bits (a plain conversion clips nearly everything to white).
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in {"RGB", "CMYK"} and icc_profile:
        # Phones tag photos with wide-gamut profiles (Display P3): convert the colours to sRGB
        # before the profile is dropped, or they come out dull.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None
        if converted is not None:
            image = converted
    has_alpha = image.mode in {"RGBA", "LA", "PA", "La", "RGBa"} or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: Format, quality: int) -> bytes:
    buffer = io.BytesIO()
    if fmt == "webp":
        image.save(buffer, "WEBP", quality=quality, method=6)
    else:
        image.save(buffer, "JPEG", quality=quality, progressive=True, optimize=True)
    return buffer.getvalue()


def _variant(image: Image.Image, fmt: Format, *, thumbnail: bool) -> Variant:
    quality = WEBP_QUALITY if fmt == "webp" else JPEG_QUALITY
    content = _encode(image, fmt, quality)
    # Thumbnails must fit the budget: lower the quality step by step, down to the floor.
    while thumbnail and len(content) > THUMBNAIL_BUDGET and quality > QUALITY_FLOOR:
        quality = max(QUALITY_FLOOR, quality - QUALITY_STEP)
        content = _encode(image, fmt, quality)
    return Variant(width=image.width, height=image.height, format=fmt, content=content)


def _widths(original: int) -> list[int]:
    return [width for width in WIDTHS if width <= original] or [original]


def process(data: bytes) -> list[Variant]:
    """Check ``data`` by its content and encode it as WebP and JPEG at each width of ``WIDTHS``.

    Accepts JPEG, PNG, WebP and GIF (an animation gives its first frame, as a still picture).
    Variants come smallest first, WebP before JPEG at each width. Raises ``ImageRefused`` with
    the code ``too_large``, ``not_an_image``, ``unsupported_format``, ``too_many_pixels``,
    ``too_small`` or ``corrupt``.
    """
    if len(data) > settings.MEDIA_MAX_IMAGE_BYTES:
        raise refuse_too_large(len(data))
    with warnings.catch_warnings():
        # Pillow warns about metadata it could not read; we drop metadata anyway. Its
        # decompression-bomb warning, though, must refuse the picture, not pass by in a log.
        # It only backs up our own, far lower pixel limit, so that catch_warnings is not
        # thread-safe (another thread may restore the filters meanwhile) costs nothing.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upright = _decode(data)
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except Exception as exc:  # Hostile input makes a parser raise almost anything.
            raise _corrupt() from exc
    variants = []
    for width in _widths(upright.width):
        height = max(1, round(upright.height * width / upright.width))
        resized = upright.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        # A fresh image from the pixels alone: no info dictionary, so no comment or profile
        # can reach the encoder.
        clean = Image.frombytes("RGB", resized.size, resized.tobytes())
        for fmt in FORMATS:
            variants.append(_variant(clean, fmt, thumbnail=width <= WIDTHS[0]))
    return variants
