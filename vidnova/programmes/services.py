"""Writes to programmes and organisations. Every write checks access, runs in one transaction and is
audited (see docs/HELPERS-BRIEF.md for the rules every service follows)."""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.accounts.models import User
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.concurrency import check_version
from vidnova.programmes.models import Organisation, OrganisationKind, Participation, Phase, Programme
from vidnova.registry.models import DutchMunicipality, Hromada

# The fields organisation_update may change, in the order forms show them.
ORGANISATION_EDITABLE_FIELDS = (
    "kind",
    "name_uk",
    "name_en",
    "name_nl",
    "country",
    "website",
    "hromada",
    "dutch_municipality",
)
# Kinds of organisation that are the public body of one Ukrainian hromada.
HROMADA_BODY_KINDS = frozenset({OrganisationKind.HROMADA_COUNCIL, OrganisationKind.MILITARY_ADMINISTRATION})

_LINKS = frozenset({"hromada", "dutch_municipality"})
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


class _Unset(enum.Enum):
    """Marks an organisation_update argument the caller did not pass (None is a real value there)."""

    UNSET = enum.auto()


UNSET = _Unset.UNSET


def _actor(user: AnyUser) -> User | None:
    return user if isinstance(user, User) else None


# --- participations --------------------------------------------------------------------------


def participation_add(
    *,
    acting_user: AnyUser,
    phase: Phase,
    hromada: Hromada,
    joined_on: datetime.date | None = None,
) -> Participation:
    """Add ``hromada`` to ``phase``. Programme staff of the phase's programme only."""
    programme = phase.programme
    access.require(acting_user, Action.EDIT, programme)
    duplicate = ValidationError(
        _("The hromada %(hromada)s already takes part in %(phase)s."),
        code="duplicate",
        params={"hromada": hromada.name_uk, "phase": phase.name},
    )
    with transaction.atomic():
        if Participation.objects.filter(phase=phase, hromada=hromada).exists():
            raise duplicate
        if joined_on is not None:
            if phase.starts_on and joined_on < phase.starts_on:
                raise ValidationError(
                    _("The joining date cannot be before the phase starts (%(date)s)."),
                    code="joined_before_phase",
                    params={"date": phase.starts_on.isoformat()},
                )
            if phase.ends_on and joined_on > phase.ends_on:
                raise ValidationError(
                    _("The joining date cannot be after the phase ends (%(date)s)."),
                    code="joined_after_phase",
                    params={"date": phase.ends_on.isoformat()},
                )
        try:
            with transaction.atomic():
                participation = Participation.objects.create(phase=phase, hromada=hromada, joined_on=joined_on)
        except IntegrityError:  # someone added the same hromada at the same moment
            raise duplicate from None
        record(
            actor=_actor(acting_user),
            action="programmes.participation.added",
            target=participation,
            data={"programme": programme.slug, "phase": phase.number, "katottg": hromada.katottg},
            changes=diff({}, {"joined_on": joined_on}) if joined_on else None,
            hromada=hromada,
        )
    return participation


def participation_remove(*, acting_user: AnyUser, participation: Participation) -> None:
    """Take a hromada out of a phase. Programme staff of that programme only."""
    phase = participation.phase
    programme = phase.programme
    access.require(acting_user, Action.EDIT, programme)
    with transaction.atomic():
        hromada = participation.hromada
        # Logged before the delete: the entry keeps the participation's id and text.
        record(
            actor=_actor(acting_user),
            action="programmes.participation.removed",
            target=participation,
            data={
                "programme": programme.slug,
                "phase": phase.number,
                "katottg": hromada.katottg,
                "joined_on": participation.joined_on,
            },
            hromada=hromada,
        )
        deleted, _counts = Participation.objects.filter(pk=participation.pk).delete()
        if not deleted:
            raise ValidationError(
                _("This hromada no longer takes part in the phase; someone removed it already."),
                code="already_removed",
            )


# --- organisations ---------------------------------------------------------------------------


def _organisation_snapshot(organisation: Organisation) -> dict[str, Any]:
    """The editable fields for the log; registry links carry their code, since names repeat."""
    values = snapshot(organisation, [name for name in ORGANISATION_EDITABLE_FIELDS if name not in _LINKS])
    hromada = organisation.hromada
    municipality = organisation.dutch_municipality
    values["hromada"] = f"{hromada.name_uk} ({hromada.katottg})" if hromada else None
    values["dutch_municipality"] = f"{municipality.name} ({municipality.cbs_code})" if municipality else None
    return values


