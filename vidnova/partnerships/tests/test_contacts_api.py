"""/api/v1/partner-contacts/…: contact persons for insiders only; the organisation's partner experts and
programme staff write (403 for read-only insiders, 404 for outsiders, 401 without credentials)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from vidnova.audit.models import AuditEntry
from vidnova.partnerships.models import PartnerContact
from vidnova.testing import factories

ENGLISH = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(url, body or {}, content_type="application/json", headers=ENGLISH)


def _contact(world: Any, **fields: Any) -> PartnerContact:
    values: dict[str, Any] = {
        "organisation": world.organisation,
        "full_name": "Jan Jansen",
        "email": "jan@example.nl",
        "languages": ["nl"],
    }
    values.update(fields)
    return PartnerContact.objects.create(**values)


def test_list_for_insiders_only(world: Any, clients: dict[str, Client]) -> None:
    contact = _contact(world)
    other = factories.OrganisationFactory(kind="ngo")
    _contact(world, organisation=other, full_name="Other Person")
    url = reverse("api:partner-contact-list")
    assert clients["anonymous"].get(url, headers=ENGLISH).status_code == 401
    assert clients["outsider"].get(url, headers=ENGLISH).status_code == 403
    for name in ("viewer", "editor", "expert", "coordinator"):
        response = clients[name].get(url, headers=ENGLISH)
        assert response.status_code == 200
        assert {row["full_name"] for row in response.json()["results"]} == {"Jan Jansen", "Other Person"}
    filtered = clients["viewer"].get(url, {"organisation": world.organisation.pk}, headers=ENGLISH).json()
    assert [row["id"] for row in filtered["results"]] == [contact.pk]
    assert filtered["results"][0]["email"] == "jan@example.nl"
    detail = reverse("api:partner-contact-detail", args=[contact.pk])
    assert clients["viewer"].get(detail, headers=ENGLISH).json()["full_name"] == "Jan Jansen"
    assert clients["outsider"].get(detail, headers=ENGLISH).status_code == 404
    assert clients["anonymous"].get(detail, headers=ENGLISH).status_code == 404


def test_create_validation_and_permissions(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("api:partner-contact-list")
    body = {"organisation": world.organisation.pk, "full_name": "Anna", "languages": ["nl", "en"], "is_primary": True}
    assert _send(clients["anonymous"], "post", url, body).status_code == 401
    assert _send(clients["outsider"], "post", url, body).status_code == 404
    for name in ("viewer", "editor"):
        assert _send(clients[name], "post", url, body).status_code == 403
    bad = _send(clients["expert"], "post", url, {**body, "email": "nope", "languages": ["xx"]})
    assert bad.status_code == 400
    assert set(bad.json()) == {"email", "languages"}
    missing = _send(clients["expert"], "post", url, {"full_name": "Anna"})
    assert set(missing.json()) == {"organisation"}
    assert not PartnerContact.objects.exists()
    response = _send(clients["expert"], "post", url, body)
    assert response.status_code == 201
    assert response.json()["is_primary"] is True
    assert AuditEntry.objects.filter(action="partnerships.contact.created").count() == 1


def test_patch_conflict_and_delete(world: Any, clients: dict[str, Client]) -> None:
    contact = _contact(world)
    url = reverse("api:partner-contact-detail", args=[contact.pk])
    assert _send(clients["viewer"], "patch", url, {"version": 1, "position": "x"}).status_code == 403
    assert _send(clients["outsider"], "patch", url, {"version": 1, "position": "x"}).status_code == 404
    response = _send(clients["expert"], "patch", url, {"version": 1, "position": "Mayor"})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    conflict = _send(clients["coordinator"], "patch", url, {"version": 1, "position": "Clerk"})
    assert conflict.status_code == 409
    assert conflict.json()["current"]["position"] == "Mayor"
    assert _send(clients["viewer"], "delete", url).status_code == 403
    assert _send(clients["outsider"], "delete", url).status_code == 404
    assert _send(clients["coordinator"], "delete", url).status_code == 204
    assert not PartnerContact.objects.exists()
    assert AuditEntry.objects.filter(action="partnerships.contact.deleted").count() == 1
