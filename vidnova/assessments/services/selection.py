"""Selection calls: choosing hromadas from an assessment round (domain.md 5.1).

A call has eligibility gates (security status on a date, oblasts, an assessment that exists, is
validated if required and complete enough) and weighted criteria (capacity gap, gap in one field,
points for a context answer, scores given by the coordinator). The criteria and weights can change
only while the call is a DRAFT; locking them is audited with the weights, and only a locked call is
ranked. Ranking computes one Candidate per hromada of the round with everything needed to explain
it; the coordinator then shortlists and decides, each decision with a justification, and closes the
call (DECIDED).

Ranking rule (deterministic): eligible candidates by total descending; equal totals are ordered by
the lower overall assessment score first (the larger capacity gap), then by KATOTTG code.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import User
from vidnova.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    Candidate,
    CriterionKind,
    Decision,
    ManualScore,
    Round,
    SelectionCall,
    SelectionCriterion,
    SelectionStatus,
)
from vidnova.assessments.services.scores import form_of
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.concurrency import check_version
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada, SecurityStatus, SecurityStatusPeriod, TopLevelUnit

CALL_FIELDS = (
    "name_uk",
    "name_en",
    "name_nl",
    "description",
    "security_date",
    "exclude_active_hostilities",
    "min_completeness",
    "require_validated",
    "places",
)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
MAX_CRITERIA = 20
FINAL_DECISIONS = frozenset({Decision.SELECTED, Decision.WAITLISTED, Decision.NOT_SELECTED})

# Gate codes, in the order they are checked and shown.
GATE_SECURITY = "security"
GATE_OBLAST = "oblast"
GATE_ASSESSMENT = "assessment"
GATE_COMPLETENESS = "completeness"


def _actor(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) else None


def _require(acting_user: AnyUser | None, call: SelectionCall) -> None:
    """Programme staff only (everyone else 404). ``None`` is the system (the demo command)."""
    if acting_user is not None:
        require(acting_user, Action.EDIT, call)


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _refuse_unless(call: SelectionCall, *statuses: str, message: str) -> None:
    if call.status not in statuses:
        raise ValidationError(message)


def _not_draft_message(call: SelectionCall) -> str:
    return _(
        "The criteria and weights of this call were locked on %(when)s; they can no longer change. "
        "Create a new call to use other criteria."
    ) % {"when": formats.date_format(timezone.localtime(call.locked_at), "DATETIME_FORMAT") if call.locked_at else "—"}


# --- the call ------------------------------------------------------------------------------------


def _validate_call(call: SelectionCall) -> None:
    errors: dict[str, str] = {}
    if not call.name_uk.strip():
        errors["name_uk"] = _("Give the call a name in Ukrainian.")
    if call.security_date is None:
        errors["security_date"] = _("Give the date on which the security status is checked.")
    completeness = _decimal(call.min_completeness)
    if completeness is None or not (Decimal(0) <= completeness <= HUNDRED):
        errors["min_completeness"] = _("The minimum completeness is a percentage from 0 to 100.")
    if call.places is None or int(call.places) < 1:
        errors["places"] = _("A call has at least one place.")
    if errors:
        raise ValidationError(errors)


def _check_oblasts(oblasts: Iterable[TopLevelUnit]) -> list[TopLevelUnit]:
    return list(dict.fromkeys(oblasts))


def selection_create(
    *,
    acting_user: AnyUser | None,
    programme: Programme,
    round_: Round,
    name_uk: str,
    name_en: str = "",
    name_nl: str = "",
    description: str = "",
    security_date: datetime.date,
    exclude_active_hostilities: bool = True,
    oblasts: Iterable[TopLevelUnit] = (),
    min_completeness: Decimal = Decimal(80),
    require_validated: bool = True,
    places: int = 10,
) -> SelectionCall:
    call = SelectionCall(
        programme=programme,
        round=round_,
        name_uk=name_uk.strip(),
        name_en=name_en.strip(),
        name_nl=name_nl.strip(),
        description=description.strip(),
        security_date=security_date,
        exclude_active_hostilities=exclude_active_hostilities,
        min_completeness=min_completeness,
        require_validated=require_validated,
        places=places,
    )
    _require(acting_user, call)
    if round_.programme_id != programme.pk:
        raise ValidationError({"round": _("The round belongs to another programme.")})
    _validate_call(call)
    chosen = _check_oblasts(oblasts)
    with transaction.atomic():
        call.save()
        call.oblasts.set(chosen)
        record(
            actor=_actor(acting_user),
            action="assessments.selection.created",
            target=call,
            data={
                "round": str(round_),
                **snapshot(call, CALL_FIELDS),
                "oblasts": [o.katottg for o in chosen],
            },
        )
    return call


def selection_update(
    *,
    acting_user: AnyUser | None,
    call: SelectionCall,
    expected_version: int | None,
    oblasts: Iterable[TopLevelUnit] | None = None,
    **changes: Any,
) -> SelectionCall:
    """Change the names, description and gates (only while the call is a draft)."""
    unknown = set(changes) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"selection_update cannot change {', '.join(sorted(unknown))}")
    _require(acting_user, call)
    with transaction.atomic():
        call = SelectionCall.objects.select_for_update().get(pk=call.pk)
        _require(acting_user, call)
        _refuse_unless(call, SelectionStatus.DRAFT, message=_not_draft_message(call))
        before = {**snapshot(call, CALL_FIELDS), "oblasts": sorted(call.oblasts.values_list("katottg", flat=True))}
        for name, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(call, name, value)
        _validate_call(call)
        check_version(call, expected_version=expected_version)
        call.save()
        if oblasts is not None:
            call.oblasts.set(_check_oblasts(oblasts))
        after = {**snapshot(call, CALL_FIELDS), "oblasts": sorted(call.oblasts.values_list("katottg", flat=True))}
        record(
            actor=_actor(acting_user),
            action="assessments.selection.updated",
            target=call,
            changes=diff(before, after),
        )
    return call


# --- criteria ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion as given to ``criteria_set``."""

    code: str
    kind: str
    weight: Decimal
    name_uk: str
    name_en: str = ""
    name_nl: str = ""
    parameters: Mapping[str, Any] | None = None