def _validate_organisation(organisation: Organisation) -> None:
    """Check an organisation's fields together; raises one ValidationError naming every problem."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, error: ValidationError) -> None:
        errors.setdefault(field, []).append(error)

    if organisation.kind not in OrganisationKind.values:
        add("kind", ValidationError(_("Choose a kind of organisation from the list."), code="invalid_kind"))
    if not organisation.name_uk.strip():
        add("name_uk", ValidationError(_("Enter the name in Ukrainian."), code="name_uk_required"))
    if not _COUNTRY_CODE.match(organisation.country):
        add(
            "country",
            ValidationError(
                _("Enter the country as a two-letter ISO 3166-1 code, for example UA, NL or PL."),
                code="invalid_country",
            ),
        )
    if organisation.website:
        try:
            URLValidator(schemes=["http", "https"])(organisation.website)
        except ValidationError:
            add(
                "website",
                ValidationError(
                    _("Enter the full address of the website, starting with https://."), code="invalid_website"
                ),
            )

    is_dutch_municipality = organisation.kind == OrganisationKind.DUTCH_MUNICIPALITY
    if is_dutch_municipality and organisation.dutch_municipality_id is None:
        add(
            "dutch_municipality",
            ValidationError(
                _("A Dutch municipality must be linked to its entry in the registry of Dutch municipalities."),
                code="dutch_municipality_required",
            ),
        )
    if not is_dutch_municipality and organisation.dutch_municipality_id is not None:
        add(
            "dutch_municipality",
            ValidationError(
                _("Only an organisation of the kind “Dutch municipality” can be linked to a Dutch municipality."),
                code="dutch_municipality_not_allowed",
            ),
        )
    if is_dutch_municipality and organisation.country != "NL":
        add("country", ValidationError(_("A Dutch municipality has the country NL."), code="country_not_nl"))

    if organisation.kind in HROMADA_BODY_KINDS and organisation.hromada_id is None:
        add(
            "hromada",
            ValidationError(
                _("A hromada council or military administration must be linked to its hromada."),
                code="hromada_required",
            ),
        )
    if organisation.hromada_id is not None and organisation.country != "UA":
        add(
            "hromada",
            ValidationError(
                _("Only a Ukrainian organisation (country UA) can be linked to a hromada."),
                code="hromada_not_allowed",
            ),
        )
    if errors:
        raise ValidationError(errors)


def organisation_create(
    *,
    acting_user: AnyUser,
    kind: str,
    name_uk: str,
    name_en: str = "",
    name_nl: str = "",
    country: str = "UA",
    website: str = "",
    hromada: Hromada | None = None,
    dutch_municipality: DutchMunicipality | None = None,
    programmes: Iterable[Programme] = (),
    is_demo: bool = False,
) -> Organisation:
    """Create an organisation. Programme staff only; linking it to a programme needs staff rights in
    that programme. ``is_demo`` marks demo content (only vidnova.programmes.demo sets it)."""
    programme_list = list(programmes)
    organisation = Organisation(
        kind=kind,
        name_uk=name_uk.strip(),
        name_en=name_en.strip(),
        name_nl=name_nl.strip(),
        country=country.strip().upper(),
        website=website.strip(),
        hromada=hromada,
        dutch_municipality=dutch_municipality,
        is_demo=is_demo,
    )
    # An organisation that does not exist yet has no partner experts, so only staff pass this.
    access.require(acting_user, Action.EDIT, organisation)
    for programme in programme_list:
        access.require(acting_user, Action.EDIT, programme)
    _validate_organisation(organisation)
    with transaction.atomic():
        organisation.save()
        organisation.programmes.set(programme_list)
        after = _organisation_snapshot(organisation)
        record(
            actor=_actor(acting_user),
            action="programmes.organisation.created",
            target=organisation,
            changes=diff({}, {name: value for name, value in after.items() if value not in (None, "")}),
            data={"programmes": sorted(programme.slug for programme in programme_list)},
            hromada=hromada,
        )
    return organisation


def organisation_update(
    *,
    acting_user: AnyUser,
    organisation: Organisation,
    expected_version: int,
    kind: str | _Unset = UNSET,
    name_uk: str | _Unset = UNSET,
    name_en: str | _Unset = UNSET,
    name_nl: str | _Unset = UNSET,
    country: str | _Unset = UNSET,
    website: str | _Unset = UNSET,
    hromada: Hromada | _Unset | None = UNSET,
    dutch_municipality: DutchMunicipality | _Unset | None = UNSET,
) -> Organisation:
    """Change an organisation's profile. Programme staff, or a partner expert of this organisation.

    Raises EditConflict when the organisation was saved after ``expected_version`` was read.
    Arguments left out keep their value. Returns the saved organisation (a fresh instance).
    """
    access.require(acting_user, Action.EDIT, organisation)
    changes: dict[str, Any] = {}
    for name, value in (
        ("kind", kind),
        ("name_uk", name_uk),
        ("name_en", name_en),
        ("name_nl", name_nl),
        ("country", country),
        ("website", website),
    ):
        if not isinstance(value, _Unset):
            changes[name] = value.strip().upper() if name == "country" else value.strip()
    if hromada is not UNSET:
        changes["hromada"] = hromada
    if dutch_municipality is not UNSET:
        changes["dutch_municipality"] = dutch_municipality

    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        check_version(current, expected_version=expected_version)
        before = _organisation_snapshot(current)
        for name, value in changes.items():
            setattr(current, name, value)
        _validate_organisation(current)
        changed = diff(before, _organisation_snapshot(current))
        if not changed:
            # Saving an unchanged form is not an edit: no new version, nothing logged.
            current.refresh_from_db()
            return current
        current.save()
        record(
            actor=_actor(acting_user),
            action="programmes.organisation.updated",
            target=current,
            changes=changed,
            data={"version": current.version},
            hromada=current.hromada,
        )
    return current
