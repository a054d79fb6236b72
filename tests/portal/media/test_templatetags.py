"""``{% picture %}``: WebP first, JPEG fallback, sizes reserved, everything escaped."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

from portal.media.models import Image


def stored_image() -> Image:
    """A row as the service writes it (no files needed to render the markup)."""
    key = "6f1c2a3b-0000-4000-8000-000000000001"
    variants = [
        {
            "width": width,
            "height": width * 3 // 4,
            "format": fmt,
            "name": f"images/{key}/{width}.{ext}",
            "bytes": 1000,
        }
        for width in (360, 720, 1080)
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg"))
    ]
    return Image(key=key, width=1080, height=810, variants=variants)


def render(source: str, **context: object) -> str:
    return Template("{% load media_tags %}" + source).render(Context(context))


def test_a_picture_offers_webp_and_a_jpeg_fallback_in_every_width() -> None:
    html = render('{% picture image alt="A tram in Leuven" %}', image=stored_image())

    base = "/media/images/6f1c2a3b-0000-4000-8000-000000000001"
    assert html == (
        '<picture><source type="image/webp" '
        f'srcset="{base}/360.webp 360w, {base}/720.webp 720w, {base}/1080.webp 1080w" '
        'sizes="(min-width: 720px) 720px, 100vw">'
        f'<img src="{base}/720.jpg" '
        f'srcset="{base}/360.jpg 360w, {base}/720.jpg 720w, {base}/1080.jpg 1080w" '
        'sizes="(min-width: 720px) 720px, 100vw" width="1080" height="810" '
        'alt="A tram in Leuven" loading="lazy" decoding="async"></picture>'
    )


def test_options_and_escaping() -> None:
    html = render(
        "{% picture image alt=alt sizes='100vw' css_class=css lazy=False %}",
        image=stored_image(),
        alt='"><script>alert(1)</script>',
        css="cover wide",
    )

    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>" not in html
    assert ' class="cover wide"' in html
    assert html.count('sizes="100vw"') == 2
    assert "loading=" not in html


def test_no_picture_renders_nothing() -> None:
    assert render('{% picture image alt="" %}', image=None) == ""


def test_the_description_is_required() -> None:
    with pytest.raises(TemplateSyntaxError):
        render("{% picture image %}", image=stored_image())
