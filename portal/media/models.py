"""Stored pictures and recordings: rows that name files in the default storage.

Each upload gets a random key that is part of every file name, so a name never points at other
content and the files can be cached forever. Lessons (and later the portfolio) refer to these rows.
"""

from __future__ import annotations

import uuid
from typing import TypedDict

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredVariant(TypedDict):
    width: int
    height: int
    format: str
    name: str
    bytes: int


class Image(models.Model):
    """A picture as WebP and JPEG variants at several widths (see ``images.process``)."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Of the largest variant: the aspect ratio the page reserves before the picture arrives.
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    # [{"width", "height", "format" ("webp" | "jpeg"), "name" (storage name), "bytes"}, ...]
    variants = models.JSONField(_("variants"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key} ({self.width}x{self.height})"

    def _of(self, fmt: str) -> list[StoredVariant]:
        found: list[StoredVariant] = [v for v in self.variants if v["format"] == fmt]
        return sorted(found, key=lambda variant: variant["width"])

    def srcset(self, format: str) -> str:
        """``"<url> 360w, <url> 720w, …"`` for the variants in ``format`` ("webp" or "jpeg")."""
        return ", ".join(
            f"{default_storage.url(v['name'])} {v['width']}w" for v in self._of(format)
        )

    @property
    def fallback_url(self) -> str:
        """The JPEG for browsers without srcset: 720 wide, or the largest if it is narrower."""
        jpegs = self._of("jpeg")
        chosen = next((v for v in jpegs if v["width"] == 720), jpegs[-1])
        return default_storage.url(chosen["name"])

    @property
    def thumbnail_url(self) -> str:
        """The smallest JPEG (at most 15 KiB), for lists and cards."""
        return default_storage.url(self._of("jpeg")[0]["name"])

    @property
    def total_bytes(self) -> int:
        """All variants together: what a lesson pack downloads for this picture."""
        return sum(v["bytes"] for v in self.variants)

    def urls(self) -> list[str]:
        """Every variant's URL, for a lesson pack to cache for offline use."""
        return [default_storage.url(v["name"]) for v in self.variants]

    def names(self) -> list[str]:
        """Every variant's storage name."""
        return [v["name"] for v in self.variants]

    def _for_pack(self) -> StoredVariant:
        # What a phone (360 CSS pixels at 2x) asks for; the worker answers other widths from it.
        webps = self._of("webp")
        return next((v for v in webps if v["width"] >= 720), webps[-1])

    def pack_url(self) -> str:
        """The one variant a downloaded lesson pack keeps of this picture."""
        return default_storage.url(self._for_pack()["name"])

    def pack_bytes(self) -> int:
        return self._for_pack()["bytes"]


class Audio(models.Model):
    """A recording, stored as uploaded once its first bytes show a known container."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="audio/", max_length=200)
    mime = models.CharField(_("type"), max_length=40)
    bytes = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key} ({self.mime})"

    @property
    def url(self) -> str:
        return self.file.url
