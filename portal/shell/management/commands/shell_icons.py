"""Regenerate the app icons from static/icons/source.png."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.shell.icons import icons_generate


class Command(BaseCommand):
    help = "Generate the manifest icons (plain and maskable) from static/icons/source.png."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in icons_generate(settings.BASE_DIR / "static" / "icons"):
            self.stdout.write(f"wrote {path.relative_to(settings.BASE_DIR)}")
