"""Security headers and page hygiene: same-host assets only, no inline script or style (the CSP
forbids them, so they would silently break in browsers)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "data", "srcset"}


class PageAudit(HTMLParser):
    """Collects what the CSP and the no-external-hosts rule care about."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.style_attributes: list[str] = []
        self.event_handler_attributes: list[str] = []
        self.inline_scripts: list[str] = []
        self.style_elements = 0
        self._in_script = False
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value is not None:
                if name == "srcset":
                    self.urls += [
                        candidate.strip().split(" ")[0] for candidate in value.split(",") if candidate.strip()
                    ]
                else:
                    self.urls.append(value)
            elif name == "style":
                self.style_attributes.append(f"<{tag} style={value!r}>")
            elif name.startswith("on"):
                self.event_handler_attributes.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.style_elements += 1
        if tag == "script":
            self._in_script = True
            self._script_text = []

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            self._in_script = False
            text = "".join(self._script_text).strip()
            if text:
                self.inline_scripts.append(text[:80])


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    parser.close()
    return parser


def is_same_host(url: str) -> bool:
    if url.startswith(("#", "?")) or url.startswith("mailto:"):
        return True
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme or parts.netloc:
        return parts.scheme in {"http", "https"} and parts.netloc == "testserver"
    return not url.startswith("//")


@pytest.mark.django_db
def test_home_page_sends_the_security_headers() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


PAGES = [
    pytest.param("/", None, id="home"),
    pytest.param("/data-sources/", None, id="data sources"),
    pytest.param("/dashboard/", "editor", id="dashboard"),
    pytest.param("/accounts/login/", None, id="login"),
]


@pytest.mark.parametrize(("path", "persona"), PAGES)
def test_pages_use_no_inline_script_or_style_and_no_other_host(world: Any, path: str, persona: str | None) -> None:
    client = Client()
    if persona:
        client.force_login(getattr(world, persona))
    response = client.get(path)
    assert response.status_code == 200
    found = audit(response.content.decode())
    assert found.inline_scripts == []
    assert found.style_attributes == []
    assert found.event_handler_attributes == []
    assert found.style_elements == 0
    assert found.urls, "the page links to nothing, so the parser saw nothing"
    assert [url for url in found.urls if not is_same_host(url)] == []


@pytest.mark.parametrize(("path", "persona"), PAGES)
def test_every_static_file_a_page_references_exists(world: Any, path: str, persona: str | None) -> None:
    """Style sheets, scripts and icons must be found by the static-file finders, or collectstatic
    leaves them out and the page arrives unstyled."""
    client = Client()
    if persona:
        client.force_login(getattr(world, persona))
    urls = audit(client.get(path).content.decode()).urls
    static = [urlsplit(url).path for url in urls if urlsplit(url).path.startswith(settings.STATIC_URL)]
    assert any(name.endswith(".css") for name in static), "the page loads no style sheet"
    missing = [name for name in static if finders.find(name.removeprefix(settings.STATIC_URL)) is None]
    assert missing == []


def test_the_audit_catches_what_it_is_meant_to_catch() -> None:
    found = audit(
        '<script>alert(1)</script><script src="/static/a.js"></script><p style="color: red" onclick="x()">'
        '<img src="https://cdn.example.com/x.png"><a href="//evil.example/">x</a><style>p{}</style>'
    )
    assert found.inline_scripts == ["alert(1)"]
    assert len(found.style_attributes) == 1
    assert len(found.event_handler_attributes) == 1
    assert found.style_elements == 1
    assert [url for url in found.urls if not is_same_host(url)] == ["https://cdn.example.com/x.png", "//evil.example/"]
