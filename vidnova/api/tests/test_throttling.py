"""Anonymous reads are rate-limited per IP address; requests with a token are not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle


@pytest.fixture
def three_per_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})


@pytest.mark.usefixtures("three_per_minute")
def test_anonymous_reads_are_throttled(clients: dict[str, Client]) -> None:
    url = reverse("api:oblast-list")
    for _attempt in range(3):
        assert clients["anonymous"].get(url).status_code == 200
    limited = clients["anonymous"].get(url)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0


@pytest.mark.usefixtures("three_per_minute")
def test_signed_in_and_token_reads_are_not_throttled(
    clients: dict[str, Client], token_client: Callable[[str], Client]
) -> None:
    url = reverse("api:oblast-list")
    token = token_client("viewer")
    for _attempt in range(5):
        assert token.get(url).status_code == 200
        assert clients["outsider"].get(url).status_code == 200
