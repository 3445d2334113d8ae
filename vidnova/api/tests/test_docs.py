"""The API documentation page: server-rendered from the schema, in the base layout, small, and
covering every endpoint."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from vidnova.api.docs import generate_schema

DOCS_URL = reverse("api-docs")


def _english(client: Client) -> Client:
    """Pages speak Ukrainian unless the person chose a language with the switcher (its cookie)."""
    client.cookies["vidnova_language"] = "en"
    return client


STATIC = Path(settings.BASE_DIR)


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "editor", "coordinator"])
def test_docs_page_renders_for_everyone(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(DOCS_URL)
    assert response.status_code == 200
    assert "api/docs.html" in [template.name for template in response.templates]
    assert "base.html" in [template.name for template in response.templates]
    assert response.context["nav"] == "api"


def test_docs_page_mentions_every_path_and_operation(clients: dict[str, Client]) -> None:
    html = _english(clients["anonymous"]).get(DOCS_URL).content.decode()
    schema = generate_schema()
    for path, methods in schema["paths"].items():
        assert f"<code>{path}</code>" in html
        for operation in methods.values():
            assert f'id="{operation["operationId"]}"' in html
            assert f'href="#{operation["operationId"]}"' in html
            assert escape(str(operation["summary"])) in html


def test_docs_page_explains_authentication_pagination_errors_languages(clients: dict[str, Client]) -> None:
    html = _english(clients["anonymous"]).get(DOCS_URL).content.decode()
    assert f'href="{reverse("accounts:api-token")}"' in html
    assert f'href="{reverse("api-schema")}?format=json"' in html
    assert f'href="{reverse("api-schema")}?format=yaml"' in html
    for section in ["authentication", "pagination", "errors", "languages", "endpoints"]:
        assert f'id="{section}"' in html
    assert "600 requests per hour" in html
    assert "Accept-Language" in html


def test_docs_page_has_parameter_tables_fields_and_curl(clients: dict[str, Client]) -> None:
    html = _english(clients["anonymous"]).get(DOCS_URL).content.decode()
    assert "<caption>Parameters: List hromadas</caption>" in html
    assert "<code>include_crimea</code>" in html
    assert "<code>temporarily_occupied</code>" in html  # allowed values of security_status
    assert "<code>results[].oblast.iso_3166_2</code>" in html  # nested response fields
    assert "<code>security_status_history[].starts_on</code>" in html
    assert "curl http://testserver/api/v1/hromadas/UA32080070000050759/<" in html
    assert "curl -X POST -H &#x27;Authorization: Token YOUR_TOKEN&#x27;" in html
    assert "active_hostilities" in html  # the request example
    # drf-spectacular's markdown list of choices is not shown raw.
    assert "* `" not in html


def test_docs_page_is_small_and_has_no_inline_script_or_style(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(DOCS_URL)
    html = response.content.decode()
    assert "<script>" not in html
    assert "style=" not in html
    assets = [STATIC / "static/vidnova/vidnova.css", STATIC / "api/static/api/docs.css"]
    total = len(gzip.compress(response.content)) + sum(len(gzip.compress(path.read_bytes())) for path in assets)
    assert total < 150 * 1024


def test_docs_page_defaults_to_ukrainian(clients: dict[str, Client]) -> None:
    html = clients["anonymous"].get(DOCS_URL).content.decode()
    assert '<html lang="uk">' in html
