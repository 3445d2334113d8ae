"""Fixtures for the accounts tests: a clean cache (allauth keeps rate-limit counters and used TOTP
codes there) and pages in English, so assertions can quote allauth's messages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from conftest import World
from vidnova.accounts.models import Role, User
from vidnova.testing import factories

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def en_clients(clients: dict[str, Client]) -> dict[str, Client]:
    """The persona clients, asking for English pages."""
    return {name: english(client) for name, client in clients.items()}


@pytest.fixture
def admin_without_totp(world: World) -> User:
    """A programme administrator who has not set up two-factor authentication yet."""
    user: User = factories.UserFactory.create(email="new-admin@example.org")
    factories.MembershipFactory.create(user=user, role=Role.PROGRAMME_ADMIN, programme=world.programme)
    return user


class _InlineCode(HTMLParser):
    """Collects what the CSP would block: inline scripts (data blocks of type application/json are
    not scripts and are allowed), style elements and attributes, event-handler attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script_is_code = False
        self._script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            external = bool(value and re.match(r"^(https?:)?//", value)) and not str(value).startswith(
                ("http://testserver", "https://testserver")
            )
            if name in {"src", "href", "action"} and external:
                self.problems.append(f"<{tag} {name}={value!r}> (other host)")
        if tag == "style":
            self.problems.append("<style>")
        if tag == "script":
            self._in_script = True
            self._script_text = []
            self._script_is_code = "src" not in names and names.get("type") != "application/json"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            self._in_script = False
            if self._script_is_code and "".join(self._script_text).strip():
                self.problems.append("inline <script>")


def inline_code_problems(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems
