"""The registry's hromada page lists the hromada's partnerships (public) and links its needs for
partner expertise to those who may read them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.testing.partnerships import make_partnership

pytestmark = pytest.mark.django_db


def test_the_hromada_page_lists_partnerships_and_links_the_needs(world: World, clients: dict[str, Client]) -> None:
    partnership = make_partnership(
        world.programme, world.hromada, world.organisation, title="Crisis planning with Utrecht"
    )
    url = reverse("registry:hromada-detail", kwargs={"katottg": world.hromada.katottg})
    needs_url = reverse(
        "partnerships:hromada-needs", kwargs={"slug": world.programme.slug, "katottg": world.hromada.katottg}
    )

    for persona in ("anonymous", "outsider", "viewer", "coordinator"):
        body = clients[persona].get(url).content.decode()
        assert "Crisis planning with Utrecht" in body
        assert reverse("partnerships:partnership-detail", kwargs={"partnership_id": partnership.pk}) in body
        # Needs are internal: the programme's staff and experts and the hromada's own members.
        assert (needs_url in body) == (persona in {"viewer", "coordinator"}), persona


def test_a_hromada_without_partnerships_says_so(world: World, clients: dict[str, Client]) -> None:
    url = reverse("registry:hromada-detail", kwargs={"katottg": world.other_hromada.katottg})
    body = clients["anonymous"].get(url).content.decode()
    assert "This hromada has no partnership with a partner municipality yet." in body
