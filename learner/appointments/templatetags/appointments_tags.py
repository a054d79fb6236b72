"""Template helpers of the appointments screens."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def language_label(code: str) -> str:
    """A language's name in the reader's language; interpreters may speak languages the
    portal has no catalog for (Dari, Kurdish…), which Django may know, or not."""
    names = dict(settings.LANGUAGES)
    if code in names:
        return str(names[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code.upper()
