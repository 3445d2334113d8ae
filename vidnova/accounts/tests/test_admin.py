"""The Django admin: programme administrators (with TOTP) and superusers only, every write audited."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from conftest import World
from vidnova.accounts.models import Invitation, InvitationStatus, Membership, Role, User
from vidnova.accounts.tests.conftest import english
from vidnova.audit.models import AuditEntry


@pytest.mark.parametrize("persona", ["coordinator", "editor", "viewer", "expert", "outsider"])
def test_other_roles_cannot_open_the_admin(en_clients: dict[str, Client], persona: str) -> None:
    response = en_clients[persona].get("/admin/", follow=True)
    assert response.status_code == 403


def test_anonymous_visitors_sign_in_through_allauth_not_the_admin_form(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"
    assert response.status_code == 200
    # The admin's own login URL does the same, so the second factor cannot be skipped.
    login = clients["anonymous"].get("/admin/login/?next=/admin/accounts/user/")
    assert login["Location"] == "/accounts/login/?next=/admin/accounts/user/"


def test_programme_administrator_with_totp_uses_the_admin(en_clients: dict[str, Client]) -> None:
    client = en_clients["admin"]
    assert client.get("/admin/").status_code == 200
    for path in ("/admin/accounts/user/", "/admin/accounts/membership/", "/admin/accounts/invitation/"):
        assert client.get(path).status_code == 200, path
    # Account-security records stay with superusers.
    assert client.get("/admin/mfa/authenticator/").status_code == 403
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403


def test_programme_administrator_without_totp_sets_it_up_first(admin_without_totp: User) -> None:
    client = Client()
    client.force_login(admin_without_totp)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


def test_superuser_with_totp_uses_the_admin(world: World) -> None:
    superuser = User.objects.create_superuser(email="root@example.org", password="x-very-long-password")
    TOTP.activate(superuser, generate_totp_secret())
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/mfa/authenticator/").status_code == 200


def test_changing_a_user_in_the_admin_is_audited_with_before_and_after(
    world: World, en_clients: dict[str, Client]
) -> None:
    user = world.viewer
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = {
        "email": user.email,
        "full_name": "Renamed Viewer",
        "preferred_language": "en",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "10:00:00",
    }
    response = en_clients["admin"].post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user.refresh_from_db()
    assert user.full_name == "Renamed Viewer"
    entry = AuditEntry.objects.get(action="admin.changed")
    assert entry.actor == world.admin
    assert entry.object_id == str(user.pk)
    assert entry.changes["full_name"][1] == "Renamed Viewer"
    assert entry.changes["preferred_language"] == ["", "en"]
    assert "email" not in entry.changes  # unchanged fields are not logged


def test_programme_administrators_cannot_make_superusers(world: World, en_clients: dict[str, Client]) -> None:
    url = reverse("admin:accounts_user_change", args=[world.viewer.pk])
    page = en_clients["admin"].get(url)
    assert "is_superuser" not in page.context["adminform"].form.fields
    root = User.objects.create_superuser(email="root@example.org", password="x-very-long-password")
    root_url = reverse("admin:accounts_user_change", args=[root.pk])
    en_clients["admin"].post(root_url, {"email": "taken-over@example.org", "full_name": "x"})
    root.refresh_from_db()
    assert root.email == "root@example.org"
    assert en_clients["admin"].get(f"/admin/accounts/user/{root.pk}/password/").status_code == 403


def test_password_changes_in_the_admin_are_audited_without_the_password(
    world: World, en_clients: dict[str, Client]
) -> None:
    url = f"/admin/accounts/user/{world.viewer.pk}/password/"
    response = en_clients["admin"].post(
        url, {"usable_password": "true", "password1": "another-long-passphrase", "password2": "another-long-passphrase"}
    )
    assert response.status_code == 302
    world.viewer.refresh_from_db()
    assert world.viewer.check_password("another-long-passphrase")
    entry = AuditEntry.objects.get(action="admin.changed", object_id=str(world.viewer.pk))
    assert entry.changes == {"password": ["(hidden)", "(hidden)"]}


def test_creating_a_user_in_the_admin_is_audited(world: World, en_clients: dict[str, Client]) -> None:
    response = en_clients["admin"].post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Created@Example.org",
            "full_name": "Created Person",
            "usable_password": "true",
            "password1": "created-long-passphrase",
            "password2": "created-long-passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="created@example.org")
    entry = AuditEntry.objects.get(action="admin.created")
    assert entry.object_id == str(user.pk)
    assert entry.changes["email"] == [None, "created@example.org"]
    assert "created-long-passphrase" not in str(entry.changes)


def test_deleting_a_membership_in_the_admin_is_audited(world: World, en_clients: dict[str, Client]) -> None:
    membership = Membership.objects.get(user=world.viewer)
    response = en_clients["admin"].post(
        reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.get(action="admin.deleted")
    assert entry.object_id == str(membership.pk)
    assert entry.hromada == world.hromada


def test_the_last_administrator_membership_cannot_be_deleted_in_the_admin(
    world: World, en_clients: dict[str, Client]
) -> None:
    membership = Membership.objects.get(user=world.admin)
    url = reverse("admin:accounts_membership_delete", args=[membership.pk])
    assert en_clients["admin"].post(url, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    # The bulk action keeps it too.
    changelist = reverse("admin:accounts_membership_changelist")
    en_clients["admin"].post(
        changelist, {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"}
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_memberships_are_read_only_once_granted(world: World, en_clients: dict[str, Client]) -> None:
    membership = Membership.objects.get(user=world.viewer)
    page = en_clients["admin"].get(reverse("admin:accounts_membership_change", args=[membership.pk]))
    assert page.status_code == 200
    assert "role" not in page.context["adminform"].form.fields


def test_invitations_are_revoked_in_the_admin_with_an_audit_entry(world: World, en_clients: dict[str, Client]) -> None:
    from vidnova.accounts import services

    invitation = services.invitation_create(
        acting_user=world.coordinator, email="x@example.org", role=Role.HROMADA_VIEWER, hromada=world.hromada
    )
    en_clients["admin"].post(
        reverse("admin:accounts_invitation_changelist"), {"action": "revoke", "_selected_action": [invitation.pk]}
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    entry = AuditEntry.objects.get(action="admin.changed", object_id=str(invitation.pk))
    assert entry.changes == {"status": ["pending", "revoked"]}
    assert en_clients["admin"].get(reverse("admin:accounts_invitation_add")).status_code == 403
    assert Invitation.objects.count() == 1


def test_token_changes_in_the_admin_name_the_user_not_the_token(world: World) -> None:
    superuser = User.objects.create_superuser(email="root@example.org", password="x-very-long-password")
    TOTP.activate(superuser, generate_totp_secret())
    client = english(Client())
    client.force_login(superuser)
    response = client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": world.viewer.pk})
    assert response.status_code == 302
    token = Token.objects.get(user=world.viewer)
    entry = AuditEntry.objects.get(action="admin.created")
    assert entry.object_id == str(world.viewer.pk)
    assert token.key not in str(entry.changes) + str(entry.data) + entry.object_repr
