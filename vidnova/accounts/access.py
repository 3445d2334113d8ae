"""Who may do what: the one place access is decided.

Every view, API endpoint and template asks this module. Two questions are kept apart:

* may the user *see* the object at all? If not, the answer is 404, so outsiders cannot even learn
  that a private record exists;
* may the user perform the action? If they may see the object but not act on it, the answer is 403.

Roles are loaded once per request (``roles_of``) and cached on the user object, so templates and
loops ask without extra queries.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404

from vidnova.accounts.models import PROGRAMME_ROLES, Membership, Role, User
from vidnova.programmes.models import Organisation

AnyUser = User | AnonymousUser
M = TypeVar("M", bound=models.Model)


class Action(enum.StrEnum):
    VIEW = "view"  # see the object (public objects: everyone)
    VIEW_PRIVATE = "view_private"  # members, history and other internal parts
    EDIT = "edit"
    COMMENT = "comment"  # review comments on drafts (plans)
    VALIDATE = "validate"  # accept or return submitted work (assessments)
    CONTRIBUTE = "contribute"  # add to a shared record without editing it (a partnership's activity log)
    MANAGE_SECURITY_STATUS = "manage_security_status"
    MANAGE_MEMBERS = "manage_members"
    ADMINISTER = "administer"


@dataclass(frozen=True)
class UserRoles:
    programme_admin_of: frozenset[int] = field(default_factory=frozenset)
    programme_staff_of: frozenset[int] = field(default_factory=frozenset)
    hromada_editor_of: frozenset[int] = field(default_factory=frozenset)
    hromada_viewer_of: frozenset[int] = field(default_factory=frozenset)
    expert_of: frozenset[int] = field(default_factory=frozenset)
    # Programmes that the partner expert's organisations take part in (their experts review its plans).
    expert_programme_of: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_programme_admin(self) -> bool:
        return bool(self.programme_admin_of)

    @property
    def is_programme_staff(self) -> bool:
        """Administrators and coordinators of any programme."""
        return bool(self.programme_staff_of)

    @property
    def hromada_member_of(self) -> frozenset[int]:
        return self.hromada_editor_of | self.hromada_viewer_of

    @property
    def is_member_anywhere(self) -> bool:
        return bool(self.programme_staff_of or self.hromada_member_of or self.expert_of)


NO_ROLES = UserRoles()


def roles_of(user: AnyUser) -> UserRoles:
    if not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached: UserRoles | None = getattr(user, "_vidnova_roles", None)
    if cached is not None:
        return cached
    sets: dict[str, set[int]] = {"admin": set(), "staff": set(), "editor": set(), "viewer": set(), "expert": set()}
    for role, programme_id, hromada_id, organisation_id in Membership.objects.filter(user=user).values_list(
        "role", "programme_id", "hromada_id", "organisation_id"
    ):
        if role in PROGRAMME_ROLES:
            sets["staff"].add(programme_id)
            if role == Role.PROGRAMME_ADMIN:
                sets["admin"].add(programme_id)
        elif role == Role.HROMADA_EDITOR:
            sets["editor"].add(hromada_id)
        elif role == Role.HROMADA_VIEWER:
            sets["viewer"].add(hromada_id)
        elif role == Role.PARTNER_EXPERT:
            sets["expert"].add(organisation_id)
    expert_programmes: set[int] = set()
    if sets["expert"]:
        expert_programmes = set(
            Organisation.programmes.through.objects.filter(organisation_id__in=sets["expert"]).values_list(
                "programme_id", flat=True
            )
        )
    roles = UserRoles(
        expert_programme_of=frozenset(expert_programmes),
        programme_admin_of=frozenset(sets["admin"]),
        programme_staff_of=frozenset(sets["staff"]),
        hromada_editor_of=frozenset(sets["editor"]),
        hromada_viewer_of=frozenset(sets["viewer"]),
        expert_of=frozenset(sets["expert"]),
    )
    setattr(user, "_vidnova_roles", roles)  # noqa: B010 - a per-request cache on the user object
    return roles


def forget_roles(user: AnyUser) -> None:
    """Drop the cached roles after a membership change within the same request."""
    if hasattr(user, "_vidnova_roles"):
        del user._vidnova_roles


# --- rules per model -------------------------------------------------------------------------
# A rule answers "may this user perform this action on this object?" Registry objects and partner
# municipalities are public records, so VIEW is always true for them.

Rule = Callable[[UserRoles, Any], bool]


def _hromada_rule(roles: UserRoles, action: Action, hromada: Any) -> bool:
    if action == Action.VIEW:
        return True
    if roles.is_programme_staff:
        return action != Action.ADMINISTER or roles.is_programme_admin
    if action == Action.VIEW_PRIVATE:
        return hromada.pk in roles.hromada_member_of
    if action == Action.EDIT:
        return hromada.pk in roles.hromada_editor_of
    return False


def _organisation_rule(roles: UserRoles, action: Action, organisation: Any) -> bool:
    if action == Action.VIEW:
        return True
    if roles.is_programme_staff:
        return action != Action.ADMINISTER or roles.is_programme_admin
    if action in {Action.VIEW_PRIVATE, Action.EDIT}:
        return organisation.pk in roles.expert_of
    return False


def _programme_rule(roles: UserRoles, action: Action, programme: Any) -> bool:
    if action == Action.VIEW:
        return True
    if action == Action.ADMINISTER:
        return programme.pk in roles.programme_admin_of
    return programme.pk in roles.programme_staff_of


def _public_reference_rule(roles: UserRoles, action: Action, obj: Any) -> bool:
    # Oblasts, raions, codifier entries and Dutch municipalities come from official data; only the
    # loader writes them.
    return action == Action.VIEW


def _membership_rule(roles: UserRoles, action: Action, membership: Any) -> bool:
    if roles.is_programme_staff:
        return True
    # Members see who else belongs to their own hromada or organisation, but change nothing.
    if action in {Action.VIEW, Action.VIEW_PRIVATE}:
        return (membership.hromada_id in roles.hromada_member_of) or (membership.organisation_id in roles.expert_of)
    return False


_RULES: dict[str, Callable[[UserRoles, Action, Any], bool]] = {
    "registry.hromada": _hromada_rule,
    "registry.toplevelunit": _public_reference_rule,
    "registry.raion": _public_reference_rule,
    "registry.codifierunit": _public_reference_rule,
    "registry.dutchmunicipality": _public_reference_rule,
    "programmes.organisation": _organisation_rule,
    "programmes.programme": _programme_rule,
    "accounts.membership": _membership_rule,
}


def register_rule(model: type[models.Model], rule: Callable[[UserRoles, Action, Any], bool]) -> None:
    """Later modules add their models' rules here (from their AppConfig.ready)."""
    _RULES[model._meta.label_lower] = rule


