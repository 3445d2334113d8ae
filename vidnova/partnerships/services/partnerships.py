"""Partnerships: creating and changing them, moving them through their statuses, and their agreements.

A partnership links a hromada of a programme with one or more partner organisations (Dutch
municipalities, safety regions, other EU municipalities, associations, NGOs, expert bodies) on one or
more themes. Its status runs proposed → agreed → active → closed; it can also be closed before it
started (proposed → closed, agreed → closed), with a note saying why. Agreements are documents (the
tripartite memorandum, a municipal partnership agreement, …) with dates and signatories.

Bad input raises one ``ValidationError`` whose dict names every bad field ("title",
"partners[1].organisation", "signatories[0].full_name"; rows counted from 0), and nothing is saved.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import User
from vidnova.audit.services import diff, record
from vidnova.core.concurrency import check_version
from vidnova.core.uploads import validate_upload
from vidnova.partnerships.models import (
    Agreement,
    AgreementKind,
    AgreementSignatory,
    ExpertiseOffer,
    MatchSuggestion,
    PartnerRole,
    Partnership,
    PartnershipPartner,
    PartnershipStatus,
    PartnershipTransition,
    Theme,
)
from vidnova.programmes.models import Organisation, Participation, Programme
from vidnova.registry.models import Hromada

# Organisations that lend expertise (the others — implementing agencies, donors, hromada councils,
# military administrations — take part in a programme in other roles).
PARTNER_KINDS = frozenset(
    {"dutch_municipality", "safety_region", "eu_municipality", "cities_association", "ngo", "expert_body"}
)
# Status → the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PartnershipStatus.PROPOSED: (PartnershipStatus.AGREED, PartnershipStatus.CLOSED),
    PartnershipStatus.AGREED: (PartnershipStatus.ACTIVE, PartnershipStatus.CLOSED),
    PartnershipStatus.ACTIVE: (PartnershipStatus.CLOSED,),
    PartnershipStatus.CLOSED: (),
}
# Closing before the partnership started needs a note saying why.
NOTE_REQUIRED = frozenset(
    {(PartnershipStatus.PROPOSED, PartnershipStatus.CLOSED), (PartnershipStatus.AGREED, PartnershipStatus.CLOSED)}
)
UPDATE_FIELDS = frozenset({"title", "description", "starts_on", "ends_on", "themes", "partners"})
IGNORED_FIELDS = frozenset({"version", "expected_version"})

MAX_PARTNERS = 20
MAX_SIGNATORIES = 20
AGREEMENT_FILE_KINDS = frozenset({"pdf", "docx", "odt", "image"})
MAX_AGREEMENT_BYTES = 20 * 1024 * 1024
TRIPARTITE_SIGNATORIES = 3


def actor(user: AnyUser | None) -> User | None:
    """The user to record in the audit log (None for the system: commands, the demo, tasks)."""
    return user if isinstance(user, User) else None


def today() -> datetime.date:
    return timezone.localdate()


# --- cleaning single values --------------------------------------------------------------------


class Invalid(Exception):
    """A value that cannot be used; the message names the problem (the caller adds the field)."""


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def clean_text(value: Any, limit: int, *, required_message: str = "") -> str:
    result = text(value)
    if required_message and not result:
        raise Invalid(required_message)
    if len(result) > limit:
        raise Invalid(
            gettext("At most %(limit)s characters; this has %(count)s.") % {"limit": limit, "count": len(result)}
        )
    return result


def clean_date(value: Any) -> datetime.date | None:
    """A date from a date or text (YYYY-MM-DD or DD.MM.YYYY); None when empty."""
    if value is None or text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise Invalid(gettext("Give the date as YYYY-MM-DD, for example 2026-03-14."))


def _put(errors: dict[str, str], key: str, clean: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return clean(*args, **kwargs)
    except Invalid as problem:
        errors[key] = str(problem)
        return None


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def _status_labels(statuses: Sequence[str]) -> str:
    return ", ".join(str(PartnershipStatus(status).label) for status in statuses)


# --- partners and themes -------------------------------------------------------------------------


def _organisation(value: Any) -> Organisation:
    if isinstance(value, Organisation):
        return value
    raw = text(value)
    found = Organisation.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if found is None:
        raise Invalid(gettext("There is no organisation “%(value)s”.") % {"value": raw})
    return found


def _partner_rows(value: Any) -> list[tuple[Any, Any]] | None:
    """(organisation, role) pairs from tuples or mappings {organisation, role}; None if not a list."""
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        return None
    rows: list[tuple[Any, Any]] = []
    for item in value:
        if isinstance(item, Mapping):
            rows.append((item.get("organisation"), item.get("role")))
        elif isinstance(item, Sequence) and not isinstance(item, str | bytes) and len(item) == 2:
            rows.append((item[0], item[1]))
        else:
            rows.append((item, PartnerRole.PARTNER))
    return rows


def clean_partners(value: Any, programme: Programme, errors: dict[str, str]) -> list[tuple[Organisation, str]]:
    """Partner organisations of partner kinds taking part in ``programme``, each once, with a role."""
    rows = _partner_rows(value)
    if rows is None:
        errors["partners"] = gettext("Give a list of partners, each an organisation with a role.")
        return []
    if not rows:
        errors["partners"] = gettext("Add at least one partner organisation.")
        return []
    if len(rows) > MAX_PARTNERS:
        errors["partners"] = gettext("At most %(count)s partners.") % {"count": MAX_PARTNERS}
        return []
    result: list[tuple[Organisation, str]] = []
    seen: set[int] = set()
    in_programme = set(
        Organisation.programmes.through.objects.filter(programme_id=programme.pk).values_list(
            "organisation_id", flat=True
        )
    )
    for index, (raw_organisation, raw_role) in enumerate(rows):
        where = f"partners[{index}]"
        role = text(raw_role) or PartnerRole.PARTNER
        if role not in PartnerRole.values:
            errors[f"{where}.role"] = gettext("Choose the role: %(roles)s.") % {
                "roles": ", ".join(str(label) for label in PartnerRole.labels)
            }
        try:
            organisation = _organisation(raw_organisation)
        except Invalid as problem:
            errors[f"{where}.organisation"] = str(problem)
            continue
        if organisation.kind not in PARTNER_KINDS:
            errors[f"{where}.organisation"] = gettext(
                "%(organisation)s is %(kind)s, not a partner organisation (a municipality, safety region, "
                "association of cities, NGO or expert body)."
            ) % {"organisation": organisation, "kind": organisation.get_kind_display()}
        elif organisation.pk not in in_programme:
            errors[f"{where}.organisation"] = gettext("%(organisation)s does not take part in %(programme)s.") % {
                "organisation": organisation,
                "programme": programme,
            }
        elif organisation.pk in seen:
            errors[f"{where}.organisation"] = gettext("%(organisation)s is listed twice.") % {
                "organisation": organisation
            }
        seen.add(organisation.pk)
        result.append((organisation, role))
    return result


def clean_themes(value: Any, errors: dict[str, str]) -> list[Theme]:
    if value is None or isinstance(value, str):
        codes = [code.strip() for code in text(value).split(",") if code.strip()]
    elif isinstance(value, Sequence | set | frozenset):
        codes = [theme.code if isinstance(theme, Theme) else text(theme) for theme in value]
        codes = [code for code in codes if code]
    else:
        errors["themes"] = gettext("Give a list of theme codes.")
        return []
    codes = list(dict.fromkeys(codes))
    if not codes:
        errors["themes"] = gettext("Choose at least one theme.")
        return []
    found = {theme.code: theme for theme in Theme.objects.filter(code__in=codes, is_active=True)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        errors["themes"] = gettext("Unknown or retired theme(s): %(codes)s.") % {"codes": ", ".join(unknown)}
        return []
    return [found[code] for code in codes]


def places_left(offer: ExpertiseOffer, *, excluding: Partnership | None = None) -> tuple[int, int]:
    """(places taken, places left) on ``offer``: partnerships on it that are not closed."""
    taken_qs = Partnership.objects.filter(offer=offer).exclude(status=PartnershipStatus.CLOSED)
    if excluding is not None and excluding.pk is not None:
        taken_qs = taken_qs.exclude(pk=excluding.pk)
    taken = taken_qs.count()
    return taken, max(offer.capacity - taken, 0)


def _check_offer(offer: ExpertiseOffer, partners: Sequence[tuple[Organisation, str]], errors: dict[str, str]) -> None:
    if partners and offer.organisation_id not in {organisation.pk for organisation, _role in partners}:
        errors["offer"] = gettext("The offer “%(offer)s” is not one of the partners' offers.") % {"offer": offer}
        return
    taken, left = places_left(offer)
    if left < 1:
        errors["offer"] = gettext("%(offer)s has no places left (capacity %(capacity)s, %(taken)s taken).") % {
            "offer": offer,
            "capacity": offer.capacity,
            "taken": taken,
        }


def _check_dates(starts_on: datetime.date | None, ends_on: datetime.date | None, errors: dict[str, str]) -> None:
    if starts_on and ends_on and ends_on < starts_on and "ends_on" not in errors:
        errors["ends_on"] = gettext("The partnership cannot end (%(end)s) before it starts (%(start)s).") % {
            "end": ends_on.isoformat(),
            "start": starts_on.isoformat(),
        }


def _snapshot(partnership: Partnership) -> dict[str, Any]:
    return {
        "title": partnership.title,
        "description": partnership.description,
        "status": partnership.status,
        "starts_on": partnership.starts_on,
        "ends_on": partnership.ends_on,
        "hromada": partnership.hromada.katottg,
        "offer": partnership.offer_id,
        "themes": sorted(partnership.themes.values_list("code", flat=True)),
        "partners": [
            f"{organisation_id}:{role}"
            for organisation_id, role in PartnershipPartner.objects.filter(partnership=partnership)
            .order_by("organisation_id")
            .values_list("organisation_id", "role")
        ],
    }


def _set_partners(partnership: Partnership, partners: Sequence[tuple[Organisation, str]]) -> None:
    PartnershipPartner.objects.filter(partnership=partnership).delete()
    PartnershipPartner.objects.bulk_create(
        PartnershipPartner(partnership=partnership, organisation=organisation, role=role)
        for organisation, role in partners
    )
    if hasattr(partnership, "_partner_ids"):
        del partnership._partner_ids


# --- create and update ---------------------------------------------------------------------------


def partnership_create(
    *,
    acting_user: AnyUser | None,
    programme: Programme,
    hromada: Hromada,
    partners: Sequence[tuple[Organisation, str]],
    themes: Sequence[str],
    title: str,
    description: str = "",
    starts_on: datetime.date | str | None = None,
    ends_on: datetime.date | str | None = None,
    offer: ExpertiseOffer | None = None,
    suggestion: MatchSuggestion | None = None,
) -> Partnership:
    """A new partnership in the status ``proposed``: programme staff only.

    Refuses a hromada outside the programme, no partner, a partner that is not a partner kind or does
    not take part in the programme, no theme, an end before the start, and an offer that is not one of
    the partners' or has no places left.
    """
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, Partnership(programme=programme))
        errors: dict[str, str] = {}
        if not Participation.objects.filter(phase__programme=programme, hromada=hromada).exists():
            errors["hromada"] = gettext("%(hromada)s does not take part in %(programme)s.") % {
                "hromada": hromada,
                "programme": programme,
            }
        cleaned_partners = clean_partners(partners, programme, errors)
        cleaned_themes = clean_themes(themes, errors)
        clean_title = _put(
            errors, "title", clean_text, title, 300, required_message=gettext("Give the partnership a title.")
        )
        clean_description = _put(errors, "description", clean_text, description, 20_000)
        start = _put(errors, "starts_on", clean_date, starts_on)
        end = _put(errors, "ends_on", clean_date, ends_on)
        _check_dates(start, end, errors)
        if offer is not None:
            # Lock the offer so two partnerships cannot take its last place at once.
            offer = ExpertiseOffer.objects.select_for_update().get(pk=offer.pk)
            _check_offer(offer, cleaned_partners if "partners" not in errors else [], errors)
        if suggestion is not None and Partnership.objects.filter(suggestion=suggestion).exists():
            errors["suggestion"] = gettext("This suggested match already led to a partnership.")
        if errors:
            raise ValidationError(errors)
        partnership = Partnership.objects.create(
            programme=programme,
            hromada=hromada,
            title=clean_title,
            description=clean_description or "",
            starts_on=start,
            ends_on=end,
            offer=offer,
            suggestion=suggestion,
            status=PartnershipStatus.PROPOSED,
            created_by=actor(acting_user),
        )
        _set_partners(partnership, cleaned_partners)
        partnership.themes.set(cleaned_themes)
        record(
            actor=actor(acting_user),
            action="partnerships.partnership.created",
            target=partnership,
            changes=diff({}, _snapshot(partnership)),
            data={
                "programme": programme.slug,
                "offer": offer.pk if offer is not None else None,
                "suggestion": suggestion.pk if suggestion is not None else None,
            },
            hromada=hromada,
        )
    return partnership


def _locked(partnership: Partnership) -> Partnership:
    return (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("programme", "hromada", "offer")
        .get(pk=partnership.pk)
    )


def partnership_update(
    *, acting_user: AnyUser | None, partnership: Partnership, data: Mapping[str, Any], expected_version: int | None
) -> Partnership:
    """Change the fields given in ``data`` (title, description, starts_on, ends_on, themes — codes,
    partners — (organisation, role) pairs or {organisation, role}); programme staff only."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, partnership, visible_with=Action.VIEW_PRIVATE)
        partnership = _locked(partnership)
        check_version(partnership, expected_version=expected_version)
        errors: dict[str, str] = {}
        for key in data:
            if key not in UPDATE_FIELDS and key not in IGNORED_FIELDS:
                errors[str(key)] = gettext("There is no field “%(field)s” to change in a partnership.") % {"field": key}
        values: dict[str, Any] = {}
        if "title" in data:
            values["title"] = _put(
                errors,
                "title",
                clean_text,
                data["title"],
                300,
                required_message=gettext("Give the partnership a title."),
            )
        if "description" in data:
            values["description"] = _put(errors, "description", clean_text, data["description"], 20_000)
        for name in ("starts_on", "ends_on"):
            if name in data:
                values[name] = _put(errors, name, clean_date, data[name])
        _check_dates(
            values.get("starts_on", partnership.starts_on) if "starts_on" in data else partnership.starts_on,
            values.get("ends_on", partnership.ends_on) if "ends_on" in data else partnership.ends_on,
            errors,
        )
        themes = clean_themes(data["themes"], errors) if "themes" in data else None
        partners = clean_partners(data["partners"], partnership.programme, errors) if "partners" in data else None
        if (
            partners is not None
            and "partners" not in errors
            and partnership.offer_id is not None
            and partnership.offer is not None
            and partnership.offer.organisation_id not in {organisation.pk for organisation, _role in partners}
        ):
            errors["partners"] = gettext(
                "%(organisation)s stays a partner: the partnership takes a place on its offer “%(offer)s”."
            ) % {"organisation": partnership.offer.organisation, "offer": partnership.offer}
        if errors:
            raise ValidationError(errors)
        before = _snapshot(partnership)
        for name, value in values.items():
            setattr(partnership, name, "" if value is None and name in {"title", "description"} else value)
        partnership.save()
        if themes is not None:
            partnership.themes.set(themes)
        if partners is not None:
            _set_partners(partnership, partners)
        record(
            actor=actor(acting_user),
            action="partnerships.partnership.updated",
            target=partnership,
            changes=diff(before, _snapshot(partnership)),
            data={"version": partnership.version},
            hromada=partnership.hromada,
        )
    return partnership


