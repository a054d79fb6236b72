"""Files to upload in the media tests, built in memory with Pillow and the standard library."""

from __future__ import annotations

import io
import random
import struct
import wave
import zlib
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw
from PIL.ExifTags import GPS, IFD, Base

RED = (220, 20, 20)
LATITUDE = (50.0, 52.0, 46.8)  # Leuven


def photo(width: int, height: int, *, seed: int = 1) -> Image.Image:
    """Something like a photo: smooth shapes, fine detail and sensor noise (hard to compress)."""
    rnd = random.Random(seed)  # noqa: S311 - test pictures, not security
    image = Image.effect_mandelbrot((width, height), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    noise = Image.effect_noise((width, height), 48).convert("RGB")
    image = Image.blend(image, noise, 0.35)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rnd.randrange(width), rnd.randrange(height)
        colour = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        draw.ellipse((x, y, x + width // 9, y + height // 9), fill=colour)
    # A red corner, top left as stored, to see where rotation puts it.
    draw.rectangle((0, 0, width // 6, height // 6), fill=RED)
    return image


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg(width: int = 1600, height: int = 1200, **params: object) -> bytes:
    return encode(photo(width, height), "JPEG", quality=90, **params)


def private_exif(*, orientation: int = 6, comment_bytes: int = 0) -> Image.Exif:
    """EXIF a phone writes: where (GPS), with what, when, which way up; optionally a huge note."""
    exif = Image.Exif()
    exif[Base.Make] = "PhoneMaker"
    exif[Base.Model] = "SecretPhone 12"
    exif[Base.Orientation] = orientation
    exif[Base.DateTime] = "2026:03:14 09:26:53"
    exif.get_ifd(IFD.GPSInfo).update(
        {
            GPS.GPSLatitudeRef: "N",
            GPS.GPSLatitude: LATITUDE,
            GPS.GPSLongitudeRef: "E",
            GPS.GPSLongitude: (4.0, 42.0, 30.0),
        }
    )
    if comment_bytes:
        exif.get_ifd(IFD.Exif)[Base.UserComment] = b"ASCII\x00\x00\x00" + b"Z" * comment_bytes
    return exif


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header that declares ``width`` x ``height``, with pixel data that is garbage.

    Decoding it would fail; a refusal for its size proves the size was checked first.
    """
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"not zlib data")
        + _png_chunk(b"IEND", b"")
    )


def png_bilevel(width: int, height: int) -> bytes:
    """A real, fully decodable 1-bit PNG: millions of pixels in a few kilobytes."""
    return encode(Image.new("1", (width, height), 1), "PNG", optimize=True)


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (200, 150), colour) for colour in (RED, (20, 20, 220))]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def wav(seconds: float = 0.1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * int(8000 * seconds))
    return buffer.getvalue()


def ebml(doctype: bytes) -> bytes:
    """The start of a WebM/Matroska file as MediaRecorder writes it."""
    doc = b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    body = b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08" + doc
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67" + b"\0" * 64


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    brands = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    box = struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands
    return box + struct.pack(">I", 8) + b"mdat" + b"\0" * 64


def stored_files(root: Path) -> list[str]:
    """Every file under ``root``, relative to it."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
