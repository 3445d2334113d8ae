from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def english_pages(settings: Any) -> None:
    """Serve pages in English, the source language, so view tests can assert on messages."""
    settings.LANGUAGE_CODE = "en"