def _spec(item: CriterionSpec | Mapping[str, Any]) -> CriterionSpec:
    if isinstance(item, CriterionSpec):
        return item
    return CriterionSpec(
        code=str(item.get("code") or "").strip(),
        kind=str(item.get("kind") or ""),
        weight=item.get("weight"),  # type: ignore[arg-type]  # checked in _check_criterion
        name_uk=str(item.get("name_uk") or "").strip(),
        name_en=str(item.get("name_en") or "").strip(),
        name_nl=str(item.get("name_nl") or "").strip(),
        parameters=item.get("parameters") or {},
    )


def select_one_choices(round_: Round, question: str) -> list[str] | None:
    """The choice names of a select_one question of the round's instrument; None if there is no such
    select_one question."""
    form = form_of(round_.instrument_version)
    definition = form.questions.get(question)
    if definition is None or definition.get("type") != "select_one":
        return None
    return [str(choice["name"]) for choice in form.choices(definition)]


def select_one_questions(round_: Round) -> list[Mapping[str, Any]]:
    """The select_one questions of the round's instrument (for ANSWER_POINTS criteria)."""
    form = form_of(round_.instrument_version)
    return [q for q in form.answerable() if q.get("type") == "select_one"]


def _check_parameters(round_: Round, spec: CriterionSpec, label: str) -> tuple[dict[str, Any], list[str]]:
    """Clean parameters for the kind, or the problems found (each naming the criterion)."""
    parameters = dict(spec.parameters or {})
    problems: list[str] = []
    if spec.kind == CriterionKind.FIELD_GAP:
        field = parameters.get("field")
        try:
            number = int(field) if field is not None and str(field).strip().isdigit() else None
        except (TypeError, ValueError):
            number = None
        if number not in (1, 2, 3):
            problems.append(_("%(criterion)s: choose the field (1, 2 or 3).") % {"criterion": label})
            return {}, problems
        return {"field": number}, problems
    if spec.kind == CriterionKind.ANSWER_POINTS:
        question = str(parameters.get("question") or "").strip()
        choices = select_one_choices(round_, question) if question else None
        if choices is None:
            problems.append(
                _("%(criterion)s: “%(question)s” is not a single-choice question of the round's questionnaire.")
                % {"criterion": label, "question": question or "—"}
            )
            return {}, problems
        raw_points = parameters.get("points")
        if not isinstance(raw_points, Mapping) or not raw_points:
            problems.append(_("%(criterion)s: give points (0–100) for the choices.") % {"criterion": label})
            return {}, problems
        points: dict[str, int | float] = {}
        for choice, value in raw_points.items():
            if str(choice) not in choices:
                problems.append(
                    _("%(criterion)s: “%(choice)s” is not a choice of “%(question)s” (choices: %(choices)s).")
                    % {"criterion": label, "choice": choice, "question": question, "choices": ", ".join(choices)}
                )
                continue
            points_value = _decimal(value)
            if points_value is None or not (Decimal(0) <= points_value <= HUNDRED):
                problems.append(
                    _("%(criterion)s: the points for “%(choice)s” must be a number from 0 to 100.")
                    % {"criterion": label, "choice": choice}
                )
                continue
            points[str(choice)] = (
                int(points_value) if points_value == points_value.to_integral() else float(_q(points_value))
            )
        ordered = {choice: points[choice] for choice in choices if choice in points}
        return {"question": question, "points": ordered}, problems
    return {}, problems


