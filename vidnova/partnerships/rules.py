"""Access rules for partnerships, registered with vidnova.accounts.access.

* Themes are public reference data.
* Expertise offers are a public catalogue (as Cities4Cities publishes its partners' offers); their
  organisation's partner experts and the programme staff edit them. Contact persons are for the
  platform's insiders only (programme staff, partner experts, hromada members).
* A hromada's needs and partner search profile are read by the programme's staff, the hromada's
  members and the programme's partner experts; staff and the hromada's editors change them.
* Match runs and pair constraints are the programme staff's work; the programme's partner experts
  may read them (and get 403 on every write).
* Partnerships are public (hromada, partners, themes, status, dates); agreements, the activity log
  and follow-ups are internal (``VIEW_PRIVATE``): staff, the hromada's members and the partners'
  experts. Staff edit a partnership; the hromada's editors and the partners' experts may also log
  activities and follow-ups (``CONTRIBUTE``); hromada viewers only read.
"""

from __future__ import annotations

from typing import Any

from vidnova.accounts import access
from vidnova.accounts.access import Action, UserRoles


def _is_insider(roles: UserRoles) -> bool:
    return roles.is_member_anywhere


def theme_rule(roles: UserRoles, action: Action, theme: Any) -> bool:
    return action == Action.VIEW


def contact_rule(roles: UserRoles, action: Action, contact: Any) -> bool:
    if action in {Action.VIEW, Action.VIEW_PRIVATE}:
        return _is_insider(roles)
    if action == Action.EDIT:
        return roles.is_programme_staff or contact.organisation_id in roles.expert_of
    return False


def offer_rule(roles: UserRoles, action: Action, offer: Any) -> bool:
    if action == Action.VIEW:
        return True
    if action == Action.VIEW_PRIVATE:
        return _is_insider(roles)
    if action == Action.EDIT:
        return roles.is_programme_staff or offer.organisation_id in roles.expert_of
    if action == Action.ADMINISTER:
        return roles.is_programme_admin
    return False


def hromada_needs_rule(roles: UserRoles, action: Action, need: Any) -> bool:
    """For ``Need`` and ``HromadaPartnerProfile`` (both carry programme_id and hromada_id). An unsaved
    instance asks for a hromada's needs page as a whole."""
    is_staff = need.programme_id in roles.programme_staff_of
    if action in {Action.VIEW, Action.VIEW_PRIVATE}:
        return is_staff or need.hromada_id in roles.hromada_member_of or need.programme_id in roles.expert_programme_of
    if action == Action.EDIT:
        return is_staff or need.hromada_id in roles.hromada_editor_of
    if action == Action.ADMINISTER:
        return need.programme_id in roles.programme_admin_of
    return False


def matching_rule(roles: UserRoles, action: Action, obj: Any) -> bool:
    """For ``MatchRun`` and ``PairConstraint``."""
    is_staff = obj.programme_id in roles.programme_staff_of
    if action in {Action.VIEW, Action.VIEW_PRIVATE}:
        return is_staff or obj.programme_id in roles.expert_programme_of
    if action == Action.ADMINISTER:
        return obj.programme_id in roles.programme_admin_of
    return is_staff


def suggestion_rule(roles: UserRoles, action: Action, suggestion: Any) -> bool:
    return matching_rule(roles, action, suggestion.run)


def partner_ids(partnership: Any) -> set[int]:
    """The partner organisations' ids (from a prefetch of ``partner_links`` when there is one)."""
    cached = getattr(partnership, "_partner_ids", None)
    if cached is None:
        if partnership.pk is None:
            return set()
        cached = {link.organisation_id for link in partnership.partner_links.all()}
        partnership._partner_ids = cached
    return set(cached)


def partnership_rule(roles: UserRoles, action: Action, partnership: Any) -> bool:
    if action == Action.VIEW:
        return True
    is_staff = partnership.programme_id in roles.programme_staff_of
    if is_staff:
        return action != Action.ADMINISTER or partnership.programme_id in roles.programme_admin_of
    is_partner_expert = bool(roles.expert_of) and bool(partner_ids(partnership) & roles.expert_of)
    if action == Action.VIEW_PRIVATE:
        return partnership.hromada_id in roles.hromada_member_of or is_partner_expert
    if action == Action.CONTRIBUTE:
        return partnership.hromada_id in roles.hromada_editor_of or is_partner_expert
    return False


def _partnership_part_rule(edit_needs: Action) -> Any:
    def rule(roles: UserRoles, action: Action, part: Any) -> bool:
        partnership = part.partnership if hasattr(part, "partnership") else part.activity.partnership
        if action in {Action.VIEW, Action.VIEW_PRIVATE}:
            return partnership_rule(roles, Action.VIEW_PRIVATE, partnership)
        if action == Action.EDIT:
            return partnership_rule(roles, edit_needs, partnership)
        return partnership_rule(roles, action, partnership)

    return rule


activity_rule = _partnership_part_rule(Action.CONTRIBUTE)
agreement_rule = _partnership_part_rule(Action.EDIT)


def register() -> None:
    from vidnova.partnerships import models

    access.register_rule(models.Theme, theme_rule)
    access.register_rule(models.PartnerContact, contact_rule)
    access.register_rule(models.ExpertiseOffer, offer_rule)
    access.register_rule(models.Need, hromada_needs_rule)
    access.register_rule(models.HromadaPartnerProfile, hromada_needs_rule)
    access.register_rule(models.MatchRun, matching_rule)
    access.register_rule(models.PairConstraint, matching_rule)
    access.register_rule(models.MatchSuggestion, suggestion_rule)
    access.register_rule(models.Partnership, partnership_rule)
    access.register_rule(models.Activity, activity_rule)
    access.register_rule(models.FollowUp, activity_rule)
    access.register_rule(models.Agreement, agreement_rule)
