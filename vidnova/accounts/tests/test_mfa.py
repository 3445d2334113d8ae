"""Two-factor authentication: required for administrators, asked at sign-in (TOTP or recovery code)."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.urls import reverse

from conftest import World
from vidnova.accounts.models import Role, User
from vidnova.accounts.tests.conftest import PASSWORD, english, inline_code_problems
from vidnova.testing import factories

ACTIVATE_URL = "/accounts/2fa/totp/activate/"
PROTECTED_PAGE = "/people/api-token/"


def _current_code(secret: str) -> str:
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD)))


# --- enforcement -----------------------------------------------------------------------------


def test_administrator_without_totp_is_sent_to_set_it_up_with_an_explanation(admin_without_totp: User) -> None:
    client = english(Client())
    client.force_login(admin_without_totp)
    response = client.get(PROTECTED_PAGE)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert any("must protect their account with two-factor" in str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize("path", ["/", "/hromadas/", "/people/invitations/", "/admin/"])
def test_every_page_redirects_an_administrator_without_totp(admin_without_totp: User, path: str) -> None:
    client = Client()
    client.force_login(admin_without_totp)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_setup_pages_logout_language_and_health_stay_open(admin_without_totp: User) -> None:
    client = english(Client())
    client.force_login(admin_without_totp)
    # The activation page asks for the password first; both pages are reachable.
    activate = client.get(ACTIVATE_URL)
    assert activate.status_code == 302
    assert activate["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(activate["Location"]).status_code == 200
    assert client.post(activate["Location"], {"password": PASSWORD}).status_code == 302
    assert client.get(ACTIVATE_URL).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("core:health")).status_code == 200
    language = client.post(reverse("set_language"), {"language": "nl", "next": "/hromadas/"})
    assert language["Location"] == "/hromadas/"
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_activating_totp_lifts_the_redirect(admin_without_totp: User) -> None:
    client = english(Client())
    client.post("/accounts/login/", {"login": admin_without_totp.email, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get(ACTIVATE_URL)
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(ACTIVATE_URL, {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.get(PROTECTED_PAGE).status_code == 200


def test_administrator_with_totp_passes(en_clients: dict[str, Client]) -> None:
    assert en_clients["admin"].get(PROTECTED_PAGE).status_code == 200


@pytest.mark.parametrize("persona", ["coordinator", "editor", "viewer", "expert", "outsider"])
def test_other_roles_are_not_asked_for_totp(en_clients: dict[str, Client], persona: str) -> None:
    assert en_clients[persona].get(PROTECTED_PAGE).status_code == 200


@pytest.mark.parametrize("flag", ["is_superuser", "is_staff"])
def test_django_superusers_and_staff_need_totp_too(world: World, flag: str) -> None:
    user = factories.UserFactory.create()
    setattr(user, flag, True)
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get(PROTECTED_PAGE)["Location"] == reverse("mfa_activate_totp")


@override_settings(VIDNOVA_REQUIRE_ADMIN_MFA=False)
def test_the_requirement_can_be_switched_off(admin_without_totp: User) -> None:
    client = Client()
    client.force_login(admin_without_totp)
    assert client.get(PROTECTED_PAGE).status_code == 200


# --- sign-in with a second factor ------------------------------------------------------------


@pytest.fixture
def totp_admin(world: World) -> tuple[User, str]:
    user = factories.UserFactory.create(email="totp-admin@example.org")
    factories.MembershipFactory.create(user=user, role=Role.PROGRAMME_ADMIN, programme=world.programme)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_login_asks_for_the_authenticator_code_after_the_password(totp_admin: tuple[User, str]) -> None:
    user, secret = totp_admin
    client = english(Client())
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in yet

    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert '<label for="id_code">' in page.content.decode()

    wrong = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if _current_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(PROTECTED_PAGE).status_code == 200


def test_login_with_a_recovery_code_instead_of_the_app(totp_admin: tuple[User, str]) -> None:
    user, _secret = totp_admin
    codes = RecoveryCodes.activate(user).get_unused_codes()
    client = english(Client())
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    # A recovery code works once.
    again = english(Client())
    again.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    refused = again.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert refused.status_code == 200
    assert "Incorrect code." in refused.content.decode()
    assert "_auth_user_id" not in again.session


def test_users_without_an_authenticator_sign_in_with_the_password_alone(world: World) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"login": world.coordinator.email, "password": PASSWORD})
    assert response["Location"] == reverse("core:dashboard")
    assert client.session["_auth_user_id"] == str(world.coordinator.pk)


def test_recovery_code_pages_render_without_inline_code(totp_admin: tuple[User, str]) -> None:
    user, secret = totp_admin
    client = english(Client())
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    generate = client.get(reverse("mfa_generate_recovery_codes"))
    assert generate.status_code == 200
    assert inline_code_problems(generate.content.decode()) == []
    assert client.post(reverse("mfa_generate_recovery_codes")).status_code == 302
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    html = codes.content.decode()
    assert inline_code_problems(html) == []
    assert '<label for="recovery_codes">' in html
    assert "/static/mfa/js/recovery_codes.js" in html  # allauth's script, from our own host