def _check_criterion(round_: Round, spec: CriterionSpec, position: int) -> tuple[SelectionCriterion | None, list[str]]:
    label = _("Criterion %(number)s") % {"number": position} + (f" ({spec.code})" if spec.code else "")
    problems: list[str] = []
    if not spec.code:
        problems.append(_("%(criterion)s: give a code.") % {"criterion": label})
    elif not all(c.isalnum() or c in "-_" for c in spec.code) or len(spec.code) > 50:
        problems.append(
            _("%(criterion)s: the code may contain only letters, digits, “-” and “_” (at most 50).")
            % {"criterion": label}
        )
    if not spec.name_uk:
        problems.append(_("%(criterion)s: give a name in Ukrainian.") % {"criterion": label})
    if spec.kind not in CriterionKind.values:
        problems.append(
            _("%(criterion)s: the kind must be one of %(kinds)s.")
            % {"criterion": label, "kinds": ", ".join(CriterionKind.values)}
        )
        return None, problems
    weight = _decimal(spec.weight)
    if weight is None or weight <= 0 or weight >= Decimal("10000"):
        problems.append(_("%(criterion)s: the weight must be a number greater than 0.") % {"criterion": label})
    parameters, parameter_problems = _check_parameters(round_, spec, label)
    problems.extend(parameter_problems)
    if problems or weight is None:
        return None, problems
    criterion = SelectionCriterion(
        code=spec.code,
        kind=spec.kind,
        weight=_q(weight),
        name_uk=spec.name_uk,
        name_en=spec.name_en,
        name_nl=spec.name_nl,
        parameters=parameters,
        position=position,
    )
    return criterion, problems


def criteria_set(
    *,
    acting_user: AnyUser | None,
    call: SelectionCall,
    criteria: Sequence[CriterionSpec | Mapping[str, Any]],
) -> list[SelectionCriterion]:
    """Replace the call's criteria (only while it is a draft): all of them are checked and either all
    are saved or none."""
    _require(acting_user, call)
    with transaction.atomic():
        call = SelectionCall.objects.select_for_update().select_related("round__instrument_version").get(pk=call.pk)
        _require(acting_user, call)
        _refuse_unless(call, SelectionStatus.DRAFT, message=_not_draft_message(call))
        specs = [_spec(item) for item in criteria]
        problems: list[str] = []
        if not specs:
            problems.append(_("Give at least one criterion."))
        if len(specs) > MAX_CRITERIA:
            problems.append(_("A call has at most %(count)s criteria.") % {"count": MAX_CRITERIA})
        built: list[SelectionCriterion] = []
        seen: set[str] = set()
        for position, spec in enumerate(specs, start=1):
            criterion, found = _check_criterion(call.round, spec, position)
            problems.extend(found)
            if spec.code and spec.code in seen:
                problems.append(_("The code “%(code)s” is used twice.") % {"code": spec.code})
            seen.add(spec.code)
            if criterion is not None:
                built.append(criterion)
        if problems:
            raise ValidationError({"criteria": problems})
        before = [_criterion_data(c) for c in call.criteria.all()]
        # Manual scores survive when a MANUAL criterion keeps its code.
        kept = {c.code: c for c in call.criteria.filter(kind=CriterionKind.MANUAL)}
        keep_codes = {c.code for c in built if c.kind == CriterionKind.MANUAL and c.code in kept}
        call.criteria.exclude(code__in=keep_codes).delete()
        saved: list[SelectionCriterion] = []
        for criterion in built:
            if criterion.code in keep_codes:
                existing = kept[criterion.code]
                for name in ("name_uk", "name_en", "name_nl", "weight", "parameters", "position"):
                    setattr(existing, name, getattr(criterion, name))
                existing.save()
                saved.append(existing)
            else:
                criterion.call = call
                criterion.save()
                saved.append(criterion)
        call.version += 1
        call.save(update_fields=["version", "updated_at"])
        record(
            actor=_actor(acting_user),
            action="assessments.selection.criteria_set",
            target=call,
            changes={"criteria": [before, [_criterion_data(c) for c in saved]]},
        )
    return saved


def _criterion_data(criterion: SelectionCriterion) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "kind": criterion.kind,
        "weight": str(criterion.weight),
        "parameters": criterion.parameters,
    }


def selection_lock(*, acting_user: AnyUser | None, call: SelectionCall) -> SelectionCall:
    """DRAFT → LOCKED: the criteria and weights can no longer change; the audit entry keeps them."""
    _require(acting_user, call)
    with transaction.atomic():
        call = SelectionCall.objects.select_for_update().get(pk=call.pk)
        _require(acting_user, call)
        _refuse_unless(call, SelectionStatus.DRAFT, message=_not_draft_message(call))
        criteria = list(call.criteria.all())
        if not criteria:
            raise ValidationError(_("Set at least one criterion before locking the weights."))
        call.status = SelectionStatus.LOCKED
        call.locked_at = timezone.now()
        call.locked_by = _actor(acting_user)
        call.version += 1
        call.save()
        total = sum((c.weight for c in criteria), Decimal(0))
        record(
            actor=_actor(acting_user),
            action="assessments.selection.locked",
            target=call,
            changes={"status": [SelectionStatus.DRAFT, SelectionStatus.LOCKED]},
            data={
                "weights": {c.code: str(c.weight) for c in criteria},
                "shares": {c.code: str(_q(c.weight / total * HUNDRED)) for c in criteria},
                "criteria": [_criterion_data(c) for c in criteria],
                "gates": {
                    **snapshot(
                        call, ("security_date", "exclude_active_hostilities", "min_completeness", "require_validated")
                    ),
                    "oblasts": sorted(call.oblasts.values_list("katottg", flat=True)),
                },
            },
        )
    return call


