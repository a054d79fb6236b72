"""App icons for the manifest, all made from one source image with Pillow."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

SOURCE = "source.png"
# Sizes Android and desktop browsers ask for; "maskable" icons keep their content in the inner
# 80 % (the safe zone) so any mask shape leaves it whole.
SIZES = (192, 512)
MASKABLE_SAFE_ZONE = 0.8


def icons_generate(folder: Path, *, background: str = "#0b5394") -> list[Path]:
    """Write icon-<size>.png and icon-maskable-<size>.png next to the source image."""
    source = Image.open(folder / SOURCE).convert("RGBA")
    written = []
    for size in SIZES:
        plain = source.resize((size, size), Image.Resampling.LANCZOS)
        path = folder / f"icon-{size}.png"
        plain.save(path, optimize=True)
        written.append(path)

        inner = int(size * MASKABLE_SAFE_ZONE)
        maskable = Image.new("RGBA", (size, size), background)
        shrunk = source.resize((inner, inner), Image.Resampling.LANCZOS)
        offset = (size - inner) // 2
        maskable.alpha_composite(shrunk, (offset, offset))
        path = folder / f"icon-maskable-{size}.png"
        maskable.save(path, optimize=True)
        written.append(path)
    return written
