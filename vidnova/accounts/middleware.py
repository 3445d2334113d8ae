"""Programme administrators (and Django staff) must protect their account with an authenticator app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vidnova.accounts.access import roles_of

# Pages an administrator without two-factor authentication may still open: setting it up (allauth
# asks to confirm the password first, and a verified email address), signing out, switching the
# language and the health check.
EXEMPT_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_reauthenticate",
        "account_email",
        "account_confirm_email",
        "set_language",
        "core:health",
    }
)

MFA_REQUIRED_MESSAGE = _(
    "Programme administrators must protect their account with two-factor authentication. "
    "Set up an authenticator app to continue."
)


def requires_mfa_setup(user: Any) -> bool:
    """True if ``user`` must use two-factor authentication but has no authenticator app yet."""
    if not getattr(settings, "VIDNOVA_REQUIRE_ADMIN_MFA", False):
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    if not (user.is_superuser or user.is_staff or roles_of(user).is_programme_admin):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMFAForAdministratorsMiddleware:
    """Send administrators without TOTP to the activation page, whatever they asked for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if _is_exempt(request) or not requires_mfa_setup(request.user):
            return None
        messages.warning(request, MFA_REQUIRED_MESSAGE, fail_silently=True)
        return HttpResponseRedirect(reverse("mfa_activate_totp"))


def _is_exempt(request: HttpRequest) -> bool:
    path = request.path_info
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        if prefix and path.startswith(str(prefix)):
            return True
    match = request.resolver_match
    return match is not None and match.view_name in EXEMPT_URL_NAMES
