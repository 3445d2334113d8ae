"""Signing in and out with allauth: email-only login, closed sign-up, verification, password reset,
rate limiting, and the pages rendered in Vidnova's layout without inline code."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.accounts.models import User
from vidnova.accounts.tests.conftest import PASSWORD, english, inline_code_problems
from vidnova.testing import factories

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN_URL = "/accounts/login/"


def _login(client: Client, email: str, password: str = PASSWORD) -> TestResponse:
    return client.post(LOGIN_URL, {"login": email, "password": password})


def _signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_page_uses_the_vidnova_layout_and_labels_every_field(world: World) -> None:
    response = english(Client()).get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "site-header" in html  # our base.html
    assert '<label for="id_login">' in html
    assert '<label for="id_password">' in html
    assert reverse("account_reset_password") in html  # "Forgot your password?" next to the field
    assert "sign up" not in html.lower()  # no invitation to open sign-up
    assert inline_code_problems(html) == []


def test_login_with_email_and_password_signs_in(world: World) -> None:
    client = english(Client())
    response = _login(client, world.coordinator.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert _signed_in_user_id(client) == str(world.coordinator.pk)


def test_login_email_is_case_insensitive(world: World) -> None:
    client = english(Client())
    response = _login(client, world.viewer.email.upper())
    assert response.status_code == 302
    assert _signed_in_user_id(client) == str(world.viewer.pk)


def test_wrong_password_is_refused_with_a_message(world: World) -> None:
    client = english(Client())
    response = _login(client, world.editor.email, "not-the-password")
    assert response.status_code == 200
    assert _signed_in_user_id(client) is None
    html = response.content.decode()
    assert "The email address and/or password you specified are not correct." in html
    assert 'role="alert"' in html  # the error summary is announced


def test_logout_asks_for_confirmation_then_signs_out(world: World) -> None:
    client = english(Client())
    client.force_login(world.editor)
    confirm = client.get("/accounts/logout/")
    assert confirm.status_code == 200
    assert inline_code_problems(confirm.content.decode()) == []
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert _signed_in_user_id(client) is None


def test_sixth_failed_login_for_the_same_account_is_refused_even_with_the_right_password(world: World) -> None:
    """ACCOUNT_RATE_LIMITS["login_failed"] = 5 per 5 minutes per account: allauth then answers the
    login form with its "too many failed login attempts" error (status 200, not 429)."""
    client = english(Client())
    for _attempt in range(5):
        response = _login(client, world.editor.email, "wrong-password")
        assert response.status_code == 200
        assert "The email address and/or password you specified are not correct." in response.content.decode()
    response = _login(client, world.editor.email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert _signed_in_user_id(client) is None
    # The limit is per account: from another address the same account stays refused...
    elsewhere = english(Client(REMOTE_ADDR="192.0.2.7"))
    response = _login(elsewhere, world.editor.email, PASSWORD)
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    # ...while other accounts sign in from there. (From the first address they would be refused
    # too: the settings also allow only 5 failures per 5 minutes per IP address.)
    assert _login(elsewhere, world.viewer.email).status_code == 302


def test_unverified_address_must_be_confirmed_before_signing_in(world: World) -> None:
    user = factories.UserFactory.create(email="unverified@example.org")
    EmailAddress.objects.filter(user=user).update(verified=False)
    client = english(Client())
    response = _login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _signed_in_user_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    match = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", str(mail.outbox[0].body))
    assert match, mail.outbox[0].body

    page = client.get(match.group(1))
    assert page.status_code == 200
    assert inline_code_problems(page.content.decode()) == []
    client.post(match.group(1))
    assert EmailAddress.objects.get(user=user).verified

    response = _login(english(Client()), user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(world: World) -> None:
    client = english(Client())
    page = client.get("/accounts/password/reset/")
    assert page.status_code == 200
    assert inline_code_problems(page.content.decode()) == []

    response = client.post("/accounts/password/reset/", {"email": world.viewer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.viewer.email]
    match = re.search(r"http://testserver(/accounts/password/reset/key/[^/\s]+/)", str(mail.outbox[0].body))
    assert match, mail.outbox[0].body

    redirect = client.get(match.group(1))  # allauth moves the key into the session, then redirects
    assert redirect.status_code == 302
    set_password_url = redirect["Location"]
    form = client.get(set_password_url)
    assert form.status_code == 200
    assert inline_code_problems(form.content.decode()) == []
    done = client.post(set_password_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"})
    assert done.status_code == 302

    world.viewer.refresh_from_db()
    assert world.viewer.check_password("a-brand-new-passphrase")
    assert _login(english(Client()), world.viewer.email, "a-brand-new-passphrase").status_code == 302


def test_password_reset_for_an_unknown_address_sends_no_reset_link(world: World) -> None:
    response = english(Client()).post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert all("/password/reset/key/" not in message.body for message in mail.outbox)


@pytest.mark.parametrize("method", ["get", "post"])
def test_sign_up_is_closed_and_says_how_to_get_an_invitation(world: World, method: str) -> None:
    client = english(Client())
    data = {"email": "self-signup@example.org", "password1": "a-long-password-1", "password2": "a-long-password-1"}
    response = client.get("/accounts/signup/") if method == "get" else client.post("/accounts/signup/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Registration is by invitation only" in html
    assert "ask the programme coordinator" in html
    assert 'name="password1"' not in html
    assert inline_code_problems(html) == []
    assert not User.objects.filter(email="self-signup@example.org").exists()


@pytest.mark.parametrize(
    "path", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/2fa/totp/activate/"]
)
def test_account_management_pages_render_in_our_layout_without_inline_code(world: World, path: str) -> None:
    client = english(Client())
    _login(client, world.editor.email)
    response = client.get(path)
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        # Security changes ask for the password again (allauth's reauthentication), whatever the login.
        reauthenticate = client.get(response["Location"])
        assert inline_code_problems(reauthenticate.content.decode()) == []
        assert client.post(response["Location"], {"password": PASSWORD}).status_code == 302
        response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert "site-header" in html
    assert inline_code_problems(html) == []


def test_totp_activation_page_shows_the_qr_code_with_a_text_alternative(world: World) -> None:
    client = english(Client())
    _login(client, world.editor.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    html = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'src="data:image/svg+xml' in html
    assert "QR code for your authenticator app" in html
    assert '<label for="authenticator_secret">' in html
