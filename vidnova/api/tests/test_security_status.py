"""GET and POST /api/v1/hromadas/{katottg}/security-status/: the public history, and setting a new
status (programme staff only), through a session or an API token."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.registry.models import Hromada, SecurityStatus, SecurityStatusPeriod


def status_url(hromada: Hromada) -> str:
    return reverse("api:hromada-security-status", kwargs={"katottg": hromada.katottg})


def post_json(client: Client, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, body, content_type="application/json", **extra)


NEW_STATUS = {"status": "active_hostilities", "starts_on": "2025-03-01", "source": "Government list", "note": "Checked"}


@pytest.fixture
def recorded(world: World) -> SecurityStatusPeriod:
    """The persona hromada has had "possible hostilities" since 1 January 2024."""
    return SecurityStatusPeriod.objects.create(
        hromada=world.hromada, status=SecurityStatus.POSSIBLE_HOSTILITIES, starts_on=datetime.date(2024, 1, 1)
    )


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "editor", "coordinator"])
def test_everyone_reads_the_history(
    clients: dict[str, Client], world: World, recorded: SecurityStatusPeriod, persona: str
) -> None:
    response = clients[persona].get(status_url(world.hromada))
    assert response.status_code == 200
    assert response.json() == [
        {"status": "possible_hostilities", "starts_on": "2024-01-01", "ends_on": None, "source": "", "note": ""}
    ]


def test_history_of_unknown_hromada_is_404(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(reverse("api:hromada-security-status", kwargs={"katottg": "UA99" + "0" * 15}))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_programme_staff_set_the_status(
    clients: dict[str, Client], world: World, recorded: SecurityStatusPeriod, persona: str
) -> None:
    response = post_json(clients[persona], status_url(world.hromada), NEW_STATUS)

    assert response.status_code == 201
    assert response.json() == {
        "status": "active_hostilities",
        "starts_on": "2025-03-01",
        "ends_on": None,
        "source": "Government list",
        "note": "Checked",
    }
    recorded.refresh_from_db()
    assert recorded.ends_on == datetime.date(2025, 3, 1)
    new = SecurityStatusPeriod.objects.get(hromada=world.hromada, starts_on=datetime.date(2025, 3, 1))
    assert (new.status, new.note, new.created_by) == ("active_hostilities", "Checked", getattr(world, persona))
    entry = AuditEntry.objects.get(action="registry.security_status.set")
    assert entry.actor == getattr(world, persona)

    detail = clients["anonymous"].get(reverse("api:hromada-detail", kwargs={"katottg": world.hromada.katottg}))
    assert detail.json()["security_status"] == "active_hostilities"
    assert [period["status"] for period in detail.json()["security_status_history"]] == [
        "active_hostilities",
        "possible_hostilities",
    ]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "editor", "expert"])
def test_others_get_403_and_nothing_changes(
    clients: dict[str, Client], world: World, recorded: SecurityStatusPeriod, persona: str
) -> None:
    response = post_json(clients[persona], status_url(world.hromada), NEW_STATUS)
    assert response.status_code == 403
    assert SecurityStatusPeriod.objects.filter(hromada=world.hromada).count() == 1
    assert not AuditEntry.objects.filter(action="registry.security_status.set").exists()


def test_anonymous_gets_401(clients: dict[str, Client], world: World) -> None:
    response = post_json(clients["anonymous"], status_url(world.hromada), NEW_STATUS)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert not SecurityStatusPeriod.objects.filter(hromada=world.hromada).exists()


def test_token_authentication(token_client: Callable[[str], Client], world: World) -> None:
    assert post_json(token_client("viewer"), status_url(world.hromada), NEW_STATUS).status_code == 403
    assert post_json(token_client("editor"), status_url(world.hromada), NEW_STATUS).status_code == 403
    response = post_json(token_client("coordinator"), status_url(world.hromada), NEW_STATUS)
    assert response.status_code == 201
    assert SecurityStatusPeriod.objects.get(hromada=world.hromada).created_by == world.coordinator
    # Token requests need no CSRF token and no session.
    read = token_client("viewer").get(reverse("api:hromada-list"), {"q": world.hromada.name_latin})
    assert read.status_code == 200


def test_invalid_token_gets_401(world: World) -> None:
    client = Client(headers={"authorization": "Token not-a-real-token"})
    response = post_json(client, status_url(world.hromada), NEW_STATUS)
    assert response.status_code == 401
    # A wrong token is refused even for reads: the client meant to authenticate.
    assert client.get(reverse("api:hromada-list")).status_code == 401


def test_inactive_users_token_is_refused(token_client: Callable[[str], Client], world: World) -> None:
    client = token_client("coordinator")
    world.coordinator.is_active = False
    world.coordinator.save()
    assert post_json(client, status_url(world.hromada), NEW_STATUS).status_code == 401


def test_session_writes_need_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    response = post_json(client, status_url(world.hromada), NEW_STATUS)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not SecurityStatusPeriod.objects.filter(hromada=world.hromada).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "at_war", "starts_on": "2025-03-01"}, "status"),
        ({"starts_on": "2025-03-01"}, "status"),
        ({"status": "active_hostilities"}, "starts_on"),
        ({"status": "active_hostilities", "starts_on": "1 March 2025"}, "starts_on"),
        ({"status": "active_hostilities", "starts_on": "2025-03-01", "source": "x" * 301}, "source"),
    ],
)
def test_bad_body_gives_400_naming_the_field(
    clients: dict[str, Client], world: World, body: dict[str, Any], field: str
) -> None:
    response = post_json(clients["coordinator"], status_url(world.hromada), body)
    assert response.status_code == 400
    assert field in response.json()
    assert not SecurityStatusPeriod.objects.filter(hromada=world.hromada).exists()


def test_service_validation_error_gives_400_with_its_message(
    clients: dict[str, Client], world: World, recorded: SecurityStatusPeriod
) -> None:
    too_early = post_json(
        clients["coordinator"],
        status_url(world.hromada),
        {"status": "active_hostilities", "starts_on": "2023-12-01"},
        headers={"accept-language": "en"},
    )
    assert too_early.status_code == 400
    assert too_early.json() == {
        "starts_on": [
            "The new status must start after 2024-01-01, the start of the latest recorded period. "
            "To fix an earlier period, correct that period instead."
        ]
    }

    unchanged = post_json(
        clients["coordinator"],
        status_url(world.hromada),
        {"status": "possible_hostilities", "starts_on": "2025-03-01"},
        headers={"accept-language": "en"},
    )
    assert unchanged.status_code == 400
    assert list(unchanged.json()) == ["status"]
    assert "possible hostilities" in unchanged.json()["status"][0]

    recorded.refresh_from_db()
    assert recorded.ends_on is None
    assert SecurityStatusPeriod.objects.filter(hromada=world.hromada).count() == 1
    assert not AuditEntry.objects.filter(action="registry.security_status.set").exists()


def test_unknown_hromada_gives_404_to_staff(clients: dict[str, Client]) -> None:
    url = reverse("api:hromada-security-status", kwargs={"katottg": "UA99" + "0" * 15})
    assert post_json(clients["coordinator"], url, NEW_STATUS).status_code == 404


def test_other_methods_are_not_allowed(clients: dict[str, Client], world: World) -> None:
    assert clients["coordinator"].delete(status_url(world.hromada)).status_code == 405
    assert clients["coordinator"].put(status_url(world.hromada), NEW_STATUS, "application/json").status_code == 405
