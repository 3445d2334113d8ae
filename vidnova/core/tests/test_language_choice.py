"""Ukrainian first: the language follows an explicit choice, never the browser's header."""

from __future__ import annotations

from django.test import Client

from conftest import World, client_for
from vidnova.audit.models import AuditEntry


def _html_lang(client: Client, **headers: str) -> str:
    body = client.get("/hromadas/", headers=headers).content.decode()
    return body.split('<html lang="', 1)[1].split('"', 1)[0]


def test_a_first_visit_is_in_ukrainian_whatever_the_browser_asks(db: None) -> None:
    assert _html_lang(Client(), **{"Accept-Language": "en-US,en;q=0.9"}) == "uk"
    assert _html_lang(Client(), **{"Accept-Language": "ru"}) == "uk"


def test_the_switcher_cookie_chooses_the_language(db: None) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/hromadas/"})
    assert response.status_code == 302
    assert response.cookies["vidnova_language"].value == "nl"
    assert _html_lang(client) == "nl"


def test_an_unknown_language_is_ignored(db: None) -> None:
    client = Client()
    client.cookies["vidnova_language"] = "xx"
    assert _html_lang(client) == "uk"


def test_a_signed_in_choice_is_stored_on_the_account_and_follows_the_person(world: World) -> None:
    first_device = client_for(world.viewer)
    first_device.post("/i18n/setlang/", {"language": "en", "next": "/"})
    world.viewer.refresh_from_db()
    assert world.viewer.preferred_language == "en"
    assert AuditEntry.objects.filter(action="accounts.language.changed", object_id=str(world.viewer.pk)).exists()

    second_device = client_for(world.viewer)  # no cookie
    assert _html_lang(second_device) == "en"


def test_the_cookie_wins_over_the_account_preference(world: World) -> None:
    world.viewer.preferred_language = "nl"
    world.viewer.save()
    client = client_for(world.viewer)
    client.cookies["vidnova_language"] = "uk"
    assert _html_lang(client) == "uk"
