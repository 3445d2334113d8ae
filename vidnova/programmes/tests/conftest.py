"""Fixtures for the programmes tests (the personas come from the project's conftest.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from vidnova.registry.models import DutchMunicipality, Hromada, Raion, TopLevelUnit, search_key
from vidnova.testing import factories


@pytest.fixture
def english(clients: dict[str, Client]) -> dict[str, Client]:
    """The persona clients with the interface in English, for tests that read interface text."""
    for client in clients.values():
        client.cookies["vidnova_language"] = "en"
    return clients


@pytest.fixture
def demo_registry(db: None) -> None:
    """The registry rows the demo refers to, with their real codes (reused when already loaded)."""
    from vidnova.programmes import demo

    for phase in demo.PHASES:
        for spec in phase.hromadas:
            if Hromada.objects.filter(katottg=spec.katottg).exists():
                continue
            oblast = TopLevelUnit.objects.filter(
                katottg=spec.oblast_katottg
            ).first() or factories.TopLevelUnitFactory.create(katottg=spec.oblast_katottg)
            raion = Raion.objects.filter(oblast=oblast).first() or factories.RaionFactory.create(oblast=oblast)
            factories.HromadaFactory.create(
                katottg=spec.katottg,
                name_uk=spec.name_uk,
                name_latin=spec.name_latin,
                raion=raion,
                oblast=oblast,
                search_text=search_key(f"{spec.name_uk} {spec.name_latin}"),
            )
    for organisation in demo.ORGANISATIONS:
        if organisation.cbs_code and not DutchMunicipality.objects.filter(cbs_code=organisation.cbs_code).exists():
            factories.DutchMunicipalityFactory.create(cbs_code=organisation.cbs_code, name=organisation.name_nl)
