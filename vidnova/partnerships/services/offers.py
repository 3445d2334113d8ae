"""Expertise offers: what a partner organisation lends (themes, modes, capacity, availability).

``offer_create`` and ``offer_update`` take the offer as a mapping of field names to values (strings
are accepted and cleaned here, so the form and the API share one set of rules):

* ``title``, ``description``, ``text_language`` (the language the text is written in)
* ``themes``: Theme codes (at least one, active themes only)
* ``modes``: OfferMode values (at least one)
* ``capacity``: hromadas at once, 1 to MAX_OFFER_CAPACITY
* ``languages``: WORKING_LANGUAGES codes the partner's team works in
* ``available_from``, ``available_until`` (optional, not before ``available_from``)
* ``status``: OfferStatus value

Bad input raises one ``ValidationError`` whose dict names every bad field, and nothing is saved. The
cleaning helpers here are shared with the contacts and needs services.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import User
from vidnova.audit.services import diff, record
from vidnova.core.concurrency import check_version
from vidnova.partnerships.models import (
    MAX_OFFER_CAPACITY,
    WORKING_LANGUAGES,
    ExpertiseOffer,
    OfferMode,
    OfferStatus,
    Theme,
)
from vidnova.programmes.models import Organisation, OrganisationKind

# Organisations that may lend expertise (and so have offers, contacts and partnerships).
PARTNER_KINDS = frozenset(
    {
        OrganisationKind.DUTCH_MUNICIPALITY.value,
        OrganisationKind.SAFETY_REGION.value,
        OrganisationKind.EU_MUNICIPALITY.value,
        OrganisationKind.CITIES_ASSOCIATION.value,
        OrganisationKind.NGO.value,
        OrganisationKind.EXPERT_BODY.value,
    }
)
OFFER_FIELDS = (
    "title",
    "description",
    "text_language",
    "themes",
    "modes",
    "capacity",
    "languages",
    "available_from",
    "available_until",
    "status",
)
MAX_TITLE = 300
MAX_TEXT = 20_000


def actor(user: AnyUser | None) -> User | None:
    """The user to record in the audit log (None for the system: commands, the demo, tasks)."""
    return user if isinstance(user, User) else None


def is_partner(organisation: Organisation) -> bool:
    return organisation.kind in PARTNER_KINDS


# --- cleaning single values (shared with contacts.py and needs.py) ------------------------------


class Invalid(Exception):
    """A value that cannot be used; the message says what is wrong (the caller adds the field)."""


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def clean_text(value: Any, *, max_length: int, required: bool = False) -> str:
    cleaned = text(value)
    if required and not cleaned:
        raise Invalid(gettext("This field is required."))
    if len(cleaned) > max_length:
        raise Invalid(gettext("Keep this under %(count)s characters.") % {"count": max_length + 1})
    return cleaned


def clean_codes(value: Any) -> list[str]:
    """A list of codes from a list or a string separated by commas, semicolons or spaces, in the
    order given, without repeats."""
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable[Any] = re.split(r"[,;\s]+", value)
    elif isinstance(value, Iterable) and not isinstance(value, Mapping):
        items = value
    else:
        raise Invalid(gettext("Give a list of codes."))
    codes: list[str] = []
    for item in items:
        code = text(item)
        if code and code not in codes:
            codes.append(code)
    return codes


def clean_languages(value: Any) -> list[str]:
    codes = [code.lower() for code in clean_codes(value)]
    unknown = [code for code in codes if code not in WORKING_LANGUAGES]
    if unknown:
        raise Invalid(
            gettext("Unknown language code: %(codes)s. Use two-letter codes such as %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(WORKING_LANGUAGES)}
        )
    return list(dict.fromkeys(codes))


def clean_modes(value: Any, *, required: bool) -> list[str]:
    codes = clean_codes(value)
    unknown = [code for code in codes if code not in OfferMode.values]
    if unknown:
        raise Invalid(
            gettext("Unknown mode: %(codes)s. Allowed: %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(OfferMode.values)}
        )
    if required and not codes:
        raise Invalid(gettext("Choose at least one mode."))
    return codes


def clean_int(value: Any, *, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise Invalid(message)
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(text(value))
        except ValueError:
            raise Invalid(message) from None
    if not low <= number <= high:
        raise Invalid(message)
    return number


def clean_date(value: Any) -> datetime.date | None:
    if value is None or text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text(value), pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise Invalid(gettext("Give the date as YYYY-MM-DD or DD.MM.YYYY."))


def clean_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    cleaned = text(value).lower()
    if cleaned in {"1", "true", "yes", "on"}:
        return True
    if cleaned in {"", "0", "false", "no", "off"}:
        return False
    raise Invalid(gettext("Answer yes or no."))


def theme_objects(codes: list[str]) -> list[Theme]:
    """Active themes for ``codes`` in the order given; Invalid names the unknown codes."""
    found = {theme.code: theme for theme in Theme.objects.filter(code__in=codes, is_active=True)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise Invalid(gettext("Unknown theme: %(codes)s.") % {"codes": ", ".join(unknown)})
    return [found[code] for code in codes]


# --- offers ---------------------------------------------------------------------------------------


def _clean(data: Mapping[str, Any], *, offer: ExpertiseOffer | None) -> tuple[dict[str, Any], list[Theme] | None]:
    """Values for the model fields present in ``data`` (all of them on create) and the themes when
    given; raises ValidationError naming every bad field."""
    creating = offer is None
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    themes: list[Theme] | None = None

    def present(name: str) -> bool:
        return creating or name in data

    def attempt(name: str, clean: Any) -> None:
        try:
            values[name] = clean()
        except Invalid as error:
            errors.setdefault(name, []).append(str(error))

    if present("title"):
        attempt("title", lambda: clean_text(data.get("title"), max_length=MAX_TITLE, required=True))
    if present("description"):
        attempt("description", lambda: clean_text(data.get("description"), max_length=MAX_TEXT))
    if present("text_language"):

        def _text_language() -> str:
            code = text(data.get("text_language")).lower() or "en"
            if code not in WORKING_LANGUAGES:
                raise Invalid(
                    gettext("Unknown language code: %(codes)s. Use two-letter codes such as %(known)s.")
                    % {"codes": code, "known": ", ".join(WORKING_LANGUAGES)}
                )
            return code

        attempt("text_language", _text_language)
    if present("themes"):
        try:
            codes = clean_codes(data.get("themes"))
            if not codes:
                raise Invalid(gettext("Choose at least one theme."))
            themes = theme_objects(codes)
        except Invalid as error:
            errors.setdefault("themes", []).append(str(error))
    if present("modes"):
        attempt("modes", lambda: clean_modes(data.get("modes"), required=True))
    if present("capacity"):
        attempt(
            "capacity",
            lambda: clean_int(
                data.get("capacity"),
                low=1,
                high=MAX_OFFER_CAPACITY,
                message=gettext("Give the number of hromadas the offer can serve at once, from 1 to %(max)s.")
                % {"max": MAX_OFFER_CAPACITY},
            ),
        )
    if present("languages"):
        attempt("languages", lambda: clean_languages(data.get("languages")))
    if present("available_from"):

        def _from() -> datetime.date:
            day = clean_date(data.get("available_from"))
            return day if day is not None else timezone.localdate()

        attempt("available_from", _from)
    if present("available_until"):
        attempt("available_until", lambda: clean_date(data.get("available_until")))
    if present("status"):

        def _status() -> str:
            status = text(data.get("status")) or OfferStatus.ACTIVE.value
            if status not in OfferStatus.values:
                raise Invalid(
                    gettext("Unknown status: %(status)s. Allowed: %(known)s.")
                    % {"status": status, "known": ", ".join(OfferStatus.values)}
                )
            return status

        attempt("status", _status)

    if "available_from" not in errors and "available_until" not in errors:
        start = values.get("available_from", offer.available_from if offer is not None else None)
        end = values["available_until"] if "available_until" in values else getattr(offer, "available_until", None)
        if start is not None and end is not None and end < start:
            errors.setdefault("available_until", []).append(
                gettext("The offer cannot end before it starts: give a date on or after %(start)s.")
                % {"start": start.isoformat()}
            )
    if errors:
        raise ValidationError(errors)
    return values, themes


def _snapshot(offer: ExpertiseOffer) -> dict[str, Any]:
    return {
        "title": offer.title,
        "description": offer.description,
        "text_language": offer.text_language,
        "themes": sorted(offer.themes.values_list("code", flat=True)) if offer.pk else [],
        "modes": list(offer.modes),
        "capacity": offer.capacity,
        "languages": list(offer.languages),
        "available_from": offer.available_from,
        "available_until": offer.available_until,
        "status": offer.status,
    }


def _locked(offer: ExpertiseOffer) -> ExpertiseOffer:
    return ExpertiseOffer.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=offer.pk)


def offer_create(*, acting_user: AnyUser | None, organisation: Organisation, data: Mapping[str, Any]) -> ExpertiseOffer:
    """A new offer of ``organisation`` (its partner experts and programme staff may add one)."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, ExpertiseOffer(organisation=organisation))
        if not is_partner(organisation):
            raise ValidationError(
                {
                    "organisation": gettext(
                        "%(organisation)s is a %(kind)s, which does not lend expertise: offers belong to "
                        "Dutch municipalities, safety regions, other EU municipalities, associations of "
                        "cities, NGOs and expert bodies."
                    )
                    % {"organisation": organisation, "kind": organisation.get_kind_display()}
                }
            )
        values, themes = _clean(data, offer=None)
        offer = ExpertiseOffer(organisation=organisation, created_by=actor(acting_user), **values)
        offer.save()
        offer.themes.set(themes or [])
        record(
            actor=actor(acting_user),
            action="partnerships.offer.created",
            target=offer,
            data={"organisation": str(organisation), **_snapshot(offer)},
        )
    return offer


