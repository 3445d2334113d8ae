"""Partnership tests read English: the API gets Accept-Language: en and pages the language cookie, as an
English-speaking user would send them. The Ukrainian and Dutch catalogues are checked by the i18n
tests."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def clients(clients: dict[str, Client]) -> dict[str, Client]:
    for client in clients.values():
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        client.cookies["vidnova_language"] = "en"
    return clients
