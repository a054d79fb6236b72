"""The release identifier and the files of the app shell the service worker pre-caches."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static

# Static files every screen needs offline. Lesson packs are never pre-cached: they are downloaded
# only when the learner asks, with the size shown first.
SHELL_STATIC_FILES = [
    "css/portal.css",
    "js/shell.js",
    "js/live.js",
    "js/unsynced.js",
    "icons/icon-192.png",
]
OFFLINE_PATH = "/offline/"
SERVICE_WORKER_SOURCE = settings.BASE_DIR / "static" / "js" / "sw.js"


@lru_cache(maxsize=1)
def _content_digest() -> str:
    digest = hashlib.sha256(SERVICE_WORKER_SOURCE.read_bytes())
    for name in SHELL_STATIC_FILES:
        path = finders.find(name)
        if path is None:
            raise FileNotFoundError(name)
        with open(path if isinstance(path, str) else path[0], "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:12]


def release() -> str:
    """PORTAL_RELEASE if set, else the package version plus a digest of the shell's files.

    A change to any pre-cached file therefore changes the service worker's bytes, which makes
    browsers install the new worker and its fresh caches.
    """
    if settings.RELEASE:
        return str(settings.RELEASE)
    try:
        version = metadata.version("inburgering-portal")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"{version}-{_content_digest()}"


def precache_urls() -> list[str]:
    return [OFFLINE_PATH, *(static(name) for name in SHELL_STATIC_FILES)]