def manual_score_set(
    *,
    acting_user: AnyUser | None,
    criterion: SelectionCriterion,
    hromada: Hromada,
    value: Decimal | int | str,
    note: str,
) -> ManualScore:
    """The coordinator's 0–100 score of a hromada on a MANUAL criterion, with a reason (draft or locked)."""
    call = criterion.call
    _require(acting_user, call)
    number = _decimal(value)
    errors: dict[str, str] = {}
    if criterion.kind != CriterionKind.MANUAL:
        errors["criterion"] = _("“%(criterion)s” is computed from the assessment; it is not scored by hand.") % {
            "criterion": criterion.name
        }
    if number is None or not (Decimal(0) <= number <= HUNDRED):
        errors["value"] = _("The score is a number from 0 to 100.")
    if not note.strip():
        errors["note"] = _("Give the reason for the score.")
    if not Assessment.objects.filter(round_id=call.round_id, hromada=hromada).exists():
        errors["hromada"] = _("%(hromada)s is not in the call's assessment round.") % {"hromada": hromada}
    if errors or number is None:
        raise ValidationError(errors)
    with transaction.atomic():
        call = SelectionCall.objects.select_for_update().get(pk=call.pk)
        _refuse_unless(
            call,
            SelectionStatus.DRAFT,
            SelectionStatus.LOCKED,
            message=_("The call is decided; its scores can no longer change."),
        )
        existing = ManualScore.objects.filter(criterion=criterion, hromada=hromada).first()
        before = None if existing is None else [str(existing.value), existing.note]
        score, _created = ManualScore.objects.update_or_create(
            criterion=criterion,
            hromada=hromada,
            defaults={"value": _q(number), "note": note.strip(), "scored_by": _actor(acting_user)},
        )
        record(
            actor=_actor(acting_user),
            action="assessments.selection.manual_score",
            target=call,
            changes={"score": [before, [str(score.value), score.note]]},
            data={"criterion": criterion.code, "hromada": hromada.katottg},
            hromada=hromada,
        )
    return score


# --- ranking -------------------------------------------------------------------------------------


def _security_statuses(hromada_ids: Iterable[int], day: datetime.date) -> dict[int, str]:
    statuses: dict[int, str] = {}
    for hromada_id, status in (
        SecurityStatusPeriod.objects.as_of(day)
        .filter(hromada_id__in=list(hromada_ids))
        .order_by("hromada_id", "starts_on")
        .values_list("hromada_id", "status")
    ):
        statuses[hromada_id] = status  # the latest period in force wins
    return statuses


def _gates(
    call: SelectionCall,
    assessment: Assessment,
    status: str | None,
    oblast_ids: set[int],
) -> list[dict[str, Any]]:
    hromada = assessment.hromada
    gates: list[dict[str, Any]] = []
    # Security status on the call's date.
    if status is None:
        passed, reason = True, "no_status"
    elif status == SecurityStatus.TEMPORARILY_OCCUPIED:
        passed, reason = False, "occupied"
    elif status == SecurityStatus.ACTIVE_HOSTILITIES and call.exclude_active_hostilities:
        passed, reason = False, "active_hostilities"
    else:
        passed, reason = True, "allowed"
    gates.append(
        {
            "gate": GATE_SECURITY,
            "passed": passed,
            "detail": {"date": call.security_date.isoformat(), "status": status, "reason": reason},
        }
    )
    gates.append(
        {
            "gate": GATE_OBLAST,
            "passed": not oblast_ids or hromada.oblast_id in oblast_ids,
            "detail": {"oblast": hromada.oblast.katottg, "oblast_name": hromada.oblast.name_uk, "all": not oblast_ids},
        }
    )
    validated = assessment.state == AssessmentState.VALIDATED
    gates.append(
        {
            "gate": GATE_ASSESSMENT,
            "passed": validated or not call.require_validated,
            "detail": {"state": assessment.state, "require_validated": call.require_validated},
        }
    )
    completeness = assessment.completeness
    gates.append(
        {
            "gate": GATE_COMPLETENESS,
            "passed": completeness is not None and completeness >= call.min_completeness,
            "detail": {
                "completeness": None if completeness is None else str(completeness),
                "minimum": str(call.min_completeness),
            },
        }
    )
    return gates


