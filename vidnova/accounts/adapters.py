"""How allauth fits Vidnova: sign-in by email, no open sign-up (people join by invitation)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Nobody signs up on their own: accounts are created by accepting an invitation
        (vidnova.accounts.services.invitation_accept). The sign-up URL shows
        account/signup_closed.html, which explains how to get an invitation."""
        return False
