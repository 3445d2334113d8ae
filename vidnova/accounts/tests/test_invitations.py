"""Invitations: who may invite whom, the email, accepting (new and existing accounts), revoking."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from vidnova.accounts import services
from vidnova.accounts.models import Invitation, InvitationStatus, Membership, Role, User
from vidnova.accounts.tasks import send_invitation_email
from vidnova.accounts.tests.conftest import PASSWORD, english
from vidnova.audit.models import AuditEntry

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def _invite(world: World, acting_user: User | None = None, **overrides: Any) -> Invitation:
    arguments: dict[str, Any] = {
        "acting_user": acting_user or world.coordinator,
        "email": "new.person@example.org",
        "role": Role.HROMADA_EDITOR,
        "hromada": world.hromada,
    }
    arguments.update(overrides)
    return services.invitation_create(**arguments)


def _accept_path(invitation: Invitation) -> str:
    return reverse("accounts:invitation-accept", kwargs={"token": invitation.token})


# --- creating invitations (service) ----------------------------------------------------------


def test_coordinator_invites_a_hromada_editor(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(world, email="  New.Person@Example.org ")
    assert invitation.email == "new.person@example.org"
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.invited_by == world.coordinator
    validity = invitation.expires_at - timezone.now()
    assert datetime.timedelta(days=13, hours=23) < validity <= datetime.timedelta(days=14)
    entry = AuditEntry.objects.get(action="accounts.invitation.created")
    assert entry.actor == world.coordinator
    assert entry.object_id == str(invitation.pk)
    assert entry.hromada == world.hromada
    assert entry.data["email"] == "new.person@example.org"
    # The email went out after the commit, through the background task.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]


def test_no_email_is_sent_when_the_transaction_does_not_commit(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(world)
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["editor", "viewer", "expert", "outsider"])
def test_only_programme_staff_may_invite(world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        _invite(world, acting_user=getattr(world, persona))
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.PROGRAMME_ADMIN, Role.PROGRAMME_COORDINATOR])
def test_only_programme_administrators_invite_programme_staff(world: World, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        _invite(world, role=role, hromada=None, programme=world.programme)
    invitation = _invite(world, acting_user=world.admin, role=role, hromada=None, programme=world.programme)
    assert invitation.programme == world.programme


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": Role.HROMADA_VIEWER, "hromada": None}, "hromada"),
        ({"role": Role.PARTNER_EXPERT, "hromada": None}, "organisation"),
        ({"role": Role.PROGRAMME_COORDINATOR, "hromada": None}, "programme"),
        ({"email": "not an address"}, "email"),
        ({"role": "emperor"}, "role"),
        ({"language": "de"}, "language"),
    ],
)
def test_invalid_invitations_are_refused_naming_the_field(world: World, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _invite(world, acting_user=world.admin, **overrides)
    assert field in raised.value.message_dict
    assert not Invitation.objects.exists()


def test_a_hromada_role_with_a_programme_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        _invite(world, acting_user=world.admin, programme=world.programme)
    assert "programme" in raised.value.message_dict


def test_a_second_pending_invitation_for_the_same_role_is_refused(world: World) -> None:
    _invite(world)
    with pytest.raises(ValidationError) as raised:
        _invite(world, email="NEW.PERSON@example.org")
    assert "already has a pending invitation" in raised.value.message_dict["email"][0]
    # Another role, or another hromada, is a different invitation.
    _invite(world, role=Role.HROMADA_VIEWER)
    _invite(world, hromada=world.other_hromada)
    assert Invitation.objects.count() == 3


def test_an_expired_invitation_does_not_block_a_new_one(world: World) -> None:
    old = _invite(world)
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert _invite(world).pk != old.pk


def test_inviting_someone_who_already_holds_the_role_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        _invite(world, email=world.editor.email.upper())
    assert "already holds this role" in raised.value.message_dict["email"][0]


# --- the email -------------------------------------------------------------------------------


def test_the_task_sends_one_email_with_the_accept_link_in_the_chosen_language(world: World) -> None:
    invitation = _invite(world, language="nl")
    mail.outbox.clear()
    result = send_invitation_email.enqueue(invitation.pk)
    assert result.return_value is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    accept_url = "http://127.0.0.1:8000" + _accept_path(invitation)
    assert message.to == ["new.person@example.org"]
    assert accept_url in message.body
    assert world.hromada.name_uk in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{accept_url}"' in str(html)
    assert '<html lang="nl">' in str(html)


def test_the_task_sends_nothing_for_a_revoked_or_missing_invitation(world: World) -> None:
    invitation = _invite(world)
    services.invitation_revoke(acting_user=world.coordinator, invitation=invitation)
    mail.outbox.clear()
    assert send_invitation_email.enqueue(invitation.pk).return_value is False
    assert send_invitation_email.enqueue(999_999).return_value is False
    assert mail.outbox == []


# --- accepting -------------------------------------------------------------------------------


def test_a_new_person_accepts_and_gets_an_account_and_the_role(world: World) -> None:
    invitation = _invite(world)
    client = english(Client())
    page = client.get(_accept_path(invitation))
    assert page.status_code == 200
    assert '<label for="id_full_name">' in page.content.decode()

    response = client.post(
        _accept_path(invitation),
        {"full_name": "  Olena   Kovalenko ", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.full_name == "Olena Kovalenko"
    assert user.check_password(NEW_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("new.person@example.org", True, True)
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.hromada, membership.granted_by) == (
        Role.HROMADA_EDITOR,
        world.hromada,
        world.coordinator,
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by == user
    assert client.session["_auth_user_id"] == str(user.pk)  # signed in straight away
    actions = set(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert actions == {"accounts.invitation.accepted", "accounts.membership.created"}

    # The new person can sign in with the password later.
    again = Client()
    assert again.post("/accounts/login/", {"login": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_a_weak_password_is_refused_next_to_the_field(world: World) -> None:
    invitation = _invite(world)
    response = english(Client()).post(
        _accept_path(invitation), {"full_name": "Olena", "password": "12345678", "password_confirm": "12345678"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_different_passwords_are_refused(world: World) -> None:
    invitation = _invite(world)
    response = english(Client()).post(
        _accept_path(invitation), {"full_name": "Olena", "password": NEW_PASSWORD, "password_confirm": "other-one-x1"}
    )
    assert response.status_code == 200
    assert "The two passwords differ" in response.content.decode()


def test_a_signed_in_user_with_the_invited_address_accepts(world: World, en_clients: dict[str, Client]) -> None:
    invitation = _invite(world, email=world.outsider.email, role=Role.HROMADA_VIEWER)
    client = en_clients["outsider"]
    page = client.get(_accept_path(invitation))
    assert page.status_code == 200
    assert "Accept the invitation" in page.content.decode()
    response = client.post(_accept_path(invitation))
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.outsider, role=Role.HROMADA_VIEWER, hromada=world.hromada).exists()
    assert User.objects.filter(email=world.outsider.email).count() == 1


def test_a_signed_in_user_with_another_address_is_told_why_not(world: World, en_clients: dict[str, Client]) -> None:
    invitation = _invite(world)
    client = en_clients["viewer"]
    for response in (client.get(_accept_path(invitation)), client.post(_accept_path(invitation))):
        assert response.status_code == 403
        html = response.content.decode()
        assert "This invitation was sent to new.person@example.org" in html
        assert world.viewer.email in html
    assert not Membership.objects.filter(user=world.viewer, role=Role.HROMADA_EDITOR).exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_an_existing_account_must_sign_in_first(world: World) -> None:
    invitation = _invite(world, email=world.outsider.email)
    response = english(Client()).get(_accept_path(invitation))
    assert response.status_code == 200
    assert f"/accounts/login/?next={_accept_path(invitation).replace('/', '%2F')}" in response.content.decode()
    with pytest.raises(ValidationError, match="already exists"):
        services.invitation_accept(token=invitation.token, acting_user=None, full_name="X", password=NEW_PASSWORD)


@pytest.mark.parametrize("state", ["expired", "revoked", "accepted"])
def test_unusable_invitations_are_refused_with_a_reason(world: World, state: str) -> None:
    invitation = _invite(world)
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        reason = "has expired"
    elif state == "revoked":
        services.invitation_revoke(acting_user=world.coordinator, invitation=invitation)
        reason = "has been withdrawn"
    else:
        services.invitation_accept(token=invitation.token, acting_user=None, full_name="A B", password=NEW_PASSWORD)
        reason = "already been used"
    response = english(Client()).get(_accept_path(invitation))
    assert response.status_code == 410
    assert reason in response.content.decode()
    post = english(Client()).post(
        _accept_path(invitation), {"full_name": "C D", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert post.status_code == 410
    with pytest.raises(ValidationError, match=reason):
        services.invitation_accept(token=invitation.token, acting_user=None, full_name="C D", password=NEW_PASSWORD)
    assert User.objects.filter(email=invitation.email).count() == (1 if state == "accepted" else 0)


def test_an_unknown_token_is_404(world: World) -> None:
    assert Client().get(reverse("accounts:invitation-accept", kwargs={"token": "no-such-token"})).status_code == 404
    with pytest.raises(ValidationError):
        services.invitation_accept(token="no-such-token", acting_user=None, full_name="A", password=NEW_PASSWORD)


# --- invitation pages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("coordinator", 200)] + [(persona, 403) for persona in ("editor", "viewer", "expert", "outsider")],
)
@pytest.mark.parametrize("path", ["/people/invitations/", "/people/invitations/new/"])
def test_invitation_pages_are_for_programme_staff(
    en_clients: dict[str, Client], persona: str, status: int, path: str
) -> None:
    assert en_clients[persona].get(path).status_code == status


@pytest.mark.parametrize("path", ["/people/invitations/", "/people/invitations/new/"])
def test_invitation_pages_send_anonymous_visitors_to_sign_in(clients: dict[str, Client], path: str) -> None:
    response = clients["anonymous"].get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_invitation_list_shows_pending_invitations_in_few_queries(
    world: World, en_clients: dict[str, Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for number in range(12):
        _invite(world, email=f"person{number}@example.org")
    with django_assert_max_num_queries(12):
        response = en_clients["coordinator"].get("/people/invitations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "person11@example.org" in html
    assert "12 invitations" in html


def test_coordinators_are_offered_only_the_roles_they_may_grant(en_clients: dict[str, Client]) -> None:
    coordinator_roles = [
        value
        for value, _label in en_clients["coordinator"]
        .get("/people/invitations/new/")
        .context["form"]
        .fields["role"]
        .choices
    ]
    admin_roles = [
        value
        for value, _label in en_clients["admin"].get("/people/invitations/new/").context["form"].fields["role"].choices
    ]
    assert Role.PROGRAMME_ADMIN not in coordinator_roles
    assert Role.HROMADA_EDITOR in coordinator_roles
    assert Role.PROGRAMME_ADMIN in admin_roles


def test_the_invitation_form_creates_an_invitation(
    world: World, en_clients: dict[str, Client], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = en_clients["coordinator"].post(
            "/people/invitations/new/",
            {
                "email": "form@example.org",
                "role": Role.HROMADA_VIEWER,
                "hromada": world.hromada.katottg.lower(),
                "language": "en",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="form@example.org")
    assert (invitation.role, invitation.hromada, invitation.language) == (Role.HROMADA_VIEWER, world.hromada, "en")
    assert len(mail.outbox) == 1


def test_the_invitation_form_shows_errors_next_to_the_fields(world: World, en_clients: dict[str, Client]) -> None:
    client = en_clients["coordinator"]
    unknown = client.post(
        "/people/invitations/new/",
        {"email": "form@example.org", "role": Role.HROMADA_VIEWER, "hromada": "UA00000000000000000", "language": "en"},
    )
    assert unknown.status_code == 200
    assert "No hromada has the KATOTTG code UA00000000000000000." in unknown.content.decode()
    missing = client.post(
        "/people/invitations/new/", {"email": "form@example.org", "role": Role.HROMADA_VIEWER, "language": "en"}
    )
    assert missing.status_code == 200
    assert missing.context["form"].errors["hromada"]
    duplicate = client.post(
        "/people/invitations/new/",
        {"email": world.viewer.email, "role": Role.HROMADA_VIEWER, "hromada": world.hromada.katottg, "language": "en"},
    )
    assert "already holds this role" in duplicate.context["form"].errors["email"][0]
    assert not Invitation.objects.exists()


def test_staff_revoke_a_pending_invitation(world: World, en_clients: dict[str, Client]) -> None:
    invitation = _invite(world)
    url = reverse("accounts:invitation-revoke", kwargs={"invitation_id": invitation.pk})
    assert en_clients["coordinator"].get(url).status_code == 405
    response = en_clients["coordinator"].post(url)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    entry = AuditEntry.objects.get(action="accounts.invitation.revoked")
    assert entry.actor == world.coordinator
    # Revoking again says why it cannot.
    again = en_clients["coordinator"].post(url, follow=True)
    assert "cannot be revoked: it is revoked" in again.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("editor", 403), ("outsider", 403), ("expert", 403)])
def test_others_cannot_revoke(world: World, en_clients: dict[str, Client], persona: str, status: int) -> None:
    invitation = _invite(world)
    url = reverse("accounts:invitation-revoke", kwargs={"invitation_id": invitation.pk})
    assert en_clients[persona].post(url).status_code == status
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_coordinator_cannot_revoke_a_programme_administrator_invitation(
    world: World, en_clients: dict[str, Client]
) -> None:
    invitation = _invite(
        world, acting_user=world.admin, role=Role.PROGRAMME_ADMIN, hromada=None, programme=world.programme
    )
    url = reverse("accounts:invitation-revoke", kwargs={"invitation_id": invitation.pk})
    assert en_clients["coordinator"].post(url).status_code == 403
    assert en_clients["admin"].post(url).status_code == 302


def test_invite_link_in_the_email_works_end_to_end(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _invite(world, email="e2e@example.org")
    path = re.search(r"http://127\.0\.0\.1:8000(/people/invite/[^/\s]+/)", str(mail.outbox[0].body))
    assert path
    client = Client()
    response = client.post(
        path.group(1), {"full_name": "E2E", "password": PASSWORD + "x", "password_confirm": PASSWORD + "x"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="e2e@example.org", hromada=world.hromada).exists()


def test_revoke_buttons_appear_only_where_the_user_may_revoke(world: World, en_clients: dict[str, Client]) -> None:
    programme_invitation = _invite(
        world, acting_user=world.admin, role=Role.PROGRAMME_COORDINATOR, hromada=None, programme=world.programme
    )
    hromada_invitation = _invite(world)
    coordinator_page = en_clients["coordinator"].get("/people/invitations/").content.decode()
    assert reverse("accounts:invitation-revoke", args=[hromada_invitation.pk]) in coordinator_page
    assert reverse("accounts:invitation-revoke", args=[programme_invitation.pk]) not in coordinator_page
    admin_page = en_clients["admin"].get("/people/invitations/").content.decode()
    assert reverse("accounts:invitation-revoke", args=[programme_invitation.pk]) in admin_page
