"""Shared test fixtures: one persona per role, as healthchecks' alice/bob/charlie.

Every view test uses these, and covers at least the outsider and the read-only case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation

from vidnova.accounts.models import Role, User
from vidnova.programmes.models import Organisation, Phase, Programme
from vidnova.registry.models import Hromada
from vidnova.testing import factories


@dataclass
class World:
    programme: Programme
    phase: Phase
    hromada: Hromada  # the persona hromada: editor and viewer belong to it
    other_hromada: Hromada  # a hromada nobody in the personas belongs to
    organisation: Organisation  # the partner expert's organisation
    admin: User
    coordinator: User
    editor: User
    viewer: User
    expert: User
    outsider: User  # signed in, holds no role anywhere


def _activate_totp(user: User) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Code called directly by a test (services, forms) speaks English, the source language, so
    tests can assert on messages; requests still pick their language as in production (Ukrainian by
    default), and the i18n tests check the catalogues themselves."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    programme = factories.ProgrammeFactory(slug="test-programme")
    phase = factories.PhaseFactory(programme=programme, number=1)
    hromada = factories.HromadaFactory()
    other_hromada = factories.HromadaFactory()
    factories.ParticipationFactory(phase=phase, hromada=hromada)
    organisation = factories.OrganisationFactory(kind="safety_region", name_en="Test Safety Region")
    organisation.programmes.add(programme)  # its experts review the programme's plans

    admin = factories.UserFactory(email="admin@example.org")
    _activate_totp(admin)  # administrators must have two-factor authentication
    coordinator = factories.UserFactory(email="coordinator@example.org")
    editor = factories.UserFactory(email="editor@example.org")
    viewer = factories.UserFactory(email="viewer@example.org")
    expert = factories.UserFactory(email="expert@example.org")
    outsider = factories.UserFactory(email="outsider@example.org")

    factories.MembershipFactory(user=admin, role=Role.PROGRAMME_ADMIN, programme=programme)
    factories.MembershipFactory(user=coordinator, role=Role.PROGRAMME_COORDINATOR, programme=programme)
    factories.MembershipFactory(user=editor, role=Role.HROMADA_EDITOR, hromada=hromada)
    factories.MembershipFactory(user=viewer, role=Role.HROMADA_VIEWER, hromada=hromada)
    factories.MembershipFactory(user=expert, role=Role.PARTNER_EXPERT, organisation=organisation)
    return World(
        programme=programme,
        phase=phase,
        hromada=hromada,
        other_hromada=other_hromada,
        organisation=organisation,
        admin=admin,
        coordinator=coordinator,
        editor=editor,
        viewer=viewer,
        expert=expert,
        outsider=outsider,
    )


def client_for(user: User | None) -> Client:
    """A test client signed in as ``user`` (anonymous for None), past the two-factor step."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(world: World) -> dict[str, Client]:
    return {
        "anonymous": client_for(None),
        "admin": client_for(world.admin),
        "coordinator": client_for(world.coordinator),
        "editor": client_for(world.editor),
        "viewer": client_for(world.viewer),
        "expert": client_for(world.expert),
        "outsider": client_for(world.outsider),
    }


# --- the real registry in the test database ------------------------------------------------------

from pytest_django import DjangoDbBlocker  # noqa: E402 - belongs to the fixture below


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """pytest-django's database setup, then the real registry (oblasts, raions, all hromadas, the full
    codifier, Dutch municipalities), loaded once per test session and per xdist worker, each of which
    has its own database. With --reuse-db the loader sees its checksum and does nothing.

    The loader's own audit entry is removed so tests start with an empty audit log. Tests that use
    ``transactional_db`` empty every table when they finish, the registry included.
    """
    from vidnova.audit.models import AuditEntry
    from vidnova.registry.services import registry_load

    with django_db_blocker.unblock():
        registry_load(acting_user=None)
        AuditEntry.objects.filter(action="registry.loaded").delete()
