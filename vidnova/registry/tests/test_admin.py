"""The registry admin: read-only look-ups for superusers and programme administrators."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from conftest import World
from vidnova.registry.models import (
    CodifierUnit,
    DutchMunicipality,
    Hromada,
    Raion,
    RegistryEdition,
    SecurityStatusPeriod,
    TopLevelUnit,
    UnitFormerName,
)
from vidnova.registry.services import security_status_set

pytestmark = pytest.mark.django_db

BUCHANSKA = "UA32080070000050759"
SAMARIVSKA = "UA12100070000011492"
REGISTRY_MODELS = (
    TopLevelUnit,
    Raion,
    Hromada,
    CodifierUnit,
    UnitFormerName,
    DutchMunicipality,
    RegistryEdition,
    SecurityStatusPeriod,
)


def changelist(model: type[Model]) -> str:
    return reverse(f"admin:registry_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=lambda model: model.__name__)
def test_administrators_see_every_registry_list(
    clients: dict[str, Client], model: type[Model], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(20):
        response = clients["admin"].get(changelist(model))
    assert response.status_code == 200
    # Read-only: no "add" link.
    assert reverse(f"admin:registry_{model._meta.model_name}_add") not in response.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "editor", "viewer", "expert", "outsider"])
def test_others_cannot_open_the_registry_admin(clients: dict[str, Client], who: str) -> None:
    response = clients[who].get(changelist(Hromada))
    assert response.status_code in {302, 403}
    assert "Бучанська" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(changelist(Hromada))
    assert response.status_code == 302


def test_hromada_search_finds_current_and_former_names_in_any_case(clients: dict[str, Client]) -> None:
    client = clients["admin"]
    for term in ("Buchanska", "БУЧАНСЬКА", "бучанськ", BUCHANSKA):
        content = client.get(changelist(Hromada), {"q": term}).content.decode()
        assert "Бучанська" in content, term
        assert "Самарівська" not in content
    content = client.get(changelist(Hromada), {"q": "Novomoskovska"}).content.decode()
    assert "Самарівська" in content
    oblast = TopLevelUnit.objects.get(iso_3166_2="UA-32")
    filtered = client.get(changelist(Hromada), {"oblast__id__exact": str(oblast.pk), "hromada_type__exact": "urban"})
    assert filtered.status_code == 200
    assert "Бучанська" in filtered.content.decode()


def test_codifier_search_by_name_and_exact_code(clients: dict[str, Client]) -> None:
    client = clients["admin"]
    assert "UA32080070010087821" in client.get(changelist(CodifierUnit), {"q": "Bucha"}).content.decode()
    by_parent = client.get(changelist(CodifierUnit), {"q": BUCHANSKA}).content.decode()
    assert "Буча" in by_parent


def test_registry_rows_cannot_be_added_changed_or_deleted(clients: dict[str, Client]) -> None:
    client = clients["admin"]
    hromada = Hromada.objects.get(katottg=BUCHANSKA)
    assert client.get(reverse("admin:registry_hromada_add")).status_code == 403
    change_url = reverse("admin:registry_hromada_change", args=[hromada.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="name_uk"' not in page.content.decode()  # shown, not editable
    response = client.post(change_url, {"name_uk": "Змінена"})
    assert response.status_code == 403
    assert client.post(reverse("admin:registry_hromada_delete", args=[hromada.pk]), {"post": "yes"}).status_code == 403
    hromada.refresh_from_db()
    assert hromada.name_uk == "Бучанська"


def test_a_security_period_links_to_its_correction_page(world: World, clients: dict[str, Client]) -> None:
    period = security_status_set(
        acting_user=world.coordinator,
        hromada=world.hromada,
        status="active_hostilities",
        starts_on=datetime.date(2024, 1, 1),
    )
    page = clients["admin"].get(reverse("admin:registry_securitystatusperiod_change", args=[period.pk]))
    assert page.status_code == 200
    edit_url = reverse(
        "registry:security-status-edit", kwargs={"katottg": world.hromada.katottg, "period_id": period.pk}
    )
    assert f'href="{edit_url}"' in page.content.decode()
    assert 'name="status"' not in page.content.decode()
