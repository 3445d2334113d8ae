"""Plan tests: the API speaks English to them, as an integration that sends Accept-Language: en.

Pages ignore the header (they follow the language cookie or the account), so page tests still choose
their language explicitly.
"""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def clients(clients: dict[str, Client]) -> dict[str, Client]:
    for client in clients.values():
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return clients
