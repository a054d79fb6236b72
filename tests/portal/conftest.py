from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english_pages(settings: Any) -> None:
    # These tests read English texts; the default (Dutch) pages are covered by the browser tests.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def staff_language() -> str:
    return "en"
