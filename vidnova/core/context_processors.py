from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from vidnova.accounts.access import roles_of


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "demo_mode": settings.DEMO_MODE,
        "user_roles": roles_of(request.user),
    }