# --- status --------------------------------------------------------------------------------------


def has_signed_agreement(partnership: Partnership) -> bool:
    return Agreement.objects.filter(partnership=partnership, signed_on__isnull=False).exists()


def partnership_transition(
    *,
    acting_user: AnyUser | None,
    partnership: Partnership,
    to_status: str,
    note: str = "",
    expected_version: int | None = None,
) -> Partnership:
    """Move the partnership along TRANSITIONS (programme staff only).

    proposed → agreed needs a signed agreement; closing before the partnership started needs a note.
    Becoming active fills an empty start with today, closing fills an empty end with today.
    """
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, partnership, visible_with=Action.VIEW_PRIVATE)
        partnership = _locked(partnership)
        check_version(partnership, expected_version=expected_version)
        from_status = partnership.status
        target = text(to_status)
        errors: dict[str, str] = {}
        try:
            clean_note = clean_text(note, 5000)
        except Invalid as problem:
            errors["note"] = str(problem)
            clean_note = ""
        allowed = allowed_next(from_status)
        if target not in allowed:
            if not allowed:
                errors["to_status"] = gettext("A closed partnership does not change status any more.")
            else:
                errors["to_status"] = gettext("A partnership that is %(from)s can move only to: %(allowed)s.") % {
                    "from": PartnershipStatus(from_status).label,
                    "allowed": _status_labels(allowed),
                }
        elif (from_status, target) in NOTE_REQUIRED and not clean_note and "note" not in errors:
            errors["note"] = gettext("Say why the partnership ends before it started.")
        elif (
            from_status == PartnershipStatus.PROPOSED
            and target == PartnershipStatus.AGREED
            and not has_signed_agreement(partnership)
        ):
            errors["to_status"] = gettext(
                "Record the signed agreement first: add the memorandum or partnership agreement with the date "
                "it was signed, then mark the partnership agreed."
            )
        if errors:
            raise ValidationError(errors)
        day = today()
        changes: dict[str, list[Any]] = {"status": [from_status, target]}
        if target == PartnershipStatus.ACTIVE and partnership.starts_on is None:
            start = day if partnership.ends_on is None else min(day, partnership.ends_on)
            changes["starts_on"] = [None, start.isoformat()]
            partnership.starts_on = start
        if target == PartnershipStatus.CLOSED and partnership.ends_on is None:
            end = day if partnership.starts_on is None else max(day, partnership.starts_on)
            changes["ends_on"] = [None, end.isoformat()]
            partnership.ends_on = end
        partnership.status = target
        partnership.save(update_fields=["status", "starts_on", "ends_on", "version", "updated_at"])
        PartnershipTransition.objects.create(
            partnership=partnership,
            from_status=from_status,
            to_status=target,
            note=clean_note,
            actor=actor(acting_user),
        )
        record(
            actor=actor(acting_user),
            action="partnerships.partnership.transitioned",
            target=partnership,
            changes=changes,
            data={"note": clean_note},
            hromada=partnership.hromada,
        )
    return partnership


