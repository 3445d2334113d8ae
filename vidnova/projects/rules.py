"""Access rules for project ideas, registered with vidnova.accounts.access.

Project ideas are public records, as in DREAM: anyone reads a project's fiche and the portfolio, but
the exact locations of sensitive sites (shelters, critical infrastructure), documents, the history
of transitions and the prioritisation are internal (``VIEW_PRIVATE``): the programme's staff, the
hromada's members and the programme's partner experts. Hromada editors and programme staff edit;
hromada viewers and partner experts only read (403 on every write).
"""

from __future__ import annotations

from typing import Any

from vidnova.accounts import access
from vidnova.accounts.access import Action, UserRoles


def project_rule(roles: UserRoles, action: Action, project: Any) -> bool:
    is_staff = roles.is_programme_staff
    is_member = project.hromada_id in roles.hromada_member_of
    is_expert = project.programme_id is not None and project.programme_id in roles.expert_programme_of
    if action == Action.VIEW:
        return True
    if action == Action.VIEW_PRIVATE:
        return is_staff or is_member or is_expert
    if action == Action.EDIT:
        return is_staff or project.hromada_id in roles.hromada_editor_of
    if action == Action.ADMINISTER:
        return roles.is_programme_admin
    return False


def prioritisation_rule(roles: UserRoles, action: Action, round_: Any) -> bool:
    """Rounds are run by the programme's staff; its partner experts may read (and score when named)."""
    is_staff = round_.programme_id in roles.programme_staff_of
    if action in {Action.VIEW, Action.VIEW_PRIVATE}:
        return is_staff or round_.programme_id in roles.expert_programme_of
    if action == Action.ADMINISTER:
        return round_.programme_id in roles.programme_admin_of
    return is_staff


def register() -> None:
    from vidnova.projects import models

    access.register_rule(models.Project, project_rule)
    access.register_rule(models.PrioritisationRound, prioritisation_rule)