def _field_normalised(assessment: Assessment, field: int) -> Decimal | None:
    for item in (assessment.scores or {}).get("fields", ()):
        if item.get("field") == field:
            return _decimal(item.get("normalised"))
    return None


def _criterion_value(
    criterion: SelectionCriterion,
    assessment: Assessment,
    answers: Mapping[str, str],
    manual: Mapping[tuple[int, int], ManualScore],
) -> tuple[Decimal, dict[str, Any]]:
    """A criterion's 0–100 value for one hromada and what it was computed from."""
    if criterion.kind == CriterionKind.CAPACITY_GAP:
        overall = assessment.overall_normalised
        if overall is None:
            return Decimal(0), {"overall": None, "missing": True}
        return _q(HUNDRED - overall), {"overall": str(overall)}
    if criterion.kind == CriterionKind.FIELD_GAP:
        field = int(criterion.parameters.get("field", 0))
        normalised = _field_normalised(assessment, field)
        if normalised is None:
            return Decimal(0), {"field": field, "normalised": None, "missing": True}
        return _q(HUNDRED - normalised), {"field": field, "normalised": str(normalised)}
    if criterion.kind == CriterionKind.ANSWER_POINTS:
        question = str(criterion.parameters.get("question", ""))
        answer = answers.get(question, "")
        points = criterion.parameters.get("points") or {}
        if not answer:
            return Decimal(0), {"question": question, "answer": None, "missing": True}
        if answer not in points:
            return Decimal(0), {"question": question, "answer": answer, "no_points": True}
        return _q(Decimal(str(points[answer]))), {"question": question, "answer": answer}
    score = manual.get((criterion.pk, assessment.hromada_id))
    if score is None:
        return Decimal(0), {"missing": True}
    return _q(score.value), {"note": score.note}


@dataclass
class _Row:
    assessment: Assessment
    eligible: bool
    gates: list[dict[str, Any]]
    scores: list[dict[str, Any]]
    total: Decimal | None


def ranking_key(total: Decimal, overall: Decimal | None, katottg: str) -> tuple[Decimal, Decimal, str]:
    """Sort key of an eligible candidate: higher total first; on equal totals the lower overall
    assessment score first (no score counts as 100), then the KATOTTG code."""
    return (-total, overall if overall is not None else HUNDRED, katottg)


