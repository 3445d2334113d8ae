"""Access rules for the assessments app, registered with vidnova.accounts.access.

* Instruments are public documents: anyone reads them and downloads their XLSForm; only programme
  staff import new instruments or versions.
* A round belongs to its programme: the programme's staff run it (open, close, import, cohort view);
  the partner experts of the programme read its cohort view; a hromada member sees the round only
  through their own hromada's assessment.
* An assessment is private to its hromada and the programme: the hromada's members and the
  programme's staff and partner experts read it; hromada editors and the programme's staff answer
  (only while it is not started or in progress); the programme's staff validate. Hromada viewers and
  partner experts only read (403 on every write); everyone else gets 404.
* Selection calls are internal to the programme's staff.
"""

from __future__ import annotations

from typing import Any

from vidnova.accounts import access
from vidnova.accounts.access import Action, UserRoles

EDITABLE_STATES = frozenset({"draft", "in_progress"})


def instrument_rule(roles: UserRoles, action: Action, instrument: Any) -> bool:
    if action == Action.VIEW:
        return True
    if action == Action.ADMINISTER:
        return roles.is_programme_admin
    return roles.is_programme_staff


def version_rule(roles: UserRoles, action: Action, version: Any) -> bool:
    return instrument_rule(roles, action, version.instrument)


def round_rule(roles: UserRoles, action: Action, round_: Any) -> bool:
    is_staff = round_.programme_id in roles.programme_staff_of
    if action in {Action.VIEW, Action.VIEW_PRIVATE}:
        return is_staff or round_.programme_id in roles.expert_programme_of
    if action == Action.ADMINISTER:
        return round_.programme_id in roles.programme_admin_of
    return is_staff


def may_answer(roles: UserRoles, assessment: Any) -> bool:
    """Whether the user is one of those who answer this assessment, whatever its state."""
    return assessment.round.programme_id in roles.programme_staff_of or assessment.hromada_id in roles.hromada_editor_of


def assessment_rule(roles: UserRoles, action: Action, assessment: Any) -> bool:
    programme_id = assessment.round.programme_id
    is_staff = programme_id in roles.programme_staff_of
    insider = is_staff or assessment.hromada_id in roles.hromada_member_of or programme_id in roles.expert_programme_of
    if action in {Action.VIEW, Action.VIEW_PRIVATE}:
        return insider
    if action == Action.EDIT:
        # A submitted assessment is with the validators; it opens again when they return it.
        return may_answer(roles, assessment) and assessment.state in EDITABLE_STATES
    if action == Action.VALIDATE:
        return is_staff
    if action == Action.ADMINISTER:
        return programme_id in roles.programme_admin_of
    return False


def selection_rule(roles: UserRoles, action: Action, call: Any) -> bool:
    if action == Action.ADMINISTER:
        return call.programme_id in roles.programme_admin_of
    return call.programme_id in roles.programme_staff_of


def register() -> None:
    from vidnova.assessments import models

    access.register_rule(models.Instrument, instrument_rule)
    access.register_rule(models.InstrumentVersion, version_rule)
    access.register_rule(models.Round, round_rule)
    access.register_rule(models.Assessment, assessment_rule)
    access.register_rule(models.SelectionCall, selection_rule)