# --- agreements ----------------------------------------------------------------------------------


def _clean_signatories(value: Any, errors: dict[str, str]) -> list[AgreementSignatory]:
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        errors["signatories"] = gettext(
            "Give a list of signatories, each with full_name, position and organisation_name."
        )
        return []
    if len(value) > MAX_SIGNATORIES:
        errors["signatories"] = gettext("At most %(count)s signatories.") % {"count": MAX_SIGNATORIES}
        return []
    result = []
    for index, row in enumerate(value):
        where = f"signatories[{index}]"
        if not isinstance(row, Mapping):
            errors[where] = gettext("Each signatory is a set of named values: full_name, position, organisation_name.")
            continue
        full_name = _put(
            errors,
            f"{where}.full_name",
            clean_text,
            row.get("full_name"),
            200,
            required_message=gettext("Give the signatory's full name."),
        )
        position = _put(errors, f"{where}.position", clean_text, row.get("position"), 200)
        organisation_name = _put(
            errors,
            f"{where}.organisation_name",
            clean_text,
            row.get("organisation_name"),
            300,
            required_message=gettext("Say on behalf of which organisation the signatory signed."),
        )
        result.append(
            AgreementSignatory(
                full_name=full_name or "", position=position or "", organisation_name=organisation_name or ""
            )
        )
    return result


