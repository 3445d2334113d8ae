"""/api/v1/partnership-themes/ and /api/v1/partner-offers/…: the public taxonomy and catalogue with
places taken and left; creating, changing (409 on conflicts) and the status of an offer, with the
same access as the pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from vidnova.audit.models import AuditEntry
from vidnova.partnerships.models import ExpertiseOffer, PartnerContact
from vidnova.testing import factories
from vidnova.testing.partnerships import make_offer, make_partnership

ENGLISH = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json", headers=ENGLISH)


def _patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json", headers=ENGLISH)


def _body(world: Any, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation": world.organisation.pk,
        "title": "Crisis planning coaching",
        "themes": ["crisis-planning"],
        "modes": ["remote_coaching", "study_visit"],
        "capacity": 3,
        "languages": ["en", "nl"],
        "available_from": "2026-09-01",
    }
    body.update(overrides)
    return body


def test_themes_are_public(world: Any, clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(reverse("api:partnership-theme-list"), headers=ENGLISH)
    assert response.status_code == 200
    themes = {theme["code"]: theme for theme in response.json()}
    assert len(themes) == 20
    shelters = themes["civil-protection"]
    assert shelters["field"] == 1
    assert shelters["field_name"] == "Safety, security and resilience"
    assert shelters["name"] == "Shelters, warning and civil protection"
    assert shelters["name_uk"].startswith("Укриття")
    assert shelters["dimensions"] == ["f1_prep"]
    one = clients["anonymous"].get(reverse("api:partnership-theme-detail", args=["local-finance"]), headers=ENGLISH)
    assert one.json()["field"] == 2
    assert clients["anonymous"].get(reverse("api:partnership-theme-detail", args=["nope"])).status_code == 404
    assert _post(clients["admin"], reverse("api:partnership-theme-list"), {"code": "x"}).status_code in {403, 405}


def test_offer_list_is_public_with_places_and_filters(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation, capacity=3, languages=["en"], modes=["expert_mission"])
    other = factories.OrganisationFactory(kind="ngo", country="PL", name_en="Fundacja")
    make_offer(other, themes=["citizen-participation"], title="Participation")
    make_offer(other, title="Old", status="withdrawn")
    make_partnership(world.programme, world.hromada, world.organisation, offer=offer)
    PartnerContact.objects.create(organisation=world.organisation, full_name="X", languages=["de"])
    url = reverse("api:partner-offer-list")
    response = clients["anonymous"].get(url, headers=ENGLISH)
    assert response.status_code == 200
    results = {row["title"]: row for row in response.json()["results"]}
    assert set(results) == {"Crisis planning coaching", "Participation"}
    row = results["Crisis planning coaching"]
    assert (row["places_taken"], row["places_left"]) == (1, 2)
    assert row["themes"] == ["crisis-planning"]
    assert row["all_languages"] == ["de", "en"]
    assert row["organisation"] == {
        "id": world.organisation.pk,
        "name": "Test Safety Region",
        "kind": "safety_region",
        "country": world.organisation.country,
    }

    def titles(**query: Any) -> set[str]:
        return {row["title"] for row in clients["anonymous"].get(url, query).json()["results"]}

    assert titles(field=3) == {"Participation"}
    assert titles(mode="expert_mission") == {"Crisis planning coaching"}
    assert titles(organisation=other.pk, status="all") == {"Participation", "Old"}
    assert titles(language="de") == {"Crisis planning coaching"}
    assert titles(theme="citizen-participation", open="true") == {"Participation"}
    bad = clients["anonymous"].get(url, {"mode": "teleport", "field": "9"}, headers=ENGLISH)
    assert bad.status_code == 400
    assert set(bad.json()) == {"mode", "field"}
    detail = clients["anonymous"].get(reverse("api:partner-offer-detail", args=[offer.pk]), headers=ENGLISH)
    assert detail.json()["places_left"] == 2


def test_expert_creates_an_offer(world: Any, clients: dict[str, Client]) -> None:
    response = _post(clients["expert"], reverse("api:partner-offer-list"), _body(world))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["places_left"] == 3
    assert body["modes"] == ["remote_coaching", "study_visit"]
    assert body["version"] == 1
    assert ExpertiseOffer.objects.get().created_by == world.expert
    assert AuditEntry.objects.filter(action="partnerships.offer.created").count() == 1


def test_create_permissions(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("api:partner-offer-list")
    assert _post(clients["anonymous"], url, _body(world)).status_code == 401
    for name in ("outsider", "viewer", "editor"):
        assert _post(clients[name], url, _body(world)).status_code == 403
    other = factories.OrganisationFactory(kind="ngo")
    assert _post(clients["expert"], url, _body(world, organisation=other.pk)).status_code == 403
    assert _post(clients["coordinator"], url, _body(world, organisation=other.pk)).status_code == 201
    assert ExpertiseOffer.objects.count() == 1


def test_create_validation_names_the_fields(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("api:partner-offer-list")
    response = _post(clients["expert"], url, _body(world, themes=[], modes=[], capacity=0))
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"themes", "modes", "capacity"}
    assert errors["themes"] == ["Choose at least one theme."]
    response = _post(clients["expert"], url, _body(world, available_from="2026-09-01", available_until="2026-01-01"))
    assert response.status_code == 400
    assert "available_until" in response.json()
    response = _post(clients["expert"], url, _body(world, capacity="many", available_from="yesterday"))
    assert set(response.json()) == {"capacity", "available_from"}
    response = _post(clients["coordinator"], url, _body(world, organisation=999999))
    assert set(response.json()) == {"organisation"}
    agency = factories.OrganisationFactory(kind="implementing_agency")
    response = _post(clients["coordinator"], url, _body(world, organisation=agency.pk))
    assert response.status_code == 400
    assert "does not lend expertise" in response.json()["organisation"][0]
    assert not ExpertiseOffer.objects.exists()


def test_patch_with_version_and_conflict(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation)
    url = reverse("api:partner-offer-detail", args=[offer.pk])
    response = _patch(clients["expert"], url, {"version": 1, "capacity": 5, "themes": ["energy-resilience"]})
    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["version"]) == (5, 2)
    stale = _patch(clients["coordinator"], url, {"version": 1, "capacity": 7})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert stale.json()["current"]["capacity"] == 5
    missing = _patch(clients["expert"], url, {"capacity": 7})
    assert missing.status_code == 400
    assert set(missing.json()) == {"version"}
    bad = _patch(clients["expert"], url, {"version": 2, "modes": ["flying"]})
    assert bad.status_code == 400
    assert set(bad.json()) == {"modes"}
    offer.refresh_from_db()
    assert offer.capacity == 5


def test_patch_and_status_permissions(world: Any, clients: dict[str, Client]) -> None:
    offer = make_offer(world.organisation)
    url = reverse("api:partner-offer-detail", args=[offer.pk])
    status_url = reverse("api:partner-offer-status", args=[offer.pk])
    assert _patch(clients["anonymous"], url, {"version": 1, "capacity": 9}).status_code == 401
    for name in ("outsider", "viewer", "editor"):
        assert _patch(clients[name], url, {"version": 1, "capacity": 9}).status_code == 403
        assert _post(clients[name], status_url, {"status": "paused"}).status_code == 403
    assert (
        _patch(clients["expert"], reverse("api:partner-offer-detail", args=[99999]), {"version": 1}).status_code == 404
    )
    response = _post(clients["expert"], status_url, {"status": "paused", "version": 1})
    assert response.status_code == 200
    assert response.json()["status"] == "paused"
    assert _post(clients["expert"], status_url, {"status": "withdrawn", "version": 1}).status_code == 409
    bad = _post(clients["expert"], status_url, {"status": "gone"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"status"}
    offer.refresh_from_db()
    assert (offer.status, offer.capacity) == ("paused", 2)