def selection_rank(*, acting_user: AnyUser | None, call: SelectionCall) -> list[Candidate]:
    """Compute the candidates of a locked call: one per hromada of the round. Decisions already
    taken are kept, except that a hromada that is no longer eligible loses a positive decision."""
    _require(acting_user, call)
    with transaction.atomic():
        call = SelectionCall.objects.select_for_update().select_related("round").get(pk=call.pk)
        _require(acting_user, call)
        if call.status == SelectionStatus.DRAFT:
            raise ValidationError(_("Lock the criteria and weights before ranking."))
        _refuse_unless(call, SelectionStatus.LOCKED, message=_("The call is decided; its ranking is final."))
        criteria = list(call.criteria.all())
        weight_sum = sum((c.weight for c in criteria), Decimal(0))
        assessments = list(
            Assessment.objects.filter(round=call.round).select_related("hromada__oblast").order_by("hromada__katottg")
        )
        statuses = _security_statuses([a.hromada_id for a in assessments], call.security_date)
        oblast_ids = set(call.oblasts.values_list("pk", flat=True))
        questions = {str(c.parameters.get("question")) for c in criteria if c.kind == CriterionKind.ANSWER_POINTS}
        answers: dict[int, dict[str, str]] = {}
        for assessment_id, question, answer in Answer.objects.filter(
            assessment__round=call.round, question__in=questions
        ).values_list("assessment_id", "question", "value"):
            answers.setdefault(assessment_id, {})[question] = answer
        manual = {
            (s.criterion_id, s.hromada_id): s
            for s in ManualScore.objects.filter(criterion__call=call, criterion__kind=CriterionKind.MANUAL)
        }
        rows: list[_Row] = []
        for assessment in assessments:
            gates = _gates(call, assessment, statuses.get(assessment.hromada_id), oblast_ids)
            eligible = all(g["passed"] for g in gates)
            scores: list[dict[str, Any]] = []
            total = Decimal(0)
            for criterion in criteria:
                value, detail = _criterion_value(criterion, assessment, answers.get(assessment.pk, {}), manual)
                contribution = value * criterion.weight / weight_sum
                total += contribution
                scores.append(
                    {
                        "code": criterion.code,
                        "name": criterion.name_uk,
                        "kind": criterion.kind,
                        "value": str(value),
                        "weight": str(criterion.weight),
                        "share": str(_q(criterion.weight / weight_sum * HUNDRED)),
                        "contribution": str(_q(contribution)),
                        "detail": detail,
                    }
                )
            rows.append(_Row(assessment, eligible, gates, scores, _q(total) if eligible else None))
        eligible_rows = sorted(
            (r for r in rows if r.eligible),
            key=lambda r: ranking_key(
                r.total or Decimal(0), r.assessment.overall_normalised, r.assessment.hromada.katottg
            ),
        )
        ranks = {r.assessment.hromada_id: number for number, r in enumerate(eligible_rows, start=1)}
        existing = {c.hromada_id: c for c in Candidate.objects.filter(call=call)}
        cleared: list[str] = []
        candidates: list[Candidate] = []
        for row in rows:
            hromada = row.assessment.hromada
            candidate = existing.pop(hromada.pk, None) or Candidate(call=call, hromada=hromada)
            candidate.assessment = row.assessment
            candidate.eligible = row.eligible
            candidate.gates = row.gates
            candidate.criterion_scores = row.scores
            candidate.total = row.total
            candidate.rank = ranks.get(hromada.pk)
            if not row.eligible and candidate.decision and candidate.decision != Decision.NOT_SELECTED:
                cleared.append(hromada.katottg)
                candidate.decision = ""
                candidate.justification = ""
                candidate.decided_by = None
                candidate.decided_at = None
            candidate.save()
            candidates.append(candidate)
        # Hromadas removed from the round since the last ranking.
        Candidate.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
        call.ranked_at = timezone.now()
        call.version += 1
        call.save(update_fields=["ranked_at", "version", "updated_at"])
        record(
            actor=_actor(acting_user),
            action="assessments.selection.ranked",
            target=call,
            data={
                "rule": "total desc, overall score asc, KATOTTG asc",
                "weights": {c.code: str(c.weight) for c in criteria},
                "eligible": len(eligible_rows),
                "ineligible": len(rows) - len(eligible_rows),
                "ranking": [[r.assessment.hromada.katottg, str(r.total)] for r in eligible_rows],
                "decisions_cleared": cleared,
            },
        )
    candidates.sort(key=lambda c: (c.rank is None, c.rank or 0, c.hromada.katottg))
    return candidates


# --- decisions -----------------------------------------------------------------------------------


