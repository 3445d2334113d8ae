"""A hromada's change history: its members and the programme team only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.registry import services

pytestmark = pytest.mark.usefixtures("english_pages")


def _url(katottg: str) -> str:
    return f"/hromadas/{katottg}/history/"


@pytest.mark.parametrize("persona", ["viewer", "editor", "coordinator", "admin"])
def test_members_and_staff_read_the_history(clients: dict[str, Client], world: World, persona: str) -> None:
    services.security_status_set(
        acting_user=world.coordinator,
        hromada=world.hromada,
        status="active_hostilities",
        starts_on=datetime.date(2025, 3, 1),
        source="Order No. 376",
    )
    response = clients[persona].get(_url(world.hromada.katottg))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Security status set" in html  # the action's label
    assert world.coordinator.full_name in html
    assert list(response.context["entries"]) == list(AuditEntry.objects.filter(hromada=world.hromada))


def test_an_empty_history_says_so(clients: dict[str, Client], world: World) -> None:
    response = clients["viewer"].get(_url(world.hromada.katottg))
    assert "No changes have been recorded yet." in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "expert"])
def test_outsiders_get_404(clients: dict[str, Client], world: World, persona: str) -> None:
    assert clients[persona].get(_url(world.hromada.katottg)).status_code == 404


def test_members_of_one_hromada_do_not_see_anothers_history(clients: dict[str, Client], world: World) -> None:
    assert clients["viewer"].get(_url(world.other_hromada.katottg)).status_code == 404
    assert clients["editor"].get(_url(world.other_hromada.katottg)).status_code == 404


def test_anonymous_is_sent_to_sign_in(clients: dict[str, Client], world: World) -> None:
    response = clients["anonymous"].get(_url(world.hromada.katottg))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_hromada_is_404(clients: dict[str, Client]) -> None:
    assert clients["coordinator"].get(_url("UA99999999999999999")).status_code == 404


def test_history_is_paginated(clients: dict[str, Client], world: World, django_assert_max_num_queries: Any) -> None:
    for year in range(2000, 2060):
        services.security_status_set(
            acting_user=world.coordinator,
            hromada=world.hromada,
            status="active_hostilities" if year % 2 else "possible_hostilities",
            starts_on=datetime.date(year, 1, 1),
        )
    with django_assert_max_num_queries(10):
        response = clients["viewer"].get(_url(world.hromada.katottg))
    assert len(response.context["entries"]) == 50
    assert f'href="{_url(world.hromada.katottg)}?page=2"' in response.content.decode()
    assert len(clients["viewer"].get(_url(world.hromada.katottg), {"page": 2}).context["entries"]) == 10
