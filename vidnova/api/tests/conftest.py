"""Fixtures for the API tests: a clean throttle cache per test and API tokens for the personas."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from conftest import World


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    """The anonymous rate limit counts in the cache; start every test from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_client(world: World) -> Callable[[str], Client]:
    """A client that sends the API token of the named persona (and has no session)."""

    def make(persona: str) -> Client:
        token, _created = Token.objects.get_or_create(user=getattr(world, persona))
        return Client(headers={"authorization": f"Token {token.key}"})

    return make
