"""Member pages of hromadas, organisations and programmes, and taking a role away."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.accounts import services
from vidnova.accounts.models import Membership, Role
from vidnova.audit.models import AuditEntry
from vidnova.testing import factories


def _hromada_members(world: World) -> str:
    return reverse("accounts:hromada-members", kwargs={"katottg": world.hromada.katottg})


def _organisation_members(world: World) -> str:
    return reverse("accounts:organisation-members", kwargs={"organisation_id": world.organisation.pk})


def _programme_members(world: World) -> str:
    return reverse("accounts:programme-members", kwargs={"slug": world.programme.slug})


def _remove_url(membership: Membership) -> str:
    return reverse("accounts:membership-remove", kwargs={"membership_id": membership.pk})


def _membership(world: World, persona: str) -> Membership:
    return Membership.objects.get(user=getattr(world, persona))


# --- who sees which member list --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("coordinator", 200), ("editor", 200), ("viewer", 200), ("expert", 404), ("outsider", 404)],
)
def test_hromada_members_are_visible_to_staff_and_the_hromadas_members(
    world: World, en_clients: dict[str, Client], persona: str, status: int
) -> None:
    response = en_clients[persona].get(_hromada_members(world))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert world.editor.email in html
        assert world.viewer.email in html
        assert world.expert.email not in html


def test_member_pages_send_anonymous_visitors_to_sign_in(world: World, clients: dict[str, Client]) -> None:
    for path in (_hromada_members(world), _organisation_members(world), _programme_members(world)):
        response = clients["anonymous"].get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_members_of_another_hromada_see_nothing_of_it(world: World, en_clients: dict[str, Client]) -> None:
    path = reverse("accounts:hromada-members", kwargs={"katottg": world.other_hromada.katottg})
    assert en_clients["viewer"].get(path).status_code == 404
    assert en_clients["coordinator"].get(path).status_code == 200


def test_an_unknown_hromada_is_404(en_clients: dict[str, Client]) -> None:
    path = reverse("accounts:hromada-members", kwargs={"katottg": "UA00000000000000000"})
    assert en_clients["coordinator"].get(path).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("coordinator", 200), ("expert", 200), ("editor", 404), ("viewer", 404), ("outsider", 404)],
)
def test_organisation_members_are_visible_to_staff_and_its_experts(
    world: World, en_clients: dict[str, Client], persona: str, status: int
) -> None:
    response = en_clients[persona].get(_organisation_members(world))
    assert response.status_code == status
    if status == 200:
        assert world.expert.email in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("coordinator", 200), ("expert", 404), ("editor", 404), ("viewer", 404), ("outsider", 404)],
)
def test_the_programme_team_is_visible_to_programme_staff(
    world: World, en_clients: dict[str, Client], persona: str, status: int
) -> None:
    response = en_clients[persona].get(_programme_members(world))
    assert response.status_code == status


def test_viewer_sees_members_and_pending_invitations_but_no_buttons(
    world: World, en_clients: dict[str, Client]
) -> None:
    services.invitation_create(
        acting_user=world.coordinator, email="pending@example.org", role=Role.HROMADA_VIEWER, hromada=world.hromada
    )
    html = en_clients["viewer"].get(_hromada_members(world)).content.decode()
    assert "pending@example.org" in html
    assert "/remove/" not in html
    assert "/revoke/" not in html
    assert "Invite someone" not in html


def test_coordinator_sees_remove_and_revoke_buttons_and_an_invite_link(
    world: World, en_clients: dict[str, Client]
) -> None:
    services.invitation_create(
        acting_user=world.coordinator, email="pending@example.org", role=Role.HROMADA_VIEWER, hromada=world.hromada
    )
    html = en_clients["coordinator"].get(_hromada_members(world)).content.decode()
    assert _remove_url(_membership(world, "viewer")) in html
    assert "/revoke/" in html
    assert f"hromada={world.hromada.katottg}" in html


def test_hromada_member_list_takes_few_queries(
    world: World, en_clients: dict[str, Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for _number in range(15):
        factories.MembershipFactory.create(role=Role.HROMADA_VIEWER, hromada=world.hromada)
    with django_assert_max_num_queries(14):
        response = en_clients["coordinator"].get(_hromada_members(world))
    assert response.status_code == 200
    assert "17 members" in response.content.decode()


# --- removing a role -------------------------------------------------------------------------


def test_coordinator_removes_a_hromada_viewer(world: World, en_clients: dict[str, Client]) -> None:
    membership = _membership(world, "viewer")
    response = en_clients["coordinator"].post(_remove_url(membership))
    assert response.status_code == 302
    assert response["Location"] == _hromada_members(world)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.get(action="accounts.membership.removed")
    assert entry.actor == world.coordinator
    assert entry.object_id == str(membership.pk)
    assert entry.hromada == world.hromada
    assert entry.data["user"] == world.viewer.email


def test_removal_is_post_only(world: World, en_clients: dict[str, Client]) -> None:
    assert en_clients["coordinator"].get(_remove_url(_membership(world, "viewer"))).status_code == 405


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("editor", 403), ("outsider", 404), ("expert", 404)])
def test_others_cannot_remove_a_hromada_role(
    world: World, en_clients: dict[str, Client], persona: str, status: int
) -> None:
    membership = _membership(world, "editor")
    assert en_clients[persona].post(_remove_url(membership)).status_code == status
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_anonymous_cannot_remove(world: World, clients: dict[str, Client]) -> None:
    membership = _membership(world, "editor")
    response = clients["anonymous"].post(_remove_url(membership))
    assert response.status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_coordinator_cannot_remove_programme_staff_but_the_administrator_can(
    world: World, en_clients: dict[str, Client]
) -> None:
    coordinator = _membership(world, "coordinator")
    assert en_clients["coordinator"].post(_remove_url(_membership(world, "admin"))).status_code == 403
    response = en_clients["admin"].post(_remove_url(coordinator))
    assert response.status_code == 302
    assert response["Location"] == _programme_members(world)
    assert not Membership.objects.filter(pk=coordinator.pk).exists()


def test_the_last_programme_administrator_cannot_be_removed(world: World, en_clients: dict[str, Client]) -> None:
    admin_membership = _membership(world, "admin")
    response = en_clients["admin"].post(_remove_url(admin_membership), follow=True)
    assert "is the last administrator of" in response.content.decode()
    assert Membership.objects.filter(pk=admin_membership.pk).exists()
    assert not AuditEntry.objects.filter(action="accounts.membership.removed").exists()

    second = factories.UserFactory.create()
    factories.MembershipFactory.create(user=second, role=Role.PROGRAMME_ADMIN, programme=world.programme)
    assert en_clients["admin"].post(_remove_url(admin_membership)).status_code == 302
    assert not Membership.objects.filter(pk=admin_membership.pk).exists()


def test_removing_a_role_twice_is_404_the_second_time(world: World, en_clients: dict[str, Client]) -> None:
    membership = _membership(world, "viewer")
    en_clients["coordinator"].post(_remove_url(membership))
    assert en_clients["coordinator"].post(_remove_url(membership)).status_code == 404


def test_removal_goes_back_to_a_safe_next_page_only(world: World, en_clients: dict[str, Client]) -> None:
    response = en_clients["coordinator"].post(
        _remove_url(_membership(world, "viewer")), {"next": "https://evil.example/"}
    )
    assert response["Location"] == _hromada_members(world)
    response = en_clients["coordinator"].post(
        _remove_url(_membership(world, "editor")), {"next": "/people/invitations/"}
    )
    assert response["Location"] == "/people/invitations/"