def offer_update(
    *, acting_user: AnyUser | None, offer: ExpertiseOffer, data: Mapping[str, Any], expected_version: int | None
) -> ExpertiseOffer:
    """Change the fields given in ``data``. Raises EditConflict when the offer changed since
    ``expected_version`` was read."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, offer)
        offer = _locked(offer)
        check_version(offer, expected_version=expected_version)
        values, themes = _clean(data, offer=offer)
        before = _snapshot(offer)
        for name, value in values.items():
            setattr(offer, name, value)
        offer.save()
        if themes is not None:
            offer.themes.set(themes)
        changes = diff(before, _snapshot(offer))
        record(
            actor=actor(acting_user),
            action="partnerships.offer.updated",
            target=offer,
            changes=changes,
            data={"version": offer.version},
        )
    return offer


def offer_set_status(
    *, acting_user: AnyUser | None, offer: ExpertiseOffer, status: str, expected_version: int | None = None
) -> ExpertiseOffer:
    """Open, pause or withdraw an offer. Partnerships already made on it keep their places."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, offer)
        if status not in OfferStatus.values:
            raise ValidationError(
                {
                    "status": gettext("Unknown status: %(status)s. Allowed: %(known)s.")
                    % {"status": status, "known": ", ".join(OfferStatus.values)}
                }
            )
        offer = _locked(offer)
        check_version(offer, expected_version=expected_version)
        before = offer.status
        offer.status = status
        offer.save(update_fields=["status", "version", "updated_at"])
        record(
            actor=actor(acting_user),
            action="partnerships.offer.status_changed",
            target=offer,
            changes={"status": [before, status]} if before != status else {},
            data={"version": offer.version},
        )
    return offer
