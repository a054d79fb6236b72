"""The picture pipeline: what is accepted, what comes out, and a clear refusal for the rest."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from portal.media import images
from portal.media.images import ImageRefused, Variant
from tests.portal.media import samples

# Traces a phone leaves in a file, as bytes an encoder would copy along.
METADATA_MARKERS = (
    b"Exif",
    b"ICC_PROFILE",
    b"ICCP",
    b"XMP ",
    b"http://ns.adobe.com/xap",
    b"PhoneMaker",
    b"SecretPhone",
    b"2026:03:14",
)


def opened(variant: Variant) -> Image.Image:
    image = Image.open(io.BytesIO(variant.content))
    image.load()
    return image


def assert_no_metadata(variant: Variant) -> None:
    image = opened(variant)
    assert image.format == variant.format.upper()
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp"} & set(image.info)
    for marker in METADATA_MARKERS:
        assert marker not in variant.content, marker


def test_a_photo_becomes_webp_and_jpeg_at_360_720_and_1080() -> None:
    variants = images.process(samples.jpeg(2000, 1500))

    assert [(v.width, v.height, v.format) for v in variants] == [
        (360, 270, "webp"),
        (360, 270, "jpeg"),
        (720, 540, "webp"),
        (720, 540, "jpeg"),
        (1080, 810, "webp"),
        (1080, 810, "jpeg"),
    ]
    for variant in variants:
        image = opened(variant)
        assert image.size == (variant.width, variant.height)
        assert image.mode == "RGB"


def test_thumbnails_fit_in_15_kib_even_when_the_first_try_does_not() -> None:
    noisy = samples.photo(400, 300)
    # At the first qualities this photo is over budget at 360 wide: the search has work to do.
    at_360 = noisy.resize((360, 270), Image.Resampling.LANCZOS)
    assert len(samples.encode(at_360, "JPEG", quality=images.JPEG_QUALITY)) > 15 * 1024
    assert len(samples.encode(at_360, "WEBP", quality=images.WEBP_QUALITY)) > 15 * 1024

    variants = images.process(samples.encode(noisy, "PNG"))

    assert [(v.width, v.format) for v in variants] == [(360, "webp"), (360, "jpeg")]
    assert all(len(v.content) <= 15 * 1024 for v in variants)


def test_larger_variants_keep_their_quality() -> None:
    variants = images.process(samples.jpeg(2000, 1500))

    # Only the thumbnails are squeezed: the 1080 JPEG is far over the thumbnail budget.
    assert all(len(v.content) <= 15 * 1024 for v in variants if v.width == 360)
    assert len(variants[-1].content) > 40 * 1024


def test_a_picture_is_never_enlarged() -> None:
    assert {v.width for v in images.process(samples.jpeg(1000, 800))} == {360, 720}
    narrow = images.process(samples.encode(samples.photo(300, 400), "PNG"))
    assert [(v.width, v.height, v.format) for v in narrow] == [
        (300, 400, "webp"),
        (300, 400, "jpeg"),
    ]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_and_gps_are_gone_from_every_variant_and_the_photo_is_upright(fmt: str) -> None:
    data = samples.encode(
        samples.photo(1600, 1200),
        fmt,
        exif=samples.private_exif(orientation=6),
        icc_profile=samples.srgb_profile(),
        **({"comment": b"taken at home, Leuven"} if fmt == "JPEG" else {}),
    )
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)  # The upload does carry GPS.

    variants = images.process(data)

    assert len(variants) == 6
    for variant in variants:
        assert_no_metadata(variant)
        assert b"taken at home" not in variant.content
        # Orientation 6: stored lying on its side, turned a quarter clockwise to show.
        assert variant.height > variant.width
        # The red corner, stored top left, is now top right.
        red, green, blue = opened(variant).convert("RGB").getpixel((variant.width - 3, 2))
        assert red > 150 > green
        assert blue < 100


def test_a_huge_exif_note_is_stripped() -> None:
    data = samples.encode(
        samples.photo(800, 600), "JPEG", exif=samples.private_exif(comment_bytes=60_000)
    )
    assert len(data) > 60_000

    variants = images.process(data)

    for variant in variants:
        assert_no_metadata(variant)
        assert b"Z" * 100 not in variant.content


def test_an_xmp_packet_is_stripped() -> None:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>SecretPhone</rdf:RDF></x:xmpmeta>'
    data = samples.encode(samples.photo(800, 600), "JPEG", xmp=xmp)
    assert b"SecretPhone" in data

    for variant in images.process(data):
        assert_no_metadata(variant)


def test_transparency_is_flattened_onto_white() -> None:
    picture = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    picture.paste((200, 0, 0, 255), (100, 100, 300, 200))

    variants = images.process(samples.encode(picture, "PNG"))

    for variant in variants:
        image = opened(variant).convert("RGB")
        assert image.mode == "RGB"
        assert min(image.getpixel((2, 2))) > 240  # type: ignore[arg-type]
        red, green, _blue = image.getpixel((variant.width // 2, variant.height // 2))  # type: ignore[misc]
        assert red > 150 > green


def test_an_animated_gif_gives_its_first_frame_as_a_still_picture() -> None:
    variants = images.process(samples.animated_gif())

    assert [(v.width, v.format) for v in variants] == [(200, "webp"), (200, "jpeg")]
    for variant in variants:
        red, green, blue = opened(variant).convert("RGB").getpixel((100, 75))  # type: ignore[misc]
        assert red > 180 > blue
        assert green < 60


@pytest.mark.parametrize(
    "build",
    [
        lambda: samples.encode(samples.photo(300, 200).convert("L"), "JPEG"),
        lambda: samples.encode(samples.photo(300, 200).convert("CMYK"), "JPEG"),
        lambda: samples.encode(samples.photo(300, 200).convert("P"), "PNG", transparency=0),
        lambda: samples.encode(samples.photo(300, 200).convert("LA"), "PNG"),
        lambda: samples.encode(Image.new("I;16", (300, 200), 30000), "PNG"),
        lambda: samples.encode(samples.photo(300, 200).convert("1"), "PNG"),
        lambda: samples.encode(samples.photo(300, 200), "WEBP", lossless=True),
    ],
    ids=[
        "grey jpeg",
        "cmyk jpeg",
        "palette png",
        "grey+alpha png",
        "16-bit png",
        "1-bit png",
        "webp",
    ],
)
def test_every_colour_mode_comes_out_as_plain_rgb(build: Callable[[], bytes]) -> None:
    variants = images.process(build())

    assert [v.width for v in variants] == [300, 300]
    for variant in variants:
        assert opened(variant).mode == "RGB"


def test_16_bit_grey_keeps_its_shade() -> None:
    [webp, _jpeg] = images.process(samples.encode(Image.new("I;16", (300, 200), 30000), "PNG"))

    shade = opened(webp).convert("L").getpixel((10, 10))
    assert 100 < shade < 135  # type: ignore[operator]  # 30000/65535 of white, not white


def test_a_gif_with_a_script_after_it_is_stored_as_pixels_only() -> None:
    polyglot = samples.encode(samples.photo(200, 150).convert("P"), "GIF") + (
        b"<script>alert(document.cookie)</script>"
    )

    for variant in images.process(polyglot):
        assert b"<script" not in variant.content


# Every way an upload is refused: (what, the bytes, the expected code).
REFUSALS: list[tuple[str, Callable[[], bytes], str]] = [
    ("random bytes", lambda: random.Random(7).randbytes(5000), "not_an_image"),  # noqa: S311
    ("empty", lambda: b"", "not_an_image"),
    ("text", lambda: b"Bonjour, ceci n'est pas une image.", "not_an_image"),
    (
        "svg with a script",
        lambda: (
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" '
            b'height="300"><script>alert(document.cookie)</script></svg>'
        ),
        "unsupported_format",
    ),
    (
        "pdf",
        lambda: b"%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF",
        "not_an_image",
    ),
    (
        "html behind a jpeg signature",
        lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<html><script>alert(1)</script></html>",
        "not_an_image",
    ),
    (
        "html with a jpeg inside",
        lambda: b"<html><body>" + samples.jpeg(400, 300) + b"</body></html>",
        "not_an_image",
    ),
    ("heic", lambda: samples.ftyp(b"heic", b"mif1", b"heic"), "unsupported_format"),
    ("tiff", lambda: samples.encode(samples.photo(400, 300), "TIFF"), "unsupported_format"),
    ("bmp", lambda: samples.encode(samples.photo(400, 300), "BMP"), "unsupported_format"),
    ("truncated jpeg", lambda: samples.jpeg()[:25_000], "corrupt"),
    ("truncated png", lambda: samples.encode(samples.photo(400, 300), "PNG")[:9_000], "corrupt"),
    ("jpeg header only", lambda: samples.jpeg()[:600], "corrupt"),
    (
        "30000 x 30000 declared",
        lambda: samples.png_declaring(30_000, 30_000),
        "too_many_pixels",
    ),
    ("25 million real pixels", lambda: samples.png_bilevel(5000, 5000), "too_many_pixels"),
    ("too small", lambda: samples.encode(samples.photo(300, 40), "PNG"), "too_small"),
]


@pytest.mark.parametrize(("build", "code"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_each_refusal_has_a_code_and_a_message(build: Callable[[], bytes], code: str) -> None:
    with pytest.raises(ImageRefused) as refused:
        images.process(build())

    assert refused.value.code == code
    assert refused.value.message.strip()
    assert isinstance(refused.value, ValidationError)  # A form shows it as it is.


@pytest.mark.parametrize(
    "data",
    [
        samples.jpeg(800, 600),
        samples.encode(samples.photo(400, 300), "JPEG", progressive=True),
        samples.encode(samples.photo(400, 300), "PNG"),
        samples.encode(samples.photo(400, 300).convert("P"), "GIF"),
    ],
    ids=["jpeg", "progressive jpeg", "png", "gif"],
)
@pytest.mark.parametrize("keep", [0.3, 0.7, 0.98])
def test_a_cut_off_picture_is_refused_even_if_pillow_is_told_to_accept_them(
    data: bytes, keep: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What importing WeasyPrint (the PDFs) does to the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(ImageRefused) as refused:
        images.process(data[: int(len(data) * keep)])

    assert refused.value.code == "corrupt"


def test_a_file_over_the_byte_limit_is_refused_with_its_size(settings: Any) -> None:
    settings.MEDIA_MAX_IMAGE_BYTES = 1024 * 1024
    data = samples.encode(samples.photo(1200, 900), "PNG")
    assert len(data) > 1024 * 1024

    with pytest.raises(ImageRefused) as refused:
        images.process(data)

    assert refused.value.code == "too_large"
    assert "The limit is 1 MB" in refused.value.message


def test_the_size_is_checked_before_any_pixel_is_decoded() -> None:
    # The pixel data is garbage: had it been decoded, the refusal would say "corrupt".
    with pytest.raises(ImageRefused) as refused:
        images.process(samples.png_declaring(6000, 5000))

    assert refused.value.code == "too_many_pixels"
    assert "24 million" in refused.value.message


def test_pillows_own_bomb_guard_refuses_too(settings: Any) -> None:
    # With our limit above Pillow's (89 million), Pillow's warning must refuse, not leak.
    settings.MEDIA_MAX_IMAGE_PIXELS = 1_000_000_000
    for width in (10_000, 30_000):  # Pillow warns above 89 million, raises above 179 million.
        with pytest.raises(ImageRefused) as refused:
            images.process(samples.png_declaring(width, 10_000))
        assert refused.value.code == "too_many_pixels"


SMALL_JPEG = samples.jpeg(96, 80)
SMALL_PNG = samples.encode(samples.photo(96, 80).convert("P"), "PNG")


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from([SMALL_JPEG, SMALL_PNG]),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    keep=st.floats(0.05, 1),
)
def test_broken_files_give_a_clear_refusal_never_an_error(
    source: bytes, edits: list[tuple[float, int]], keep: float
) -> None:
    """QUALITY.md: a fuzz corpus of broken files gives clear errors, never a 500."""
    data = bytearray(source[: max(1, int(len(source) * keep))])
    for where, value in edits:
        data[int(where * len(data))] = value
    try:
        variants = images.process(bytes(data))
    except ImageRefused as exc:
        refused: ImageRefused | None = exc
    else:
        refused = None
        assert variants
        assert all(v.content for v in variants)
    if refused is not None:
        assert refused.code in {"not_an_image", "corrupt", "too_many_pixels", "too_small"}
        assert refused.message
