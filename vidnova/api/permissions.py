"""DRF permission class that asks vidnova.accounts.access, like every page does.

No rule lives here. A view declares, per DRF action, which access Action it needs and with which
Action the object must be visible; this class maps the answer of ``access`` onto HTTP:

* object not visible to the user: 404 (outsiders cannot learn that a private record exists);
* visible but the action is not allowed: 403, or 401 for a request without credentials.

Actions on one object (``detail`` routes) are decided with ``access.require`` on that object; actions
without an object (lists, creation) with the platform-wide ``access.can(user, action)``.

Reads (GET, HEAD, OPTIONS) need ``Action.VIEW`` unless the view says otherwise; writes must be
declared explicitly, so a write a view forgot to declare is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from vidnova.accounts import access
from vidnova.accounts.access import Action

if TYPE_CHECKING:
    # Only for annotations: DRF imports this module (DEFAULT_PERMISSION_CLASSES) while
    # rest_framework.views is still loading.
    from rest_framework.views import APIView


@dataclass(frozen=True)
class Requirement:
    """What a view action needs: ``action`` on the object, which must be visible with ``visible_with``."""

    action: Action
    visible_with: Action = Action.VIEW


READ = Requirement(Action.VIEW)


def requirement_for(request: Request, view: APIView) -> Requirement | None:
    """The view's declared requirement for this request's action; None means "refuse".

    Views declare ``access_requirements = {"<viewset action>": Requirement(...)}``.
    """
    declared: dict[str, Requirement] = getattr(view, "access_requirements", {})
    name = getattr(view, "action", None) or (request.method or "").lower()
    if name in declared:
        return declared[name]
    if request.method in SAFE_METHODS:
        return READ
    return None


def _handles(request: Request, view: APIView) -> bool:
    """Does the view have a handler for the request's method?"""
    method = (request.method or "").lower()
    action_map: dict[str, str] | None = getattr(view, "action_map", None)
    if action_map is not None:
        return method in action_map
    return hasattr(view, method)


def _is_detail(view: APIView) -> bool:
    """Does the request act on one object? Routers tell viewsets (``detail``); otherwise the URL
    carrying the lookup value tells."""
    detail: bool | None = getattr(view, "detail", None)
    if detail is not None:
        return detail
    lookup: str | None = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    return lookup is not None and lookup in getattr(view, "kwargs", {})


class AccessPolicy(BasePermission):
    """Delegates every decision to ``vidnova.accounts.access`` (``can`` and ``require``)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not _handles(request, view):
            return True  # nothing will run: let DRF answer 405 Method Not Allowed
        requirement = requirement_for(request, view)
        if requirement is None:
            return False
        if _is_detail(view):
            # Decided per object in has_object_permission. Writes need a signed-in user first (DRF
            # then answers 401 with a WWW-Authenticate header).
            return request.method in SAFE_METHODS or request.user.is_authenticated
        # No object (lists, creation): the platform-wide rule decides.
        return access.can(request.user, requirement.action)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        requirement = requirement_for(request, view)
        if requirement is None:
            return False
        try:
            # Raises Http404 when the object is not visible: DRF turns it into a 404 response.
            access.require(request.user, requirement.action, obj, visible_with=requirement.visible_with)
        except PermissionDenied:
            return False
        return True
