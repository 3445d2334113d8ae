"""Scores of an assessment, computed from a compiled instrument definition and the answers.

Pure functions: no database, no request, no clock. The definition is the JSON stored in
``InstrumentVersion.definition`` (see ``xlsform.compile_xlsform``); the answers are a mapping from
question name to the value as the form stores it (choice names, numbers as strings, the choices of a
``select_multiple`` separated by spaces). The rules are those of docs/assessment-xlsform.md, section 6:

- Only **scored** questions (those with a ``field``) count, and only ``select_one`` / ``select_multiple``
  can be scored. ``select_one``: points = the chosen choice's score; its maximum = the highest score in
  the list. ``select_multiple``: points = min(sum of the ticked choices' scores, ``max``); its maximum =
  ``max``, or the sum of the positive scores of the list.
- **Relevance** is evaluated on the final answers (``expressions.relevant``), in form order, and the
  answer of a question that is not relevant is dropped before later questions are evaluated (as ODK
  drops non-relevant values). A non-relevant question is out of both the points and the maximum.
- A relevant question **without an answer** is out of the points and the maximum as well, but lowers
  the completeness.
- **Dimension** (the nearest group holding scored questions): points = Σ wᵢ·sᵢ, maximum points =
  Σ wᵢ·m; raw = points / Σ wᵢ (the weighted mean level on the dimension's own 0…m scale); normalised =
  points / maximum points × 100. A dimension has one scale (an import rule); a hand-built definition
  that mixes scales in one dimension raises ``ScoringError`` rather than adding them up.
- **Maturity level** = the whole part of the raw score as reported (2 decimals): a dimension at 2.99
  has level 2, one reported as 3.00 has level 3. On a 0–4 scale the level carries the generic anchors
  of the ``maturity`` list (``MATURITY_LEVELS``); on another scale it is a number without a label.
- **Field** (1–3): normalised = Σ W_d·normalised_d / Σ W_d over the field's dimensions that have a
  score (W_d the dimension weight); raw and maturity level only when all those dimensions share one
  scale, otherwise ``None`` (never mixing scales).
- **Completeness** = answered relevant scored questions / relevant scored questions × 100, per
  dimension, per field and overall (the doc's definition, used by selection gates). The overall
  ``required_completeness`` counts every relevant ``required`` question instead (scored or not, notes
  excluded): the share of the form that still has to be filled in.

All reported numbers are ``Decimal`` with two places, rounded half up; sums are exact, quotients
are carried to 40 digits, and each reported number is rounded once, at the end (a field's mean uses
its dimensions' unrounded scores). ``prepare(definition)`` indexes a definition once; pass its result
to ``score`` to score a whole cohort of one instrument.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vidnova.assessments import expressions

__all__ = [
    "MATURITY_LEVELS",
    "AssessmentScore",
    "DimensionScore",
    "FieldScore",
    "PreparedDefinition",
    "ScoringError",
    "applicable_answers",
    "maturity_label",
    "prepare",
    "score",
    "training_needs",
    "weakest_dimensions",
]

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)
# Sums of products of the definition's decimal numbers are exact at this precision; quotients are
# carried to 40 significant digits and rounded to two places once, at the end.
EXACT = Context(prec=40)
SCORED_TYPES = frozenset({"select_one", "select_multiple"})

# The generic anchors of the default instrument's ``maturity`` list (0–4 scale); the level of a
# dimension or field is the whole part of its raw score.
MATURITY_LEVELS: dict[int, Promise] = {
    0: _("Absent"),
    1: _("Ad hoc"),
    2: _("Defined"),
    3: _("Implemented"),
    4: _("Evaluated and improved"),
}
MATURITY_SCALE_MAX = Decimal(4)

FIELD_NAMES: dict[int, Promise] = {
    1: _("Safety, security and resilience"),
    2: _("Local economic development and project management"),
    3: _("Decentralisation and democratisation during wartime"),
}


class ScoringError(ValueError):
    """The definition cannot be scored (for example a dimension that mixes scales)."""


@dataclass(frozen=True, slots=True)
class DimensionScore:
    name: str
    field: int
    label: Mapping[str, str]
    weight: Decimal
    scale_max: Decimal | None  # None when the dimension has no scored question with a maximum
    points: Decimal  # Σ wᵢ·sᵢ over the relevant, answered scored questions
    max_points: Decimal  # Σ wᵢ·m over the same questions
    raw: Decimal | None  # None: not applicable or nothing answered yet
    normalised: Decimal | None
    maturity_level: int | None
    questions: int  # scored questions of the dimension in the form
    applicable: int  # … of which relevant
    answered: int  # … of which relevant and answered
    completeness: Decimal | None  # None when no question is applicable
    exact_raw: Decimal | None = dataclasses.field(default=None, repr=False, compare=False)  # unrounded
    exact_normalised: Decimal | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def has_score(self) -> bool:
        return self.normalised is not None

    @property
    def is_applicable(self) -> bool:
        return self.applicable > 0

    @property
    def maturity_label(self) -> Promise | None:
        return maturity_label(self.maturity_level, self.scale_max)


@dataclass(frozen=True, slots=True)
class FieldScore:
    field: int
    dimensions: tuple[str, ...]  # the field's dimensions that have a score (counted in the mean)
    raw: Decimal | None  # None when nothing is scored or the counted dimensions' scales differ
    normalised: Decimal | None
    scale_max: Decimal | None
    maturity_level: int | None
    questions: int
    applicable: int
    answered: int
    completeness: Decimal | None

    @property
    def name(self) -> Promise | None:
        return FIELD_NAMES.get(self.field)

    @property
    def maturity_label(self) -> Promise | None:
        return maturity_label(self.maturity_level, self.scale_max)


@dataclass(frozen=True, slots=True)
class AssessmentScore:
    dimensions: tuple[DimensionScore, ...]  # in form order
    fields: tuple[FieldScore, ...]  # by field number, only fields the instrument uses
    questions: int  # scored questions in the form
    applicable: int
    answered: int
    completeness: Decimal | None
    required_applicable: int
    required_answered: int
    required_completeness: Decimal | None

    def dimension(self, name: str) -> DimensionScore:
        for dimension in self.dimensions:
            if dimension.name == name:
                return dimension
        raise KeyError(name)

    def field(self, number: int) -> FieldScore:
        for field_score in self.fields:
            if field_score.field == number:
                return field_score
        raise KeyError(number)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (decimals as strings), for storing or the API."""

        def number(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "dimensions": [
                {
                    "name": d.name,
                    "field": d.field,
                    "weight": number(d.weight),
                    "scale_max": number(d.scale_max),
                    "points": number(d.points),
                    "max_points": number(d.max_points),
                    "raw": number(d.raw),
                    "normalised": number(d.normalised),
                    "maturity_level": d.maturity_level,
                    "questions": d.questions,
                    "applicable": d.applicable,
                    "answered": d.answered,
                    "completeness": number(d.completeness),
                }
                for d in self.dimensions
            ],
            "fields": [
                {
                    "field": f.field,
                    "dimensions": list(f.dimensions),
                    "raw": number(f.raw),
                    "normalised": number(f.normalised),
                    "scale_max": number(f.scale_max),
                    "maturity_level": f.maturity_level,
                    "questions": f.questions,
                    "applicable": f.applicable,
                    "answered": f.answered,
                    "completeness": number(f.completeness),
                }
                for f in self.fields
            ],
            "questions": self.questions,
            "applicable": self.applicable,
            "answered": self.answered,
            "completeness": number(self.completeness),
            "required_applicable": self.required_applicable,
            "required_answered": self.required_answered,
            "required_completeness": number(self.required_completeness),
        }


