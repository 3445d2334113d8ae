"""Needs for partner expertise typed by hand, and a hromada's partner search profile in a programme.

Needs from assessments and project ideas are derived when read (selectors/needs.py); only the ones a
hromada or the programme staff type in are stored here. Everything refuses a hromada that does not
take part in the programme (a participation in any of its phases).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.audit.services import diff, record
from vidnova.core.concurrency import check_version
from vidnova.partnerships.models import HromadaPartnerProfile, Need, NeedSeverity, NeedStatus, Theme
from vidnova.partnerships.services.offers import (
    Invalid,
    actor,
    clean_bool,
    clean_languages,
    clean_modes,
    clean_text,
    text,
    theme_objects,
)
from vidnova.programmes.models import Participation, Programme
from vidnova.registry.models import Hromada

MAX_DESCRIPTION = 5_000
MAX_NOTE = 5_000


def takes_part(programme: Programme, hromada: Hromada) -> bool:
    return Participation.objects.filter(phase__programme=programme, hromada=hromada).exists()


def _require_participation(programme: Programme, hromada: Hromada) -> None:
    if not takes_part(programme, hromada):
        raise ValidationError(
            {
                "hromada": gettext(
                    "%(hromada)s does not take part in %(programme)s: needs and partner search profiles "
                    "are kept for the programme's hromadas only."
                )
                % {"hromada": hromada, "programme": programme}
            }
        )


def _theme(value: Any) -> Theme:
    code = text(value)
    if not code:
        raise Invalid(gettext("Choose a theme."))
    return theme_objects([code])[0]


def _severity(value: Any) -> int:
    number = 0
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif not isinstance(value, bool):
        try:
            number = int(text(value))
        except ValueError:
            number = 0
    if number not in NeedSeverity.values:
        raise Invalid(gettext("Choose the severity: 1 (low), 2 (medium) or 3 (high)."))
    return number


def _status(value: Any) -> str:
    status = text(value)
    if status not in NeedStatus.values:
        raise Invalid(
            gettext("Unknown status: %(status)s. Allowed: %(known)s.")
            % {"status": status, "known": ", ".join(NeedStatus.values)}
        )
    return status


def _check_open_unique(need: Need) -> None:
    """One open need per theme and hromada in a programme: say so instead of a database error."""
    if need.status != NeedStatus.OPEN:
        return
    duplicate = (
        Need.objects.filter(
            programme_id=need.programme_id, hromada_id=need.hromada_id, theme_id=need.theme_id, status=NeedStatus.OPEN
        )
        .exclude(pk=need.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError(
            {
                "theme": gettext("There is already an open need for %(theme)s: change that one, or close it first.")
                % {"theme": need.theme}
            }
        )


def _snapshot(need: Need) -> dict[str, Any]:
    return {
        "theme": need.theme.code,
        "severity": need.severity,
        "description": need.description,
        "status": need.status,
    }


def need_create(
    *,
    acting_user: AnyUser | None,
    programme: Programme,
    hromada: Hromada,
    theme: str,
    severity: int,
    description: str = "",
) -> Need:
    with transaction.atomic():
        if acting_user is not None:
            require(
                acting_user, Action.EDIT, Need(programme=programme, hromada=hromada), visible_with=Action.VIEW_PRIVATE
            )
        _require_participation(programme, hromada)
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        for name, clean, value in (
            ("theme", _theme, theme),
            ("severity", _severity, severity),
            ("description", lambda v: clean_text(v, max_length=MAX_DESCRIPTION), description),
        ):
            try:
                values[name] = clean(value)
            except Invalid as error:
                errors[name] = [str(error)]
        if errors:
            raise ValidationError(errors)
        need = Need(programme=programme, hromada=hromada, created_by=actor(acting_user), **values)
        _check_open_unique(need)
        need.save()
        record(
            actor=actor(acting_user),
            action="partnerships.need.created",
            target=need,
            data={"programme": programme.slug, **_snapshot(need)},
            hromada=hromada,
        )
    return need


def need_update(
    *, acting_user: AnyUser | None, need: Need, data: Mapping[str, Any], expected_version: int | None
) -> Need:
    """Change ``theme``, ``severity``, ``description`` and (to close or reopen) ``status``, those given."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, need, visible_with=Action.VIEW_PRIVATE)
        need = (
            Need.objects.select_for_update(of=("self",)).select_related("theme", "hromada", "programme").get(pk=need.pk)
        )
        check_version(need, expected_version=expected_version)
        cleaners: dict[str, Any] = {
            "theme": _theme,
            "severity": _severity,
            "description": lambda v: clean_text(v, max_length=MAX_DESCRIPTION),
            "status": _status,
        }
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        for name, clean in cleaners.items():
            if name in data:
                try:
                    values[name] = clean(data[name])
                except Invalid as error:
                    errors[name] = [str(error)]
        if errors:
            raise ValidationError(errors)
        before = _snapshot(need)
        for name, value in values.items():
            setattr(need, name, value)
        _check_open_unique(need)
        need.save()
        changes = diff(before, _snapshot(need))
        record(
            actor=actor(acting_user),
            action="partnerships.need.status_changed" if set(changes) == {"status"} else "partnerships.need.updated",
            target=need,
            changes=changes,
            data={"version": need.version},
            hromada=need.hromada,
        )
    return need


