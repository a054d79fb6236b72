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


def _ebml_element(element_id: bytes, content: bytes | None) -> bytes:
    """An EBML element; ``None`` content writes the unknown size a live recorder writes."""
    if content is None:
        return element_id + b"\x01\xff\xff\xff\xff\xff\xff\xff"
    return element_id + (0x01 << 56 | len(content)).to_bytes(8, "big") + content


def ebml(doctype: bytes, *, blocks: int = 3, block_bytes: int = 40) -> bytes:
    """A whole WebM/Matroska file as Chromium's MediaRecorder writes it: EBML header, then a
    Segment and a Cluster of unknown size (written live), Info, one Opus track and ``blocks``
    SimpleBlocks of ``block_bytes`` bytes each."""
    doc = b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    body = b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08" + doc
    header = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body
    info = _ebml_element(b"\x15\x49\xa9\x66", b"\x2a\xd7\xb1\x83\x0f\x42\x40")
    track = b"\xd7\x81\x01" + b"\x83\x81\x02" + b"\x86\x86A_OPUS"  # number, audio, codec
    tracks = _ebml_element(b"\x16\x54\xae\x6b", _ebml_element(b"\xae", track))
    cluster = _ebml_element(b"\x1f\x43\xb6\x75", None) + b"\xe7\x81\x00"  # timecode 0
    for index in range(blocks):
        # Track 1, timecode 20 ms apart, keyframe; then the (here meaningless) Opus bytes.
        block = b"\x81" + (20 * index).to_bytes(2, "big") + b"\x80" + bytes([index]) * block_bytes
        cluster += _ebml_element(b"\xa3", block)
    return header + _ebml_element(b"\x18\x53\x80\x67", None) + info + tracks + cluster


def _box(name: bytes, content: bytes) -> bytes:
    return struct.pack(">I", 8 + len(content)) + name + content


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    """An ISO media file with these brands: ``ftyp``, a movie header (``moov``) and data."""
    brands = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    movie = _box(b"moov", _box(b"mvhd", bytes(100)))
    return _box(b"ftyp", brands) + movie + _box(b"mdat", b"\x21" * 64)


# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo, no padding: frames of 417 bytes.
MP3_FRAME_HEADER = b"\xff\xfb\x90\x64"
MP3_FRAME_BYTES = 417


def mp3(frames: int = 4, *, id3: bool = False) -> bytes:
    """An MP3 of ``frames`` silent frames, after an (empty) ID3v2.4 tag if ``id3``."""
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 0, 10]) + bytes(10) if id3 else b""
    return tag + (MP3_FRAME_HEADER + bytes(MP3_FRAME_BYTES - 4)) * frames


def _ogg_crc(page: bytes) -> int:
    """CRC-32 of RFC 3533 (polynomial 0x04C11DB7, MSB first, no reflection), bit by bit."""
    crc = 0
    for byte in page:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return crc


def ogg_page(packet: bytes, *, flags: int, granule: int, sequence: int, serial: int = 7) -> bytes:
    """One Ogg page holding ``packet`` (under 255 * 255 bytes), with its CRC."""
    lacing = bytes([255] * (len(packet) // 255) + [len(packet) % 255])
    header = (
        b"OggS\x00"
        + bytes([flags])
        + struct.pack("<QII", granule, serial, sequence)
        + bytes(4)
        + bytes([len(lacing)])
        + lacing
    )
    page = header + packet
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def ogg_opus(packets: int = 5) -> bytes:
    """A valid Ogg Opus file (RFC 7845): OpusHead, OpusTags, then ``packets`` audio packets of
    20 ms each (a 1-byte packet is a valid empty frame, RFC 6716 3.2.1), the last page marked
    end of stream."""
    head = b"OpusHead\x01\x01" + struct.pack("<HIhB", 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 6) + b"portal" + struct.pack("<I", 0)
    pages = [
        ogg_page(head, flags=0x02, granule=0, sequence=0),
        ogg_page(tags, flags=0x00, granule=0, sequence=1),
    ]
    for index in range(packets):
        last = index == packets - 1
        pages.append(
            ogg_page(
                b"\xf8",  # CELT fullband 20 ms, mono, one frame
                flags=0x04 if last else 0x00,
                granule=312 + 960 * (index + 1),
                sequence=2 + index,
            )
        )
    return b"".join(pages)


def stored_files(root: Path) -> list[str]:
    """Every file under ``root``, relative to it."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