def can(user: AnyUser, action: Action, obj: models.Model | None = None) -> bool:
    """May ``user`` perform ``action`` on ``obj`` (or, with no object, anywhere on the platform)?"""
    if user.is_authenticated and user.is_superuser and user.is_active:
        return True
    roles = roles_of(user)
    if obj is None:
        return _global_rule(roles, action)
    rule = _RULES.get(obj._meta.label_lower)
    if rule is None:
        raise LookupError(f"No access rule for {obj._meta.label_lower}; add one with register_rule().")
    return rule(roles, action, obj)


def _global_rule(roles: UserRoles, action: Action) -> bool:
    if action == Action.VIEW:
        return True
    if action == Action.ADMINISTER:
        return roles.is_programme_admin
    if action in {Action.MANAGE_SECURITY_STATUS, Action.MANAGE_MEMBERS, Action.VIEW_PRIVATE}:
        return roles.is_programme_staff
    return False


def require(
    user: AnyUser, action: Action, obj: models.Model | None = None, *, visible_with: Action = Action.VIEW
) -> None:
    """Raise Http404 if the user may not see ``obj`` (with ``visible_with``), PermissionDenied if
    they may see it but not perform ``action``.

    Use ``visible_with=Action.VIEW_PRIVATE`` for internal parts of public records (members, history):
    outsiders then get 404 while read-only members get 403 on writes.
    """
    if obj is not None and not can(user, visible_with, obj):
        raise Http404
    if not can(user, action, obj):
        raise PermissionDenied


def get_for_user(
    user: AnyUser,
    queryset: models.QuerySet[M],
    action: Action = Action.VIEW,
    *,
    visible_with: Action = Action.VIEW,
    **lookup: Any,
) -> M:
    """Fetch one object and apply ``require``: the standard way views load what they act on."""
    try:
        obj = queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None
    require(user, action, obj, visible_with=visible_with)
    return obj