def candidate_decide(
    *, acting_user: AnyUser | None, candidate: Candidate, decision: str, justification: str
) -> Candidate:
    """Shortlist, select, waitlist or not select a ranked candidate, with a justification."""
    call = candidate.call
    _require(acting_user, call)
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = _("Choose shortlisted, selected, waitlisted or not selected.")
    if not justification.strip():
        errors["justification"] = _("Give the justification of the decision.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        call = SelectionCall.objects.select_for_update().get(pk=call.pk)
        _require(acting_user, call)
        if call.status == SelectionStatus.DRAFT or call.ranked_at is None:
            raise ValidationError(_("Lock the criteria and rank the candidates before deciding."))
        _refuse_unless(call, SelectionStatus.LOCKED, message=_("The call is decided; its decisions are final."))
        candidate = Candidate.objects.select_related("hromada").get(pk=candidate.pk, call=call)
        if not candidate.eligible and decision != Decision.NOT_SELECTED:
            raise ValidationError(
                {
                    "decision": _(
                        "%(hromada)s did not pass the eligibility gates; it can only be marked “not selected”."
                    )
                    % {"hromada": candidate.hromada}
                }
            )
        if decision == Decision.SELECTED and candidate.decision != Decision.SELECTED:
            selected = Candidate.objects.filter(call=call, decision=Decision.SELECTED).count()
            if selected >= call.places:
                raise ValidationError(
                    {
                        "decision": _(
                            "All %(places)s places are taken; change another decision first or waitlist this hromada."
                        )
                        % {"places": call.places}
                    }
                )
        before = [candidate.decision, candidate.justification]
        candidate.decision = decision
        candidate.justification = justification.strip()
        candidate.decided_by = _actor(acting_user)
        candidate.decided_at = timezone.now()
        candidate.save()
        record(
            actor=_actor(acting_user),
            action="assessments.selection.decision",
            target=call,
            changes={"decision": [before, [candidate.decision, candidate.justification]]},
            data={"hromada": candidate.hromada.katottg, "rank": candidate.rank, "total": candidate.total},
            hromada=candidate.hromada,
        )
    return candidate


def decide_problems(call: SelectionCall) -> list[str]:
    """Why the call cannot be decided yet (empty when it can)."""
    problems: list[str] = []
    if call.status != SelectionStatus.LOCKED:
        problems.append(_("Only a call with locked criteria can be decided."))
        return problems
    if call.ranked_at is None:
        problems.append(_("Rank the candidates first."))
        return problems
    pending = list(
        Candidate.objects.filter(call=call, decision=Decision.SHORTLISTED)
        .select_related("hromada")
        .order_by("rank", "hromada__katottg")
    )
    if pending:
        problems.append(
            _("Give a final decision (selected, waitlisted or not selected) for every shortlisted hromada: %(list)s.")
            % {"list": ", ".join(str(c.hromada) for c in pending)}
        )
    selected = Candidate.objects.filter(call=call, decision=Decision.SELECTED).count()
    if selected > call.places:
        problems.append(
            _("%(selected)s hromadas are selected for %(places)s places.")
            % {"selected": selected, "places": call.places}
        )
    return problems


def selection_decide(*, acting_user: AnyUser | None, call: SelectionCall) -> SelectionCall:
    """LOCKED → DECIDED once every shortlisted candidate has a final decision and at most ``places``
    are selected."""
    _require(acting_user, call)
    with transaction.atomic():
        call = SelectionCall.objects.select_for_update().get(pk=call.pk)
        _require(acting_user, call)
        problems = decide_problems(call)
        if problems:
            raise ValidationError(problems)
        call.status = SelectionStatus.DECIDED
        call.decided_at = timezone.now()
        call.decided_by = _actor(acting_user)
        call.version += 1
        call.save()
        decided = Candidate.objects.filter(call=call).exclude(decision="").select_related("hromada")
        record(
            actor=_actor(acting_user),
            action="assessments.selection.decided",
            target=call,
            changes={"status": [SelectionStatus.LOCKED, SelectionStatus.DECIDED]},
            data={
                "selected": sorted(c.hromada.katottg for c in decided if c.decision == Decision.SELECTED),
                "waitlisted": sorted(c.hromada.katottg for c in decided if c.decision == Decision.WAITLISTED),
            },
        )
    return call
