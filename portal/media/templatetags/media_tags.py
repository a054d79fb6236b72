"""``{% picture %}``: a stored picture as WebP with a JPEG fallback, in every width we have."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from portal.media.models import Image

register = template.Library()

# Full width on a phone, a 720-pixel column on anything wider.
DEFAULT_SIZES = "(min-width: 720px) 720px, 100vw"


@register.simple_tag
def picture(
    image: Image | None,
    *,
    alt: str,
    sizes: str = DEFAULT_SIZES,
    css_class: str = "",
    lazy: bool = True,
) -> SafeString:
    """``{% picture lesson.cover alt=lesson.cover_alt sizes="100vw" css_class="cover" %}``.

    ``alt`` is required (``alt=""`` for a decorative picture). Width and height are set so the
    page does not jump when the picture arrives. Renders nothing when ``image`` is None. Pass
    ``lazy=False`` for a picture at the top of the page (the largest paint).
    """
    if image is None:
        return SafeString("")
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{}'
        ' decoding="async"></picture>',
        image.srcset("webp"),
        sizes,
        image.fallback_url,
        image.srcset("jpeg"),
        sizes,
        image.width,
        image.height,
        alt,
        format_html(' class="{}"', css_class) if css_class else "",
        SafeString(' loading="lazy"') if lazy else "",
    )
