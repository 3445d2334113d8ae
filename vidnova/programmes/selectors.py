"""Reads of programmes and organisations for pages, the API and exports.

Programmes and organisations are public; what a user may *do* is decided in vidnova.accounts.access.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vidnova.programmes.models import Field, Organisation, OrganisationKind, Participation, Phase, Programme
from vidnova.registry.models import CodifierUnit, Hromada, SecurityStatus, search_key
from vidnova.registry.selectors import security_status_as_of

_KATOTTG = re.compile(r"^UA\d{17}$")
# Words people add to a hromada's name that the registry does not carry.
_NAME_SUFFIXES = ("територіальна громада", "громада", "тг", "territorial hromada", "hromada")


def _language() -> str:
    return (get_language() or "uk")[:2]


def programmes() -> QuerySet[Programme]:
    """Every programme with its phases (each annotated with ``participant_count``) and fields, and
    ``participant_count`` / ``phase_count`` on the programme (distinct hromadas over all phases)."""
    return (
        Programme.objects.annotate(
            participant_count=Count("phases__participations__hromada", distinct=True),
            phase_count=Count("phases", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "phases",
                queryset=Phase.objects.annotate(participant_count=Count("participations")).order_by("number"),
            ),
            Prefetch("fields", queryset=Field.objects.order_by("number")),
        )
        .order_by("name_uk")
    )


def programme_by_slug(slug: str) -> QuerySet[Programme]:
    """A queryset holding the programme with ``slug`` (for access.get_for_user)."""
    return programmes().filter(slug=slug)


@dataclass(frozen=True)
class Participant:
    participation: Participation
    hromada: Hromada
    status: str | None  # SecurityStatus value in force today, None when none is recorded

    @property
    def oblast_name(self) -> str:
        oblast = self.hromada.oblast
        if _language() == "uk":
            return oblast.name_uk
        return oblast.name_en or oblast.name_latin

    @property
    def status_label(self) -> str:
        if self.status is None:
            return str(_("no status recorded"))
        return str(SecurityStatus(self.status).label)


@dataclass(frozen=True)
class PhaseParticipants:
    phase: Phase
    participants: list[Participant] = field(default_factory=list)


def participants_by_phase(programme: Programme, *, as_of: datetime.date | None = None) -> list[PhaseParticipants]:
    """The programme's phases in order, each with its hromadas (oblast and security status as of
    ``as_of``, default today), sorted by hromada name. Three queries however many hromadas take part."""
    day = as_of or timezone.localdate()
    hromadas = Hromada.objects.select_related("oblast").annotate(current_status=security_status_as_of(day))
    participations = (
        Participation.objects.filter(phase__programme=programme)
        .prefetch_related(Prefetch("hromada", queryset=hromadas))
        .order_by("hromada__name_sort", "hromada__katottg")
    )
    by_phase: dict[int, list[Participant]] = {}
    for participation in participations:
        hromada = participation.hromada
        by_phase.setdefault(participation.phase_id, []).append(
            Participant(participation=participation, hromada=hromada, status=getattr(hromada, "current_status", None))
        )
    return [
        PhaseParticipants(phase=phase, participants=by_phase.get(phase.pk, []))
        for phase in Phase.objects.filter(programme=programme).order_by("number")
    ]


@dataclass(frozen=True)
class OrganisationGroup:
    kind: str
    label: str
    organisations: list[Organisation]


def organisations_by_kind(programme: Programme) -> list[OrganisationGroup]:
    """The programme's organisations grouped by kind, in the order of OrganisationKind, names sorted
    in the current language."""
    groups: dict[str, list[Organisation]] = {}
    queryset = programme.organisations.select_related("dutch_municipality", "hromada")
    for organisation in sorted(queryset, key=lambda o: o.name.casefold()):
        groups.setdefault(organisation.kind, []).append(organisation)
    return [
        OrganisationGroup(kind=kind.value, label=str(kind.label), organisations=groups[kind.value])
        for kind in OrganisationKind
        if kind.value in groups
    ]


def organisation_by_id(organisation_id: int) -> QuerySet[Organisation]:
    """A queryset holding one organisation with what its profile shows (for access.get_for_user)."""
    return (
        Organisation.objects.filter(pk=organisation_id)
        .select_related("hromada", "hromada__oblast", "dutch_municipality")
        .prefetch_related(Prefetch("programmes", queryset=Programme.objects.order_by("name_uk")))
    )


def find_hromada(text: str) -> Hromada:
    """The hromada a person means by ``text``: its KATOTTG code, or its exact name (Ukrainian,
    Latin or English, any case, with or without the word "громада").

    Raises ValidationError with a message that says how to fix the input.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValidationError(
            _("Enter the KATOTTG code of the hromada (UA followed by 17 digits) or its exact name."),
            code="required",
        )
    code = cleaned.upper().replace(" ", "")
    if code.startswith("UA") and code[2:].isdigit():
        return _hromada_by_code(code)

    key = search_key(cleaned)
    for suffix in _NAME_SUFFIXES:
        if key.endswith(" " + suffix):
            key = key.removesuffix(" " + suffix)
            break
    first_word = key.split()[0]
    candidates = Hromada.objects.filter(
        Q(search_text__contains=first_word) | Q(name_en__iexact=cleaned)
    ).select_related("oblast", "raion")
    matches = [
        hromada
        for hromada in candidates
        if key in {search_key(hromada.name_uk), search_key(hromada.name_latin), search_key(hromada.name_en)}
    ]
    if not matches:
        raise ValidationError(
            _(
                "No hromada is called “%(name)s”. Check the spelling, or find the hromada in the "
                "registry and enter its KATOTTG code."
            ),
            code="not_found",
            params={"name": cleaned},
        )
    if len(matches) > 1:
        choices = "; ".join(
            f"{hromada.name_uk} ({hromada.oblast.name_uk}, {hromada.raion.name_uk}): {hromada.katottg}"
            for hromada in sorted(matches, key=lambda h: h.katottg)
        )
        raise ValidationError(
            _("%(count)s hromadas are called “%(name)s”: %(choices)s. Enter the KATOTTG code of the one you mean."),
            code="ambiguous",
            params={"count": len(matches), "name": cleaned, "choices": choices},
        )
    return matches[0]


def _hromada_by_code(code: str) -> Hromada:
    if not _KATOTTG.match(code):
        raise ValidationError(
            _("A KATOTTG code is “UA” followed by 17 digits; “%(code)s” has %(digits)s digits."),
            code="invalid_code",
            params={"code": code, "digits": len(code) - 2},
        )
    hromada = Hromada.objects.filter(katottg=code).first()
    if hromada is not None:
        return hromada
    unit = CodifierUnit.objects.filter(katottg=code).select_related("hromada").first()
    if unit is not None and unit.hromada is not None:
        raise ValidationError(
            _(
                "%(code)s is the code of %(unit)s, not of a hromada. It lies in the hromada %(hromada)s, "
                "whose code is %(hromada_code)s."
            ),
            code="not_a_hromada",
            params={
                "code": code,
                "unit": str(unit),
                "hromada": unit.hromada.name_uk,
                "hromada_code": unit.hromada.katottg,
            },
        )
    if unit is not None:
        raise ValidationError(
            _("%(code)s is the code of %(unit)s, not of a hromada. Enter the code of a hromada."),
            code="not_a_hromada",
            params={"code": code, "unit": str(unit)},
        )
    raise ValidationError(
        _("No hromada has the KATOTTG code %(code)s. Check the code against the registry."),
        code="unknown_code",
        params={"code": code},
    )
