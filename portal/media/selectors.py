"""Reads of uploaded media, scoped to who asks."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from portal.accounts.models import User
from portal.media.models import Audio, Image

# The names the services give: images/<key>/<width>.<ext> and audio/<key>.<ext>.
_KEY = r"(?P<key>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
_IMAGE_NAME = re.compile(rf"images/{_KEY}/\d{{1,5}}\.(?P<extension>webp|jpg)")
_AUDIO_NAME = re.compile(rf"audio/{_KEY}\.[a-z0-9]{{2,5}}")
_IMAGE_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}

# (user, "image" | "audio", row pk) → True (may see), False (may not), None (not this app's).
ScopeCheck = Callable[[User, str, int], bool | None]
_scope_checks: list[ScopeCheck] = []


def media_scope_register(check: ScopeCheck) -> None:
    """Let an app that keeps private media here (the portfolio) say who may see them.

    Called from the app's ``ready()``. Media no check claims are shared content (lessons).
    """
    if check not in _scope_checks:
        _scope_checks.append(check)


def _may_see(user: User, kind: str, pk: int) -> bool:
    for check in _scope_checks:
        verdict = check(user, kind, pk)
        if verdict is not None:
            return verdict
    return True


@dataclass(frozen=True)
class StoredFile:
    """A file of the default storage that a row of this app names, and the type to serve."""

    name: str
    content_type: str


def stored_file_for(*, user: User, name: str) -> StoredFile | None:
    """The file ``name`` if a picture or recording row names it and ``user`` may see it.

    Lesson media are for every signed-in person (lessons are shared); media an app claims
    through ``media_scope_register`` (the portfolio's) only for whom that app says.
    """
    if not user.is_authenticated:
        return None
    if match := _IMAGE_NAME.fullmatch(name):
        image = Image.objects.filter(key=match["key"]).only("variants").first()
        if image is None or name not in image.names() or not _may_see(user, "image", image.pk):
            return None
        return StoredFile(name=name, content_type=_IMAGE_TYPES[match["extension"]])
    if match := _AUDIO_NAME.fullmatch(name):
        recording = Audio.objects.filter(key=match["key"], file=name).only("mime").first()
        if recording is None or not _may_see(user, "audio", recording.pk):
            return None
        return StoredFile(name=name, content_type=recording.mime)
    return None
