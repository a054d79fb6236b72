"""Reads of uploaded media, scoped to who asks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.accounts.models import User
from portal.media.models import Audio, Image

# The names the services give: images/<key>/<width>.<ext> and audio/<key>.<ext>.
_KEY = r"(?P<key>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
_IMAGE_NAME = re.compile(rf"images/{_KEY}/\d{{1,5}}\.(?P<extension>webp|jpg)")
_AUDIO_NAME = re.compile(rf"audio/{_KEY}\.[a-z0-9]{{2,5}}")
_IMAGE_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}


@dataclass(frozen=True)
class StoredFile:
    """A file of the default storage that a row of this app names, and the type to serve."""

    name: str
    content_type: str


def stored_file_for(*, user: User, name: str) -> StoredFile | None:
    """The file ``name`` if a picture or recording row names it and ``user`` may see it.

    Lesson media are for every signed-in person (lessons are shared); when the portfolio keeps
    its media here too, this is where they get scoped to their owner and the owner's staff.
    """
    if not user.is_authenticated:
        return None
    if match := _IMAGE_NAME.fullmatch(name):
        image = Image.objects.filter(key=match["key"]).only("variants").first()
        if image is None or name not in image.names():
            return None
        return StoredFile(name=name, content_type=_IMAGE_TYPES[match["extension"]])
    if match := _AUDIO_NAME.fullmatch(name):
        recording = Audio.objects.filter(key=match["key"], file=name).only("mime").first()
        if recording is None:
            return None
        return StoredFile(name=name, content_type=recording.mime)
    return None
