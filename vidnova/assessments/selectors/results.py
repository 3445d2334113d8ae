"""Reads for the validation page and a hromada's results page.

``review_items`` lists every relevant question of an assessment with its answer shown as the
reader's language labels it, the comment, the evidence and the open validator comments.
``hromada_results`` gathers the assessments of a hromada that a person may see: the scores of the
latest *validated* one per dimension and field (weakest dimension first, with maturity levels and a
bar chart drawn on the server), baseline against later rounds, and the unvalidated ones marked as
such (their scores are not results yet).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.assessments import answers as answer_rules
from vidnova.assessments import scoring
from vidnova.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    Evidence,
    ReturnNote,
    RoundKind,
)
from vidnova.assessments.services.scores import form_of
from vidnova.registry.models import Hromada

KIND_ORDER = {RoundKind.BASELINE.value: 0, RoundKind.MIDLINE.value: 1, RoundKind.ENDLINE.value: 2}


# --- review --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    name: str
    url: str
    is_file: bool
    description: str


@dataclass
class ReviewItem:
    name: str
    label: str
    value: str
    shown: str  # the answer as the reader's language labels it
    points: str | None
    comment: str
    evidence: list[EvidenceItem]
    open_notes: list[ReturnNote]
    required: bool


@dataclass
class ReviewGroup:
    name: str
    label: str
    items: list[ReviewItem] = field(default_factory=list)


def evidence_url(evidence: Evidence) -> str:
    """Where to open a piece of evidence: the download page for files (access checked there), the
    link itself otherwise."""
    if evidence.url:
        return evidence.url
    try:
        return reverse("assessments:evidence-download", kwargs={"pk": evidence.pk})
    except NoReverseMatch:  # the filling-in pages are not installed
        return ""


def shown_value(form: answer_rules.Form, question: Mapping[str, Any], value: str, language: str | None) -> str:
    if not value:
        return ""
    if question["type"] in scoring.SCORED_TYPES:
        labels = {
            c["name"]: answer_rules.text_in_language(c.get("label"), language, c["name"])
            for c in form.choices(question)
        }
        names = value.split() if question["type"] == "select_multiple" else [value]
        return "; ".join(labels.get(name, name) for name in names)
    return value


def _points(form: answer_rules.Form, question: Mapping[str, Any], value: str) -> str | None:
    if not question.get("scored") or not value:
        return None
    scores = {c["name"]: c.get("score") for c in form.choices(question)}
    names = value.split() if question["type"] == "select_multiple" else [value]
    found = [str(scores[name]) for name in names if scores.get(name) not in (None, "")]
    return " + ".join(found) if found else None


def review_items(assessment: Assessment, *, language: str | None = None) -> list[ReviewGroup]:
    """The relevant answerable questions of ``assessment`` in form order, grouped by their group."""
    version = assessment.round.instrument_version
    form = form_of(version)
    answers = {
        a.question: a
        for a in Answer.objects.filter(assessment=assessment).prefetch_related("evidence").order_by("question")
    }
    values = {name: a.value for name, a in answers.items()}
    _kept, relevant = scoring.applicable_answers(form.prepared, values)
    notes: dict[str, list[ReturnNote]] = {}
    for note in ReturnNote.objects.filter(assessment=assessment, resolved_at__isnull=True):
        notes.setdefault(note.question, []).append(note)
    group_labels = {g["name"]: g.get("label") or {} for g in version.definition.get("groups") or ()}
    groups: dict[str, ReviewGroup] = {}
    for question in form.answerable():
        name = question["name"]
        if name not in relevant:
            continue
        group_name = question.get("group") or ""
        group = groups.get(group_name)
        if group is None:
            group = groups[group_name] = ReviewGroup(
                name=group_name,
                label=answer_rules.text_in_language(group_labels.get(group_name), language, group_name),
            )
        answer = answers.get(name)
        value = answer.value if answer else ""
        group.items.append(
            ReviewItem(
                name=name,
                label=answer_rules.question_label(question, language),
                value=value,
                shown=shown_value(form, question, value, language),
                points=_points(form, question, value),
                comment=answer.comment if answer else "",
                evidence=[
                    EvidenceItem(
                        name=e.file_name or e.url, url=evidence_url(e), is_file=bool(e.file), description=e.description
                    )
                    for e in (answer.evidence.all() if answer else ())
                ],
                open_notes=notes.get(name, []),
                required=bool(question.get("required")),
            )
        )
    return list(groups.values())


def question_names(assessment: Assessment) -> set[str]:
    return set(form_of(assessment.round.instrument_version).questions)


# --- scores --------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@dataclass(frozen=True)
class DimensionRow:
    name: str
    label: str
    field: int
    normalised: Decimal | None
    raw: Decimal | None
    maturity_level: int | None
    maturity_label: Promise | None
    completeness: Decimal | None


@dataclass(frozen=True)
class FieldRow:
    field: int
    name: Promise | str
    normalised: Decimal | None
    maturity_level: int | None
    maturity_label: Promise | None
    completeness: Decimal | None


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    y: int
    width: Decimal  # in chart units (0–CHART_WIDTH)
    field: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    label_width: int = 0
    bar_height: int = 18
    width: int = 0
    plot_width: int = 0
    ticks: tuple[tuple[int, Decimal], ...] = ()


LABEL_WIDTH = 340
PLOT_WIDTH = 400
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 24


def bar_chart(rows: Sequence[DimensionRow | FieldRow]) -> Chart:
    """Horizontal bars of normalised scores (0–100), one per row, drawn as SVG attributes."""
    bars = []
    for index, row in enumerate(rows):
        value = row.normalised
        width = (value / 100 * PLOT_WIDTH).quantize(Decimal("0.1")) if value is not None else Decimal(0)
        label = row.label if isinstance(row, DimensionRow) else str(row.name)
        bars.append(Bar(label=label, value=value, y=TOP + index * ROW_HEIGHT, width=width, field=row.field))
    ticks = tuple((LABEL_WIDTH + PLOT_WIDTH * t // 100, Decimal(t)) for t in (0, 25, 50, 75, 100))
    return Chart(
        bars=bars,
        height=TOP + len(bars) * ROW_HEIGHT + 4,
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        width=LABEL_WIDTH + PLOT_WIDTH + 60,
        plot_width=PLOT_WIDTH,
        ticks=ticks,
    )


def dimension_rows(assessment: Assessment, *, language: str | None = None) -> list[DimensionRow]:
    """The assessment's dimension scores, weakest first (unscored dimensions last, in form order)."""
    labels = {
        g["name"]: g.get("label") or {} for g in assessment.round.instrument_version.definition.get("groups") or ()
    }
    rows = []
    for d in (assessment.scores or {}).get("dimensions") or ():
        scale_max = _decimal(d.get("scale_max"))
        level = d.get("maturity_level")
        rows.append(
            DimensionRow(
                name=d["name"],
                label=answer_rules.text_in_language(labels.get(d["name"]), language, d["name"]),
                field=int(d.get("field") or 0),
                normalised=_decimal(d.get("normalised")),
                raw=_decimal(d.get("raw")),
                maturity_level=level,
                maturity_label=scoring.maturity_label(level, scale_max),
                completeness=_decimal(d.get("completeness")),
            )
        )
    scored = sorted((r for r in rows if r.normalised is not None), key=lambda r: (r.normalised, r.name))
    return scored + [r for r in rows if r.normalised is None]


