"""The API token page: create, show once, replace, delete."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from conftest import World
from vidnova.audit.models import AuditEntry

URL = "/people/api-token/"


def test_anonymous_visitors_are_sent_to_sign_in(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert clients["anonymous"].post(URL, {"action": "create"}).status_code == 302
    assert not Token.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_any_signed_in_user_creates_a_token_shown_only_once(
    world: World, en_clients: dict[str, Client], persona: str
) -> None:
    client = en_clients[persona]
    user = getattr(world, persona)
    page = client.get(URL)
    assert page.status_code == 200
    assert "You have no API token." in page.content.decode()

    created = client.post(URL, {"action": "create"})
    assert created.status_code == 200
    token = Token.objects.get(user=user)
    assert token.key in created.content.decode()
    assert "no-store" in created["Cache-Control"]

    later = client.get(URL)
    assert token.key not in later.content.decode()
    assert "You have an API token" in later.content.decode()
    entry = AuditEntry.objects.get(action="accounts.api_token.created")
    assert entry.actor == user
    assert entry.object_id == str(user.pk)  # the log never holds the token itself
    assert token.key not in str(entry.data) + entry.object_repr


def test_a_second_create_is_refused_and_keeps_the_token(world: World, en_clients: dict[str, Client]) -> None:
    client = en_clients["viewer"]
    client.post(URL, {"action": "create"})
    key = Token.objects.get(user=world.viewer).key
    response = client.post(URL, {"action": "create"}, follow=True)
    assert "You already have an API token" in response.content.decode()
    assert Token.objects.get(user=world.viewer).key == key


def test_rotating_replaces_the_token(world: World, en_clients: dict[str, Client]) -> None:
    client = en_clients["viewer"]
    client.post(URL, {"action": "create"})
    old_key = Token.objects.get(user=world.viewer).key
    response = client.post(URL, {"action": "rotate"})
    assert response.status_code == 200
    new_key = Token.objects.get(user=world.viewer).key
    assert new_key != old_key
    assert new_key in response.content.decode()
    assert not Token.objects.filter(key=old_key).exists()
    assert AuditEntry.objects.filter(action="accounts.api_token.rotated", actor=world.viewer).count() == 1


def test_deleting_removes_the_token(world: World, en_clients: dict[str, Client]) -> None:
    client = en_clients["viewer"]
    client.post(URL, {"action": "create"})
    response = client.post(URL, {"action": "delete"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=world.viewer).exists()
    assert AuditEntry.objects.filter(action="accounts.api_token.deleted", actor=world.viewer).count() == 1


def test_each_user_manages_only_their_own_token(world: World, en_clients: dict[str, Client]) -> None:
    en_clients["viewer"].post(URL, {"action": "create"})
    en_clients["outsider"].post(URL, {"action": "delete"})
    assert Token.objects.filter(user=world.viewer).exists()


def test_an_unknown_action_is_a_bad_request(en_clients: dict[str, Client]) -> None:
    assert en_clients["viewer"].post(URL, {"action": "steal"}).status_code == 400
    assert not Token.objects.exists()
