"""A hromada's needs for partner expertise, derived when read so they never go stale.

Three sources, each kept as its own row (the matching engine merges the same theme across sources):

1. ``assessment``: the hromada's latest validated assessment (in any programme). Every dimension that
   scores under its round's training threshold becomes a need for every active theme answering that
   dimension; severity = 1 − score/100.
2. ``project``: the programme's project ideas of the hromada flagged as seeking partner expertise (and
   still alive: not cancelled, refused, completed or evaluated); their assessment dimensions map to
   themes; severity from that dimension's latest validated score when known, else 0.5.
3. ``manual``: open ``Need`` rows typed by hand; severity low/medium/high = 1/3, 2/3, 1.

``needs_for`` reads any number of hromadas in a constant number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from vidnova.assessments.models import Assessment, AssessmentState, DimensionResult, Round
from vidnova.assessments.selectors.needs import dimension_labels
from vidnova.partnerships.models import HromadaPartnerProfile, Need, NeedStatus, Theme
from vidnova.programmes.models import Phase, Programme
from vidnova.projects.models import Project, ProjectState
from vidnova.registry.models import Hromada

SOURCE_ASSESSMENT = "assessment"
SOURCE_PROJECT = "project"
SOURCE_MANUAL = "manual"
SOURCES = (SOURCE_ASSESSMENT, SOURCE_PROJECT, SOURCE_MANUAL)
MANUAL_SEVERITY = {1: 1 / 3, 2: 2 / 3, 3: 1.0}
UNKNOWN_SCORE_SEVERITY = 0.5
# Project ideas in these states no longer look for partners.
CLOSED_PROJECT_STATES = (
    ProjectState.CANCELLED.value,
    ProjectState.REFUSED.value,
    ProjectState.COMPLETION.value,
    ProjectState.EX_POST_EVALUATED.value,
)


@dataclass(frozen=True)
class HromadaNeed:
    theme: Theme
    severity: float  # 0..1
    source: str  # "assessment" | "project" | "manual"
    facts: dict[str, Any] = field(default_factory=dict)
    need: Need | None = None


def _severity_from_score(score: Decimal | float) -> float:
    return round(min(max(1.0 - float(score) / 100.0, 0.0), 1.0), 4)


def _label_dict(label: Mapping[str, str] | None, name: str) -> dict[str, str]:
    label = label or {}
    fallback = label.get("en") or label.get("uk") or name
    return {language: label.get(language) or fallback for language in ("uk", "en", "nl")}


def programme_hromadas(programme: Programme, phase: Phase | None = None) -> QuerySet[Hromada]:
    """The hromadas taking part in ``programme`` (in ``phase`` when given), distinct, by name."""
    queryset = Hromada.objects.filter(participations__phase__programme=programme)
    if phase is not None:
        queryset = queryset.filter(participations__phase=phase)
    return queryset.select_related("oblast").distinct().order_by("name_sort", "katottg")


def themes_by_dimension(themes: Iterable[Theme]) -> dict[str, list[Theme]]:
    found: dict[str, list[Theme]] = defaultdict(list)
    for theme in themes:
        for dimension in theme.dimensions or []:
            found[dimension].append(theme)
    return found


def needs_for(programme: Programme, hromadas: Sequence[Hromada]) -> dict[int, list[HromadaNeed]]:
    """Every hromada's needs (keys: hromada ids, each list strongest first) in six queries whatever
    the number of hromadas."""
    ids = list(dict.fromkeys(h.pk for h in hromadas))
    result: dict[int, list[HromadaNeed]] = {pk: [] for pk in ids}
    if not ids:
        return result
    themes = list(Theme.objects.filter(is_active=True))
    theme_of_dimension = themes_by_dimension(themes)

    # The latest validated assessment of each hromada (any programme).
    latest: dict[int, tuple[int, int, Any]] = {}  # hromada id -> (assessment id, round id, validated_at)
    for assessment_id, hromada_id, round_id, validated_at in (
        Assessment.objects.filter(hromada_id__in=ids, state=AssessmentState.VALIDATED)
        .order_by("hromada_id", "-validated_at", "-pk")
        .values_list("pk", "hromada_id", "round_id", "validated_at")
    ):
        latest.setdefault(hromada_id, (assessment_id, round_id, validated_at))
    rounds = {
        round_.pk: round_
        for round_ in Round.objects.filter(pk__in={value[1] for value in latest.values()}).select_related(
            "instrument_version"
        )
    }
    labels = {pk: dimension_labels(round_.instrument_version.definition) for pk, round_ in rounds.items()}
    scores: dict[int, dict[str, Decimal]] = defaultdict(dict)  # assessment id -> dimension -> score
    for assessment_id, dimension, normalised in DimensionResult.objects.filter(
        assessment_id__in=[value[0] for value in latest.values()], normalised__isnull=False
    ).values_list("assessment_id", "dimension", "normalised"):
        if normalised is not None:
            scores[assessment_id][dimension] = normalised

    for hromada_id, (assessment_id, round_id, validated_at) in latest.items():
        round_ = rounds[round_id]
        threshold = round_.training_threshold
        for dimension, score in sorted(scores[assessment_id].items(), key=lambda item: (item[1], item[0])):
            if score >= threshold:
                continue
            facts = {
                "dimension": dimension,
                "dimension_label": _label_dict(labels[round_id].get(dimension), dimension),
                "score": float(score),
                "threshold": float(threshold),
                "assessment_id": assessment_id,
                "validated_on": timezone.localtime(validated_at).date().isoformat() if validated_at else None,
            }
            for theme in theme_of_dimension.get(dimension, []):
                result[hromada_id].append(
                    HromadaNeed(
                        theme=theme, severity=_severity_from_score(score), source=SOURCE_ASSESSMENT, facts=dict(facts)
                    )
                )

    # Project ideas seeking partner expertise.
    for project_id, hromada_id, code, title_uk, title_en, dimensions in (
        Project.objects.filter(programme=programme, hromada_id__in=ids, seeks_partner_expertise=True)
        .exclude(state__in=CLOSED_PROJECT_STATES)
        .order_by("hromada_id", "code")
        .values_list("pk", "hromada_id", "code", "title_uk", "title_en", "assessment_dimensions")
    ):
        hromada_scores = scores.get(latest[hromada_id][0], {}) if hromada_id in latest else {}
        seen: dict[int, HromadaNeed] = {}
        for dimension in dimensions or []:
            known = hromada_scores.get(dimension)
            severity = _severity_from_score(known) if known is not None else UNKNOWN_SCORE_SEVERITY
            for theme in theme_of_dimension.get(dimension, []):
                previous = seen.get(theme.pk)
                if previous is not None and previous.severity >= severity:
                    continue
                seen[theme.pk] = HromadaNeed(
                    theme=theme,
                    severity=severity,
                    source=SOURCE_PROJECT,
                    facts={
                        "project_id": project_id,
                        "project_code": code,
                        "project_title": title_uk,
                        "project_title_en": title_en,
                        "dimension": dimension,
                        "score": float(known) if known is not None else None,
                    },
                )
        result[hromada_id].extend(seen.values())

    # Needs typed by hand.
    for need in (
        Need.objects.filter(programme=programme, hromada_id__in=ids, status=NeedStatus.OPEN)
        .select_related("theme")
        .order_by("hromada_id", "-severity", "pk")
    ):
        result[need.hromada_id].append(
            HromadaNeed(
                theme=need.theme,
                severity=MANUAL_SEVERITY.get(need.severity, 2 / 3),
                source=SOURCE_MANUAL,
                facts={"need_id": need.pk, "severity_level": need.severity, "description": need.description},
                need=need,
            )
        )

    source_order = {source: index for index, source in enumerate(SOURCES)}
    for needs in result.values():
        needs.sort(key=lambda n: (-n.severity, n.theme.field, n.theme.sort_order, n.theme.code, source_order[n.source]))
    return result


def needs_of(programme: Programme, hromada: Hromada) -> list[HromadaNeed]:
    return needs_for(programme, [hromada])[hromada.pk]


def default_profile(programme: Programme, hromada: Hromada) -> HromadaPartnerProfile:
    return HromadaPartnerProfile(
        programme=programme, hromada=hromada, seeks_partner=True, languages=["uk"], preferred_modes=[], note=""
    )


def profile_of(programme: Programme, hromada: Hromada) -> HromadaPartnerProfile:
    """The saved profile, or an unsaved default (seeks a partner, works in Ukrainian, any mode)."""
    saved = HromadaPartnerProfile.objects.filter(programme=programme, hromada=hromada).first()
    return saved or default_profile(programme, hromada)


def profiles_for(programme: Programme, hromadas: Sequence[Hromada]) -> dict[int, HromadaPartnerProfile]:
    by_id = {hromada.pk: hromada for hromada in hromadas}
    saved = {
        profile.hromada_id: profile
        for profile in HromadaPartnerProfile.objects.filter(programme=programme, hromada_id__in=list(by_id))
    }
    return {pk: saved.get(pk) or default_profile(programme, hromada) for pk, hromada in by_id.items()}