def field_rows(assessment: Assessment) -> list[FieldRow]:
    rows = []
    for f in (assessment.scores or {}).get("fields") or ():
        number = int(f["field"])
        level = f.get("maturity_level")
        rows.append(
            FieldRow(
                field=number,
                name=scoring.FIELD_NAMES.get(number, str(number)),
                normalised=_decimal(f.get("normalised")),
                maturity_level=level,
                maturity_label=scoring.maturity_label(level, _decimal(f.get("scale_max"))),
                completeness=_decimal(f.get("completeness")),
            )
        )
    return rows


@dataclass(frozen=True)
class ComparisonCell:
    value: Decimal | None
    difference: Decimal | None


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    baseline: Decimal | None
    later: list[ComparisonCell]


@dataclass(frozen=True)
class Comparison:
    baseline: Assessment
    later: list[Assessment]
    rows: list[ComparisonRow]


def _round_order(assessment: Assessment) -> tuple[int, Any, int]:
    return (KIND_ORDER.get(assessment.round.kind, 9), assessment.round.opens_on, assessment.pk)


def comparison(validated: Sequence[Assessment], *, language: str | None = None) -> Comparison | None:
    """Baseline against the later rounds of the same programme (validated assessments only): per
    dimension the score of each round and its difference from the baseline."""
    if len(validated) < 2:
        return None
    ordered = sorted(validated, key=_round_order)
    baseline, later = ordered[0], ordered[1:]
    later = [a for a in later if a.round.programme_id == baseline.round.programme_id]
    if not later:
        return None
    base_rows = {r.name: r for r in dimension_rows(baseline, language=language)}
    later_rows = [{r.name: r for r in dimension_rows(a, language=language)} for a in later]
    rows = []
    for name, base in sorted(base_rows.items(), key=lambda item: item[1].label):
        cells = []
        for scores in later_rows:
            value = scores[name].normalised if name in scores else None
            difference = value - base.normalised if value is not None and base.normalised is not None else None
            cells.append(ComparisonCell(value=value, difference=difference))
        rows.append(ComparisonRow(label=base.label, baseline=base.normalised, later=cells))
    return Comparison(baseline=baseline, later=later, rows=rows)


@dataclass
class HromadaResults:
    hromada: Hromada
    assessments: list[Assessment]  # every visible one, newest round first
    latest: Assessment | None  # the latest validated one
    dimensions: list[DimensionRow]
    fields: list[FieldRow]
    dimension_chart: Chart | None
    field_chart: Chart | None
    comparison: Comparison | None
    pending: list[Assessment]  # visible but not validated yet


def visible_assessments(user: AnyUser, hromada: Hromada) -> list[Assessment]:
    """The hromada's assessments that ``user`` may see (the assessment rule decides), newest first."""
    candidates = (
        Assessment.objects.filter(hromada=hromada)
        .select_related("round__programme", "round__instrument_version__instrument", "hromada")
        .order_by("-round__opens_on", "-pk")
    )
    return [a for a in candidates if access.can(user, Action.VIEW, a)]


def hromada_results(hromada: Hromada, assessments: list[Assessment], *, language: str | None = None) -> HromadaResults:
    validated = [a for a in assessments if a.state == AssessmentState.VALIDATED]
    latest = max(validated, key=lambda a: (a.validated_at is not None, a.validated_at, a.pk), default=None)
    dimensions = dimension_rows(latest, language=language) if latest else []
    fields = field_rows(latest) if latest else []
    return HromadaResults(
        hromada=hromada,
        assessments=assessments,
        latest=latest,
        dimensions=dimensions,
        fields=fields,
        dimension_chart=bar_chart(dimensions) if dimensions else None,
        field_chart=bar_chart(fields) if fields else None,
        comparison=comparison(validated, language=language),
        pending=[a for a in assessments if a.state != AssessmentState.VALIDATED],
    )
