"""Typing helpers shared by views (healthchecks' AuthenticatedHttpRequest pattern)."""

from __future__ import annotations

from django.http import HttpRequest

from vidnova.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind login_required: ``request.user`` is a real User."""

    user: User