# --- helpers -------------------------------------------------------------------------------------


def maturity_label(level: int | None, scale_max: Decimal | None) -> Promise | None:
    """The generic anchor of a maturity level on the 0–4 scale; ``None`` on other scales."""
    if level is None or scale_max != MATURITY_SCALE_MAX:
        return None
    return MATURITY_LEVELS.get(level)


def _number(value: Any, default: Decimal | None = None) -> Decimal | None:
    """An exact number from a definition value ("1.5", 2, None); ``default`` when blank or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return default
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return default
    return number if number.is_finite() else default


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal:
    """A quotient to 40 significant digits: rounded once, at the end, to two places."""
    with localcontext(EXACT):
        return numerator / denominator


def _percent(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else _round(_divide(Decimal(part) * HUNDRED, Decimal(whole)))


def _plain(value: Decimal) -> Decimal:
    """A whole number without decimals ("12", not "12.0"), anything else as computed."""
    return value.quantize(ONE) if value == value.to_integral_value() else value


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: Any) -> str:
    """An answer as the form stores it: lists of choices become space-separated strings."""
    if isinstance(value, list | tuple | set | frozenset):
        return " ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _normalise_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: (_as_text(value) if isinstance(value, list | tuple | set | frozenset) else value)
        for name, value in answers.items()
        if not _is_empty(value)
    }


# --- the definition, prepared once -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ScoredQuestion:
    name: str
    multiple: bool
    dimension: str
    field: int
    weight: Decimal
    scores: Mapping[str, Decimal]  # choice name → points (choices without a score are left out)
    maximum: Decimal


@dataclass(frozen=True, slots=True)
class _Question:
    name: str
    relevance: Mapping[str, Any] | None  # the question as expressions.relevant reads it
    required: bool
    scored: _ScoredQuestion | None


@dataclass(frozen=True, slots=True)
class PreparedDefinition:
    """What scoring needs from a definition, parsed once (reuse it to score a whole cohort)."""

    questions: tuple[_Question, ...]
    dimensions: tuple[str, ...]  # in form order
    dimension_labels: Mapping[str, Mapping[str, str]]
    dimension_weights: Mapping[str, Decimal]
    dimension_fields: Mapping[str, int]
    dimension_scales: Mapping[str, Decimal]


def prepare(definition: Mapping[str, Any]) -> PreparedDefinition:
    """Check and index a compiled definition for scoring; raises ``ScoringError`` if it cannot be scored."""
    lists: dict[str, dict[str, Decimal]] = {}
    for list_name, choices in (definition.get("choices") or {}).items():
        scores: dict[str, Decimal] = {}
        for choice in choices:
            value = _number(choice.get("score"))
            if value is not None:
                scores[str(choice["name"])] = value
        lists[list_name] = scores
    groups = {group["name"]: group for group in definition.get("groups", ())}

    questions: list[_Question] = []
    fields: dict[str, int] = {}
    scales: dict[str, Decimal] = {}
    for question in definition.get("questions", ()):
        name = question["name"]
        scored: _ScoredQuestion | None = None
        if _is_scored(question):
            dimension = question.get("dimension") or question.get("group")
            if not dimension:
                raise ScoringError(f"scored question {name!r} is outside every group")
            list_scores = lists.get(question.get("list") or "")
            if list_scores is None:
                raise ScoringError(f"scored question {name!r} uses an unknown choice list {question.get('list')!r}")
            multiple = question["type"] == "select_multiple"
            if multiple:
                cap = _number(question.get("max"))
                maximum = cap if cap is not None and cap > 0 else sum((s for s in list_scores.values() if s > 0), ZERO)
            else:
                maximum = max(list_scores.values(), default=ZERO)
            field_number = int(question["field"])
            if fields.setdefault(dimension, field_number) != field_number:
                raise ScoringError(f"dimension {dimension!r} mixes fields {fields[dimension]} and {field_number}")
            if scales.setdefault(dimension, maximum) != maximum:
                raise ScoringError(f"dimension {dimension!r} mixes the scales 0–{scales[dimension]} and 0–{maximum}")
            scored = _ScoredQuestion(
                name=name,
                multiple=multiple,
                dimension=dimension,
                field=field_number,
                weight=_number(question.get("weight"), ONE) or ONE,
                scores=list_scores,
                maximum=maximum,
            )
        questions.append(
            _Question(
                name=name,
                relevance=question if question.get("relevant") is not None else None,
                required=bool(question.get("required")) and question.get("type") != "note",
                scored=scored,
            )
        )
    dimensions = tuple(fields)  # insertion order = the order of their first scored question
    return PreparedDefinition(
        questions=tuple(questions),
        dimensions=dimensions,
        dimension_labels={name: groups.get(name, {}).get("label") or {} for name in dimensions},
        dimension_weights={name: _number(groups.get(name, {}).get("weight"), ONE) or ONE for name in dimensions},
        dimension_fields=fields,
        dimension_scales=scales,
    )


def _is_scored(question: Mapping[str, Any]) -> bool:
    if question.get("type") not in SCORED_TYPES:
        return False
    if "scored" in question:
        return bool(question["scored"])
    return question.get("field") not in (None, "")


def _relevant_and_kept(prepared: PreparedDefinition, answers: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    kept = _normalise_answers(answers)
    relevant: set[str] = set()
    for question in prepared.questions:
        if question.relevance is None or expressions.relevant(question.relevance, kept):
            relevant.add(question.name)
        else:
            kept.pop(question.name, None)
    return kept, relevant


def applicable_answers(
    definition: Mapping[str, Any] | PreparedDefinition, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    """The answers that count and the names of the relevant questions.

    Questions are visited in form order; a question whose ``relevant`` is false on the answers kept so
    far loses its answer, so a question depending on it sees it empty (the way ODK drops non-relevant
    values). A reference to a later question sees that question's answer as given.
    """
    prepared = definition if isinstance(definition, PreparedDefinition) else prepare(definition)
    return _relevant_and_kept(prepared, answers)


def _points(question: _ScoredQuestion, value: Any) -> Decimal | None:
    """The points of an answer; ``None`` when it holds no known choice (treated as unanswered)."""
    text = _as_text(value).strip()
    if question.multiple:
        ticked = [question.scores[token] for token in dict.fromkeys(text.split()) if token in question.scores]
        if not ticked:
            return None
        return min(sum(ticked, ZERO), question.maximum)
    return question.scores.get(text)


@dataclass(slots=True)
class _Tally:
    questions: int = 0
    applicable: int = 0
    answered: int = 0
    weights: Decimal = ZERO
    points: Decimal = ZERO
    max_points: Decimal = ZERO


# --- scoring -------------------------------------------------------------------------------------


def score(definition: Mapping[str, Any] | PreparedDefinition, answers: Mapping[str, Any]) -> AssessmentScore:
    """Score one assessment: dimensions, fields, completeness (see the module docstring).

    ``definition`` is the compiled definition or, to score many assessments of one instrument, the
    result of ``prepare(definition)``.
    """
    prepared = definition if isinstance(definition, PreparedDefinition) else prepare(definition)
    kept, relevant = _relevant_and_kept(prepared, answers)

    tallies = {name: _Tally() for name in prepared.dimensions}
    required_applicable = required_answered = 0
    for question in prepared.questions:
        is_relevant = question.name in relevant
        answer = kept.get(question.name)
        if question.required and is_relevant:
            required_applicable += 1
            required_answered += answer is not None
        scored = question.scored
        if scored is None:
            continue
        tally = tallies[scored.dimension]
        tally.questions += 1
        if not is_relevant:
            continue
        tally.applicable += 1
        points = None if answer is None else _points(scored, answer)
        if points is None:
            continue
        tally.answered += 1
        tally.weights += scored.weight
        tally.points += scored.weight * points
        tally.max_points += scored.weight * scored.maximum

    dimensions = tuple(_dimension_score(prepared, name, tally) for name, tally in tallies.items())
    fields = tuple(
        _field_score(number, [d for d in dimensions if d.field == number])
        for number in sorted({d.field for d in dimensions})
    )
    applicable = sum(d.applicable for d in dimensions)
    answered = sum(d.answered for d in dimensions)
    return AssessmentScore(
        dimensions=dimensions,
        fields=fields,
        questions=sum(d.questions for d in dimensions),
        applicable=applicable,
        answered=answered,
        completeness=_percent(answered, applicable),
        required_applicable=required_applicable,
        required_answered=required_answered,
        required_completeness=_percent(required_answered, required_applicable),
    )


def _dimension_score(prepared: PreparedDefinition, name: str, tally: _Tally) -> DimensionScore:
    exact_raw = exact_normalised = raw = normalised = None
    level = None
    if tally.weights > 0 and tally.max_points > 0:
        exact_raw = _divide(tally.points, tally.weights)
        exact_normalised = _divide(tally.points * HUNDRED, tally.max_points)
        raw = _round(exact_raw)
        normalised = _round(exact_normalised)
        level = int(raw)  # the whole part of the reported raw score (never negative)
    return DimensionScore(
        name=name,
        field=prepared.dimension_fields[name],
        label=prepared.dimension_labels[name],
        weight=_plain(prepared.dimension_weights[name]),
        scale_max=_plain(prepared.dimension_scales[name]),
        points=_plain(tally.points),
        max_points=_plain(tally.max_points),
        raw=raw,
        normalised=normalised,
        maturity_level=level,
        questions=tally.questions,
        applicable=tally.applicable,
        answered=tally.answered,
        completeness=_percent(tally.answered, tally.applicable),
        exact_raw=exact_raw,
        exact_normalised=exact_normalised,
    )


def _field_score(number: int, dimensions: Sequence[DimensionScore]) -> FieldScore:
    counted = [d for d in dimensions if d.exact_normalised is not None and d.exact_raw is not None]
    raw = normalised = scale_max = None
    level = None
    if counted:
        total = sum((d.weight for d in counted), ZERO)
        with localcontext(EXACT):
            normalised_sum = sum((d.weight * (d.exact_normalised or ZERO) for d in counted), ZERO)
            raw_sum = sum((d.weight * (d.exact_raw or ZERO) for d in counted), ZERO)
        normalised = _round(_divide(normalised_sum, total))
        scales = {d.scale_max for d in counted}
        if len(scales) == 1:
            scale_max = scales.pop()
            raw = _round(_divide(raw_sum, total))
            level = int(raw)
    applicable = sum(d.applicable for d in dimensions)
    answered = sum(d.answered for d in dimensions)
    return FieldScore(
        field=number,
        dimensions=tuple(d.name for d in counted),
        raw=raw,
        normalised=normalised,
        scale_max=scale_max,
        maturity_level=level,
        questions=sum(d.questions for d in dimensions),
        applicable=applicable,
        answered=answered,
        completeness=_percent(answered, applicable),
    )


# --- reading a score -----------------------------------------------------------------------------


def _scored_by_weakness(dimensions: Iterable[DimensionScore]) -> list[DimensionScore]:
    """Dimensions with a score, lowest normalised score first; ties keep the form order."""
    scored = [d for d in dimensions if d.normalised is not None]
    return sorted(scored, key=lambda d: d.normalised if d.normalised is not None else ZERO)


def weakest_dimensions(assessment: AssessmentScore, n: int = 3) -> list[DimensionScore]:
    """The ``n`` dimensions with the lowest normalised score (not-applicable ones left out)."""
    if n <= 0:
        return []
    return _scored_by_weakness(assessment.dimensions)[:n]


def training_needs(assessment: AssessmentScore, threshold: Decimal = Decimal("50")) -> list[DimensionScore]:
    """Dimensions whose normalised score is below ``threshold`` (0–100), weakest first.

    A dimension without a score (not applicable, or nothing answered yet) is not a training need.
    """
    return [
        d for d in _scored_by_weakness(assessment.dimensions) if d.normalised is not None and d.normalised < threshold
    ]
