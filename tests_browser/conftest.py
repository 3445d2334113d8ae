"""Fixtures for the browser tests: headless Chromium (Debian's package) driven by Playwright.

These tests are not part of the default run (pyproject's testpaths is ``vidnova``); run them with
``.venv/bin/python -m pytest tests_browser`` after ``pip install --require-hashes -r
requirements/browser.txt``. Playwright never downloads a browser here: it drives the Chromium at
``VIDNOVA_CHROMIUM`` (default /usr/bin/chromium; on Debian/Ubuntu ``apt-get install chromium``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request

# Playwright's sync API keeps an asyncio event loop in this thread; Django's ORM would otherwise
# refuse to run in the test body ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("VIDNOVA_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google's hosts at start-up.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

PASSWORD = "correct-horse-battery"  # what vidnova.testing.factories.UserFactory sets
BUCHANSKA = "UA32080070000050759"  # Buchanska urban hromada, Kyiv oblast


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: install it (Debian/Ubuntu: apt-get install chromium) "
            "or point VIDNOVA_CHROMIUM at a Chromium or Chrome binary."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Visit:
    """A browser tab on the live server that records every request it makes."""

    page: Page
    base_url: str
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def other_host_requests(self) -> list[str]:
        own = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob", "about"} and urlsplit(url).netloc != own
        ]


@pytest.fixture
def visit(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Visit]:
    # A Ukrainian browser, like most of Vidnova's users: the interface starts in Ukrainian.
    context = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    current = Visit(page=page, base_url=live_server.url)

    def remember(request: Request) -> None:
        current.requests.append(request.url)

    page.on("request", remember)
    yield current
    context.close()


@pytest.fixture
def registry(transactional_db: None) -> None:
    """The real registry, loaded with the real loader (the live server needs committed rows), and the
    partnership themes that migration 0002 seeded (an earlier browser test's flush emptied them)."""
    from vidnova.partnerships.demo import ensure_themes
    from vidnova.registry.services import registry_load

    registry_load(acting_user=None)
    ensure_themes([])


@pytest.fixture
def editor(registry: None) -> Any:
    """A hromada editor of Buchanska with a verified email address (no two-factor step)."""
    from vidnova.accounts.models import Role
    from vidnova.registry.models import Hromada
    from vidnova.testing import factories

    user = factories.UserFactory(email="redaktorka@example.org", full_name="Олена Редакторка")
    factories.MembershipFactory(user=user, role=Role.HROMADA_EDITOR, hromada=Hromada.objects.get(katottg=BUCHANSKA))
    return user
