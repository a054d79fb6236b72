from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Each test its own, empty storage folder: what a test leaves behind is visible."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
