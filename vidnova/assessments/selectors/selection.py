"""Reads of selection calls: the calls of a programme, the ranking with an explanation in words for
every hromada, the manual-score grid and the rows of the export. Pages, the API and the export share
these, so a hromada's explanation reads the same everywhere."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from vidnova.accounts import access
from vidnova.accounts.access import AnyUser
from vidnova.assessments.answers import text_in_language
from vidnova.assessments.models import (
    AssessmentState,
    Candidate,
    CriterionKind,
    ManualScore,
    Round,
    SelectionCall,
    SelectionCriterion,
)
from vidnova.assessments.services.scores import form_of
from vidnova.assessments.services.selection import (
    GATE_ASSESSMENT,
    GATE_COMPLETENESS,
    GATE_OBLAST,
    GATE_SECURITY,
    ranking_key,
)
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada, SecurityStatus


def calls_of(programme: Programme) -> QuerySet[SelectionCall]:
    return (
        SelectionCall.objects.filter(programme=programme)
        .select_related("round", "programme")
        .order_by("-created_at", "-pk")
    )


def calls_for_user(user: AnyUser) -> QuerySet[SelectionCall]:
    """The calls of every programme the user is staff of (all for superusers)."""
    queryset = SelectionCall.objects.select_related("round", "programme").order_by("-created_at", "-pk")
    if user.is_authenticated and user.is_active and user.is_superuser:
        return queryset
    return queryset.filter(programme_id__in=access.roles_of(user).programme_staff_of)


def call_queryset() -> QuerySet[SelectionCall]:
    return SelectionCall.objects.select_related(
        "programme", "round__instrument_version__instrument", "locked_by", "decided_by"
    ).prefetch_related("oblasts")


def rounds_of(programme: Programme) -> QuerySet[Round]:
    return Round.objects.filter(programme=programme).select_related("instrument_version").order_by("-opens_on", "-pk")


# --- numbers and words ---------------------------------------------------------------------------


def number(value: Any, places: int = 2) -> str:
    """A number in the interface language's format (1.25 / 1,25), rounded half up. Stored values have
    two decimals, so the default shows them exactly and the sums in an explanation add up."""
    if value is None or value == "":
        return "—"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(formats.number_format(rounded, decimal_pos=places))


def _date(value: str | datetime.date) -> str:
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return str(formats.date_format(day, "DATE_FORMAT"))


def _status_label(status: str | None) -> str:
    if status is None:
        return _("no status recorded")
    try:
        return str(SecurityStatus(status).label)
    except ValueError:
        return status


def _state_label(state: str) -> str:
    try:
        return str(AssessmentState(state).label)
    except ValueError:
        return state


def gate_text(gate: Mapping[str, Any]) -> str:
    """One gate in words, whether it passed or failed."""
    detail = gate.get("detail") or {}
    code = gate.get("gate")
    if code == GATE_SECURITY:
        values = {"date": _date(detail["date"]), "status": _status_label(detail.get("status"))}
        reason = detail.get("reason")
        if reason == "no_status":
            return _("no security status recorded on %(date)s (passes; check it)") % values
        if reason == "occupied":
            return _("temporarily occupied on %(date)s") % values
        if reason == "active_hostilities":
            return _("active hostilities on %(date)s, which this call excludes") % values
        return _("security status on %(date)s “%(status)s”") % values
    if code == GATE_OBLAST:
        if detail.get("all"):
            return _("every oblast is eligible")
        values = {"oblast": detail.get("oblast_name", "")}
        if gate.get("passed"):
            return _("%(oblast)s is in the list of oblasts") % values
        return _("%(oblast)s is not in the list of oblasts") % values
    if code == GATE_ASSESSMENT:
        state = _state_label(detail.get("state", ""))
        if detail.get("state") == AssessmentState.VALIDATED:
            return _("assessment validated")
        if gate.get("passed"):
            return _("assessment %(state)s (validation not required)") % {"state": state}
        return _("assessment %(state)s, not validated") % {"state": state}
    if code == GATE_COMPLETENESS:
        values = {"completeness": number(detail.get("completeness"), 0), "minimum": number(detail.get("minimum"), 0)}
        if detail.get("completeness") is None:
            return _("no scored answers yet (minimum %(minimum)s%% complete)") % values
        if gate.get("passed"):
            return _("%(completeness)s%% complete (minimum %(minimum)s%%)") % values
        return _("%(completeness)s%% complete, below the minimum of %(minimum)s%%") % values
    return str(code)


def _answer_label(round_: Round | None, question: str, answer: str) -> str:
    if round_ is None:
        return answer
    form = form_of(round_.instrument_version)
    definition = form.questions.get(question)
    if definition is None:
        return answer
    for choice in form.choices(definition):
        if choice.get("name") == answer:
            return text_in_language(choice.get("label"), default=answer)
    return answer


def criterion_text(score: Mapping[str, Any], round_: Round | None = None, name: str | None = None) -> str:
    """“Capacity gap 62.5 (100 − overall score 37.5) × weight 40% = 25.0”."""
    detail = score.get("detail") or {}
    kind = score.get("kind")
    if detail.get("missing"):
        source = _("no value: counted as 0")
    elif kind == CriterionKind.CAPACITY_GAP:
        source = _("100 − overall score %(score)s") % {"score": number(detail.get("overall"))}
    elif kind == CriterionKind.FIELD_GAP:
        source = _("100 − field %(field)s score %(score)s") % {
            "field": detail.get("field"),
            "score": number(detail.get("normalised")),
        }
    elif kind == CriterionKind.ANSWER_POINTS:
        label = _answer_label(round_, str(detail.get("question", "")), str(detail.get("answer", "")))
        if detail.get("no_points"):
            source = _("answer “%(answer)s” has no points: counted as 0") % {"answer": label}
        else:
            source = _("answer “%(answer)s”") % {"answer": label}
    else:
        source = _("coordinator's score: %(reason)s") % {"reason": detail.get("note", "")}
    return _("%(name)s %(value)s (%(source)s) × weight %(share)s%% = %(contribution)s") % {
        "name": name or score.get("name", score.get("code", "")),
        "value": number(score.get("value")),
        "source": source,
        "share": number(score.get("share"), 0),
        "contribution": number(score.get("contribution")),
    }


@dataclass
class RankedRow:
    candidate: Candidate
    gates: list[str]
    failed_gates: list[str]
    criteria: list[str]
    position: str
    notes: list[str] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        parts = []
        if self.candidate.eligible:
            parts.append(_("Eligible: %(gates)s.") % {"gates": "; ".join(self.gates)})
        else:
            parts.append(_("Not eligible: %(gates)s.") % {"gates": "; ".join(self.failed_gates)})
        if self.criteria:
            parts.append("; ".join(self.criteria) + ".")
        if self.position:
            parts.append(self.position)
        return " ".join(parts)


@dataclass
class Ranking:
    call: SelectionCall
    eligible: list[RankedRow]
    ineligible: list[RankedRow]

    @property
    def rows(self) -> list[RankedRow]:
        return [*self.eligible, *self.ineligible]


def _position(candidate: Candidate, ordered: Sequence[Candidate]) -> str:
    count = len(ordered)
    index = (candidate.rank or 1) - 1
    parts = [
        _("Total %(total)s, rank %(rank)s of %(count)s")
        % {
            "total": number(candidate.total),
            "rank": candidate.rank,
            "count": count,
        }
    ]
    if index + 1 < count:
        below = ordered[index + 1]
        gap = (candidate.total or Decimal(0)) - (below.total or Decimal(0))
        if gap > 0:
            parts.append(
                _("ahead of %(hromada)s by %(points)s points") % {"hromada": below.hromada, "points": number(gap)}
            )
        else:
            parts.append(_tie_reason(candidate, below))
    if index > 0:
        above = ordered[index - 1]
        gap = (above.total or Decimal(0)) - (candidate.total or Decimal(0))
        if gap > 0:
            parts.append(
                _("behind %(hromada)s by %(points)s points") % {"hromada": above.hromada, "points": number(gap)}
            )
    text = parts[0]
    if len(parts) > 1:
        text += ": " + "; ".join(parts[1:])
    return text + "."


def _overall(candidate: Candidate) -> Decimal | None:
    return candidate.assessment.overall_normalised if candidate.assessment is not None else None


def _tie_reason(candidate: Candidate, below: Candidate) -> str:
    mine, theirs = _overall(candidate), _overall(below)
    values = {"hromada": below.hromada}
    key_mine = ranking_key(candidate.total or Decimal(0), mine, candidate.hromada.katottg)
    key_theirs = ranking_key(below.total or Decimal(0), theirs, below.hromada.katottg)
    if key_mine[1] != key_theirs[1]:
        return _("tied with %(hromada)s on total, ahead because its overall assessment score is lower") % values
    return _("tied with %(hromada)s on total and overall score, ahead by KATOTTG code order") % values


def ranking(call: SelectionCall) -> Ranking:
    candidates = list(Candidate.objects.filter(call=call).select_related("hromada__oblast", "assessment", "decided_by"))
    names = {c.code: c.name for c in call.criteria.all()}
    eligible = sorted((c for c in candidates if c.eligible and c.rank), key=lambda c: c.rank or 0)
    ineligible = sorted((c for c in candidates if not (c.eligible and c.rank)), key=lambda c: c.hromada.name_sort)
    round_ = call.round

    def row(candidate: Candidate) -> RankedRow:
        gates = [gate_text(g) for g in candidate.gates]
        failed = [gate_text(g) for g in candidate.gates if not g.get("passed")]
        criteria = (
            [criterion_text(s, round_, names.get(s.get("code", ""))) for s in candidate.criterion_scores]
            if candidate.eligible
            else []
        )
        notes = [gate_text(g) for g in candidate.gates if (g.get("detail") or {}).get("reason") == "no_status"]
        notes += [
            _("%(criterion)s has no value for this hromada and counts as 0.")
            % {"criterion": names.get(s.get("code", ""), s.get("code"))}
            for s in candidate.criterion_scores
            if (s.get("detail") or {}).get("missing")
        ]
        position = _position(candidate, eligible) if candidate.eligible and candidate.rank else ""
        return RankedRow(candidate, gates, failed, criteria, position, notes)

    return Ranking(call=call, eligible=[row(c) for c in eligible], ineligible=[row(c) for c in ineligible])


# --- manual scores -------------------------------------------------------------------------------


@dataclass
class ManualRow:
    hromada: Hromada
    scores: list[ManualScore | None]


def manual_grid(call: SelectionCall) -> tuple[list[SelectionCriterion], list[ManualRow]]:
    """The MANUAL criteria and, per hromada of the round, its score on each (None when missing)."""
    criteria = list(call.criteria.filter(kind=CriterionKind.MANUAL))
    if not criteria:
        return [], []
    hromadas = list(Hromada.objects.filter(assessments__round=call.round).order_by("name_sort", "katottg"))
    scores = {(s.criterion_id, s.hromada_id): s for s in ManualScore.objects.filter(criterion__in=criteria)}
    rows = [ManualRow(h, [scores.get((c.pk, h.pk)) for c in criteria]) for h in hromadas]
    return criteria, rows


# --- export --------------------------------------------------------------------------------------


def export_rows(call: SelectionCall) -> tuple[list[str], list[list[Any]]]:
    """The ranking as a table: a header and one row per hromada (eligible by rank, then the others)."""
    criteria = list(call.criteria.all())
    header = [
        _("Rank"),
        _("KATOTTG"),
        _("Hromada"),
        _("Oblast"),
        _("Eligible"),
        *[_("%(criterion)s (0–100)") % {"criterion": c.name} for c in criteria],
        _("Total"),
        _("Decision"),
        _("Justification"),
        _("Explanation"),
    ]
    rows: list[list[Any]] = []
    for item in ranking(call).rows:
        candidate = item.candidate
        values = {s.get("code"): s.get("value") for s in candidate.criterion_scores}
        rows.append(
            [
                candidate.rank or "",
                candidate.hromada.katottg,
                candidate.hromada.name_uk,
                candidate.hromada.oblast.name_uk,
                _("yes") if candidate.eligible else _("no"),
                *[
                    (
                        float(Decimal(str(values[c.code])))
                        if candidate.eligible and values.get(c.code) is not None
                        else ""
                    )
                    for c in criteria
                ],
                float(candidate.total) if candidate.total is not None else "",
                candidate.get_decision_display() if candidate.decision else "",
                candidate.justification,
                item.explanation,
            ]
        )
    return header, rows