def agreement_add(
    *,
    acting_user: AnyUser | None,
    partnership: Partnership,
    kind: str,
    title: str,
    signed_on: datetime.date | str | None = None,
    valid_until: datetime.date | str | None = None,
    file: Any = None,
    signatories: Sequence[Mapping[str, str]] = (),
) -> Agreement:
    """An agreement of the partnership (programme staff only), optionally with its document (PDF,
    DOCX, ODT, JPEG or PNG, checked by its content, at most 20 MB) and its signatories."""
    with transaction.atomic():
        if acting_user is not None:
            require(acting_user, Action.EDIT, partnership, visible_with=Action.VIEW_PRIVATE)
        errors: dict[str, str] = {}
        kind_code = text(kind)
        if kind_code not in AgreementKind.values:
            errors["kind"] = gettext("Choose the kind of agreement: %(kinds)s.") % {
                "kinds": "; ".join(str(label) for label in AgreementKind.labels)
            }
        clean_title = _put(
            errors, "title", clean_text, title, 300, required_message=gettext("Give the agreement a title.")
        )
        signed = _put(errors, "signed_on", clean_date, signed_on)
        valid = _put(errors, "valid_until", clean_date, valid_until)
        if signed is not None and signed > today():
            errors["signed_on"] = gettext(
                "The signing date %(date)s is in the future; record agreements once signed."
            ) % {"date": signed.isoformat()}
        if signed is not None and valid is not None and valid < signed and "valid_until" not in errors:
            errors["valid_until"] = gettext(
                "An agreement cannot expire (%(until)s) before it is signed (%(signed)s)."
            ) % {
                "until": valid.isoformat(),
                "signed": signed.isoformat(),
            }
        rows = _clean_signatories(signatories, errors)
        if (
            kind_code == AgreementKind.TRIPARTITE_MEMORANDUM
            and len(rows) < TRIPARTITE_SIGNATORIES
            and "signatories" not in errors
        ):
            errors["signatories"] = gettext(
                "A tripartite memorandum is signed by the association of cities, the implementing agency and the "
                "hromada: add three signatories."
            )
        extension = ""
        if file is not None:
            try:
                kind_found = validate_upload(file, allowed=AGREEMENT_FILE_KINDS, max_bytes=MAX_AGREEMENT_BYTES)
            except ValidationError as error:
                errors["file"] = " ".join(error.messages)
            else:
                if kind_found.group == "image" and kind_found.extension not in {"png", "jpg"}:
                    errors["file"] = gettext(
                        "“%(name)s” is %(found)s. Accepted: PDF, Word document (DOCX), OpenDocument text (ODT), "
                        "JPEG or PNG image."
                    ) % {"name": getattr(file, "name", ""), "found": kind_found.label}
                extension = kind_found.extension
        if errors:
            raise ValidationError(errors)
        agreement = Agreement(
            partnership=partnership,
            kind=kind_code,
            title=clean_title,
            signed_on=signed,
            valid_until=valid,
            created_by=actor(acting_user),
        )
        stored = ""
        if file is not None:
            original = os.path.basename(text(getattr(file, "name", ""))) or f"agreement.{extension}"
            agreement.file_name = original[:255]
            agreement.file_size = int(getattr(file, "size", 0) or 0) or _file_size(file)
            agreement.file.save(
                f"partnership-{partnership.pk}-{kind_code}.{extension}",
                file if isinstance(file, File) else File(file),
                save=False,
            )
            stored = agreement.file.name or ""
        try:
            agreement.save()
            for row in rows:
                row.agreement = agreement
            AgreementSignatory.objects.bulk_create(rows)
            record(
                actor=actor(acting_user),
                action="partnerships.agreement.added",
                target=agreement,
                data={
                    "partnership": partnership.pk,
                    "kind": kind_code,
                    "signed_on": signed,
                    "valid_until": valid,
                    "file": stored,
                    "signatories": [f"{row.full_name} ({row.organisation_name})" for row in rows],
                },
                hromada=partnership.hromada,
            )
        except Exception:
            if stored:
                agreement.file.storage.delete(stored)  # no orphan file when the row is not saved
            raise
    return agreement


