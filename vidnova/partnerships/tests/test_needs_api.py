"""/api/v1/partnership-needs/… and /api/v1/partnership-profiles/…: the combined needs with their source
and facts, needs typed by hand (create, change, close; 409 on conflicts) and the partner search profile."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from vidnova.partnerships.models import HromadaPartnerProfile, Need, Theme
from vidnova.testing import factories
from vidnova.testing.partnerships import validated_assessment

ENGLISH = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(url, body or {}, content_type="application/json", headers=ENGLISH)


def test_needs_of_one_hromada_and_of_the_programme(world: Any, clients: dict[str, Client]) -> None:
    validated_assessment(world.programme, world.hromada, {"f1_prep": 22})
    need = Need.objects.create(
        programme=world.programme, hromada=world.hromada, theme=Theme.objects.get(code="procurement"), severity=3
    )
    url = reverse("api:partnership-need-list")
    one = {"programme": world.programme.slug, "hromada": world.hromada.katottg}
    for name in ("coordinator", "editor", "viewer", "expert"):
        response = clients[name].get(url, one, headers=ENGLISH)
        assert response.status_code == 200
    rows = clients["viewer"].get(url, one, headers=ENGLISH).json()["results"]
    by_theme = {(row["theme"], row["source"]): row for row in rows}
    assert set(by_theme) == {
        ("civil-protection", "assessment"),
        ("fire-rescue", "assessment"),
        ("procurement", "manual"),
    }
    shelters = by_theme[("civil-protection", "assessment")]
    assert shelters["severity"] == 0.78
    assert shelters["facts"]["score"] == 22.0
    assert shelters["facts"]["dimension_label"]["en"].startswith("1.3")
    assert shelters["need_id"] is None
    assert by_theme[("procurement", "manual")]["need_id"] == need.pk
    manual = clients["viewer"].get(url, {**one, "source": "manual"}, headers=ENGLISH).json()["results"]
    assert [row["theme"] for row in manual] == ["procurement"]
    for name in ("anonymous", "outsider"):
        assert clients[name].get(url, one, headers=ENGLISH).status_code == 404
    whole = {"programme": world.programme.slug}
    assert clients["coordinator"].get(url, whole, headers=ENGLISH).json()["count"] == 3
    assert clients["expert"].get(url, whole, headers=ENGLISH).status_code == 200
    for name in ("viewer", "editor", "outsider"):
        assert clients[name].get(url, whole, headers=ENGLISH).status_code == 404
    missing = clients["coordinator"].get(url, {"hromada": "bad"}, headers=ENGLISH)
    assert missing.status_code == 400
    assert set(missing.json()) == {"programme", "hromada"}
    outside = {"programme": world.programme.slug, "hromada": world.other_hromada.katottg}
    assert clients["coordinator"].get(url, outside, headers=ENGLISH).status_code == 404


def test_create_change_and_close_a_need(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("api:partnership-need-list")
    body = {
        "programme": world.programme.slug,
        "hromada": world.hromada.katottg,
        "theme": "local-economy",
        "severity": 2,
        "description": "Business support",
    }
    assert _send(clients["anonymous"], "post", url, body).status_code == 401
    assert _send(clients["outsider"], "post", url, body).status_code == 404
    for name in ("viewer", "expert"):
        assert _send(clients[name], "post", url, body).status_code == 403
    bad = _send(clients["editor"], "post", url, {**body, "theme": "nope", "severity": 5})
    assert bad.status_code == 400
    assert set(bad.json()) == {"theme", "severity"}
    outside = _send(clients["coordinator"], "post", url, {**body, "hromada": world.other_hromada.katottg})
    assert outside.status_code == 400
    assert "does not take part in" in outside.json()["hromada"][0]
    assert not Need.objects.exists()
    created = _send(clients["editor"], "post", url, body)
    assert created.status_code == 201
    need = created.json()
    assert (need["theme"], need["severity"], need["status"], need["hromada"]) == (
        "local-economy",
        2,
        "open",
        world.hromada.katottg,
    )
    detail = reverse("api:partnership-need-detail", args=[need["id"]])
    assert clients["viewer"].get(detail, headers=ENGLISH).status_code == 200
    assert clients["outsider"].get(detail, headers=ENGLISH).status_code == 404
    assert _send(clients["viewer"], "patch", detail, {"version": 1, "severity": 3}).status_code == 403
    changed = _send(clients["editor"], "patch", detail, {"version": 1, "severity": 3})
    assert changed.json()["severity"] == 3
    assert _send(clients["coordinator"], "patch", detail, {"version": 1, "status": "addressed"}).status_code == 409
    closed = _send(clients["coordinator"], "patch", detail, {"version": 2, "status": "addressed"})
    assert closed.status_code == 200
    assert closed.json()["status"] == "addressed"
    assert _send(clients["coordinator"], "patch", detail, {"version": 3, "status": "done"}).status_code == 400


def test_profile_get_and_put(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("api:partnership-profile-detail", args=[world.programme.slug, world.hromada.katottg])
    default = clients["expert"].get(url, headers=ENGLISH).json()
    assert default == {
        "programme": world.programme.slug,
        "hromada": world.hromada.katottg,
        "saved": False,
        "seeks_partner": True,
        "languages": ["uk"],
        "preferred_modes": [],
        "note": "",
        "version": 1,
    }
    assert clients["outsider"].get(url, headers=ENGLISH).status_code == 404
    body = {"seeks_partner": True, "languages": ["uk", "en"], "preferred_modes": ["remote_coaching"], "version": 1}
    assert _send(clients["anonymous"], "put", url, body).status_code == 401
    assert _send(clients["outsider"], "put", url, body).status_code == 404
    for name in ("viewer", "expert"):
        assert _send(clients[name], "put", url, body).status_code == 403
    bad = _send(clients["editor"], "put", url, {**body, "languages": ["xx"], "preferred_modes": ["fly"]})
    assert bad.status_code == 400
    assert set(bad.json()) == {"languages", "preferred_modes"}
    empty = _send(clients["editor"], "put", url, {**body, "languages": []})
    assert empty.status_code == 400
    assert "languages" in empty.json()
    saved = _send(clients["editor"], "put", url, body)
    assert saved.status_code == 200
    assert (saved.json()["saved"], saved.json()["version"]) == (True, 2)
    conflict = _send(clients["coordinator"], "put", url, {**body, "seeks_partner": False})
    assert conflict.status_code == 409
    assert conflict.json()["current"]["languages"] == ["uk", "en"]
    assert HromadaPartnerProfile.objects.get().seeks_partner is True
    other = reverse("api:partnership-profile-detail", args=[world.programme.slug, world.other_hromada.katottg])
    assert clients["coordinator"].get(other, headers=ENGLISH).status_code == 404
    factories.ProgrammeFactory(slug="second")
    assert (
        clients["coordinator"]
        .get(reverse("api:partnership-profile-detail", args=["second", world.hromada.katottg]), headers=ENGLISH)
        .status_code
        == 404
    )