def need_set_status(
    *, acting_user: AnyUser | None, need: Need, status: str, expected_version: int | None = None
) -> Need:
    """Close a need (addressed or withdrawn) or reopen it."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, need, visible_with=Action.VIEW_PRIVATE)
        try:
            cleaned = _status(status)
        except Invalid as error:
            raise ValidationError({"status": [str(error)]}) from None
        need = Need.objects.select_for_update(of=("self",)).select_related("theme", "hromada").get(pk=need.pk)
        check_version(need, expected_version=expected_version)
        before = need.status
        need.status = cleaned
        _check_open_unique(need)
        need.save(update_fields=["status", "version", "updated_at"])
        record(
            actor=actor(acting_user),
            action="partnerships.need.status_changed",
            target=need,
            changes={"status": [before, cleaned]} if before != cleaned else {},
            data={"version": need.version},
            hromada=need.hromada,
        )
    return need


PROFILE_FIELDS = ("seeks_partner", "languages", "preferred_modes", "note")


def _profile_snapshot(profile: HromadaPartnerProfile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in PROFILE_FIELDS}


def profile_save(
    *,
    acting_user: AnyUser | None,
    programme: Programme,
    hromada: Hromada,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> HromadaPartnerProfile:
    """Create or change the hromada's partner search profile in ``programme`` (the fields given in
    ``data``; a new profile starts from the defaults: seeks a partner, works in Ukrainian, any mode).
    An unsaved profile has version 1 (a form shown before the first save sends 1); the first save
    makes it 2."""
    with transaction.atomic():
        probe = HromadaPartnerProfile(programme=programme, hromada=hromada)
        if acting_user is not None:
            require(acting_user, Action.EDIT, probe, visible_with=Action.VIEW_PRIVATE)
        _require_participation(programme, hromada)
        profile = HromadaPartnerProfile.objects.select_for_update().filter(programme=programme, hromada=hromada).first()
        creating = profile is None
        if profile is None:
            profile = HromadaPartnerProfile(
                programme=programme, hromada=hromada, seeks_partner=True, languages=["uk"], preferred_modes=[]
            )
        # A new profile goes from the unsaved default's version 1 to 2, so a form shown before the
        # first save conflicts with it like with any later save.
        check_version(profile, expected_version=expected_version)
        cleaners: dict[str, Any] = {
            "seeks_partner": clean_bool,
            "languages": clean_languages,
            "preferred_modes": lambda v: clean_modes(v, required=False),
            "note": lambda v: clean_text(v, max_length=MAX_NOTE),
        }
        errors: dict[str, list[str]] = {}
        before = {} if creating else _profile_snapshot(profile)
        for name, clean in cleaners.items():
            if name in data:
                try:
                    setattr(profile, name, clean(data[name]))
                except Invalid as error:
                    errors[name] = [str(error)]
        if "languages" not in errors and not profile.languages:
            errors["languages"] = [gettext("Choose at least one language the hromada's team works in.")]
        if errors:
            raise ValidationError(errors)
        profile.save()
        record(
            actor=actor(acting_user),
            action="partnerships.profile.saved",
            target=profile,
            changes=diff(before, _profile_snapshot(profile)),
            data={"programme": programme.slug, "version": profile.version, "created": creating},
            hromada=hromada,
        )
    return profile