def _file_size(file: Any) -> int:
    file.seek(0, 2)
    size = int(file.tell())
    file.seek(0)
    return size


def agreement_remove(*, acting_user: AnyUser | None, agreement: Agreement) -> None:
    """Remove an agreement (programme staff only); its file is deleted once the removal is committed."""
    with transaction.atomic():
        partnership = agreement.partnership
        if acting_user is not None:
            require(acting_user, Action.EDIT, agreement, visible_with=Action.VIEW_PRIVATE)
        name = agreement.file.name if agreement.file else ""
        storage = agreement.file.storage
        record(
            actor=actor(acting_user),
            action="partnerships.agreement.removed",
            target=agreement,
            data={"partnership": partnership.pk, "kind": agreement.kind, "title": agreement.title, "file": name},
            hromada=partnership.hromada,
        )
        agreement.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def programme_partner_organisations(programme: Programme) -> list[Organisation]:
    """Organisations that may be partners in ``programme`` (for forms' selects)."""
    return list(
        Organisation.objects.filter(programmes=programme, kind__in=PARTNER_KINDS).order_by("name_uk").distinct()
    )


__all__ = [
    "PARTNER_KINDS",
    "TRANSITIONS",
    "agreement_add",
    "agreement_remove",
    "allowed_next",
    "partnership_create",
    "partnership_transition",
    "partnership_update",
    "places_left",
    "programme_partner_organisations",
]
