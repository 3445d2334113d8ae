"""Access rules for assessment instruments, registered with vidnova.accounts.access.

Questionnaires are public documents (anyone may read them and download their XLSForm); only
programme staff import new instruments or new versions.
"""

from __future__ import annotations

from typing import Any

from vidnova.accounts import access
from vidnova.accounts.access import Action, UserRoles


def instrument_rule(roles: UserRoles, action: Action, instrument: Any) -> bool:
    if action == Action.VIEW:
        return True
    if action == Action.ADMINISTER:
        return roles.is_programme_admin
    return roles.is_programme_staff


def version_rule(roles: UserRoles, action: Action, version: Any) -> bool:
    return instrument_rule(roles, action, version.instrument)


def register() -> None:
    from vidnova.assessments import models

    access.register_rule(models.Instrument, instrument_rule)
    access.register_rule(models.InstrumentVersion, version_rule)
