"""Prioritisation rounds (domain.md 5.4): programme staff create a round with its gates, set its
criteria (pillars, weights, scales) and projects, and publish it: criteria and weights are then
locked (World Bank IPF rule: published before scoring). Named scorers (programme staff or the
programme's partner experts) first declare their conflicts of interest, then score each project on
each criterion with a justification. Staff close the round.

Every function: keyword-only, ``acting_user`` first, one transaction, access through
``vidnova.accounts.access`` and one audit entry per change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser, require
from vidnova.accounts.models import User
from vidnova.audit.services import diff, record, snapshot
from vidnova.core.concurrency import check_version
from vidnova.programmes.models import Participation, Programme
from vidnova.projects.models import (
    Pillar,
    PrioritisationRound,
    PrioritisationStatus,
    PriorityCriterion,
    PriorityScore,
    Project,
    Scorer,
)

ROUND_FIELDS = ("name_uk", "name_en", "name_nl", "description", "gates")
GATE_FLAGS = ("security", "design_for_construction", "dream_duplicates")
DEFAULT_GATES: dict[str, Any] = {
    "security": True,
    "min_cofinancing": "10.00",
    "design_for_construction": True,
    "dream_duplicates": True,
}
SCALE_MAX_LIMIT = 10


def actor(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) else None


# --- validation ----------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def clean_gates(gates: Mapping[str, Any] | None) -> dict[str, Any]:
    """The gates as stored: three booleans and the minimum local co-financing share (a percentage as
    a string, or None when that gate is off). Raises ValidationError naming the gate."""
    gates = dict(DEFAULT_GATES if gates is None else gates)
    unknown = set(gates) - {*GATE_FLAGS, "min_cofinancing"}
    if unknown:
        raise ValidationError({"gates": _("Unknown gates: %(list)s.") % {"list": ", ".join(sorted(unknown))}})
    cleaned: dict[str, Any] = {}
    for flag in GATE_FLAGS:
        value = gates.get(flag, False)
        if not isinstance(value, bool):
            raise ValidationError({f"gates.{flag}": _("Give true or false.")})
        cleaned[flag] = value
    raw = gates.get("min_cofinancing")
    if raw is None or raw == "":
        cleaned["min_cofinancing"] = None
    else:
        share = _decimal(raw)
        if share is None or not (Decimal(0) <= share <= Decimal(100)):
            raise ValidationError(
                {"gates.min_cofinancing": _("The minimum local co-financing share is a percentage from 0 to 100.")}
            )
        cleaned["min_cofinancing"] = str(share.quantize(Decimal("0.01")))
    return cleaned


def _validate_round(round_: PrioritisationRound) -> None:
    errors: dict[str, str] = {}
    if not round_.name_uk.strip():
        errors["name_uk"] = _("Give the round a name in Ukrainian.")
    for name in ("name_uk", "name_en", "name_nl"):
        if len(getattr(round_, name)) > 300:
            errors[name] = _("A name has at most 300 characters.")
    if errors:
        raise ValidationError(errors)


def _require_staff(acting_user: AnyUser, round_: PrioritisationRound) -> None:
    """Programme staff only: 404 for those who may not see the round, 403 for partner experts."""
    require(acting_user, Action.EDIT, round_)


def _locked(round_: PrioritisationRound) -> PrioritisationRound:
    return PrioritisationRound.objects.select_for_update().get(pk=round_.pk)


def _require_draft(round_: PrioritisationRound) -> None:
    if round_.status != PrioritisationStatus.DRAFT:
        raise ValidationError({"status": _("The round is published: its criteria, weights and projects are locked.")})


# --- rounds --------------------------------------------------------------------------------------


def round_create(
    *,
    acting_user: AnyUser,
    programme: Programme,
    name_uk: str,
    name_en: str = "",
    name_nl: str = "",
    description: str = "",
    gates: Mapping[str, Any] | None = None,
) -> PrioritisationRound:
    require(acting_user, Action.EDIT, PrioritisationRound(programme=programme))
    with transaction.atomic():
        round_ = PrioritisationRound(
            programme=programme,
            name_uk=name_uk.strip(),
            name_en=name_en.strip(),
            name_nl=name_nl.strip(),
            description=description.strip(),
            gates=clean_gates(gates),
        )
        _validate_round(round_)
        round_.save()
        record(
            actor=actor(acting_user),
            action="projects.prioritisation.created",
            target=round_,
            data={"programme": programme.slug, "gates": round_.gates},
        )
    return round_


def round_update(
    *, acting_user: AnyUser, round_: PrioritisationRound, expected_version: int | None, **changes: Any
) -> PrioritisationRound:
    """Change the names, description or gates of a draft round."""
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"round_update cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        round_ = _locked(round_)
        _require_staff(acting_user, round_)
        _require_draft(round_)
        before = snapshot(round_, ROUND_FIELDS)
        for name, value in changes.items():
            if name == "gates":
                value = clean_gates(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(round_, name, value)
        _validate_round(round_)
        check_version(round_, expected_version=expected_version)
        round_.save()
        record(
            actor=actor(acting_user),
            action="projects.prioritisation.updated",
            target=round_,
            changes=diff(before, snapshot(round_, ROUND_FIELDS)),
        )
    return round_


def criteria_set(
    *, acting_user: AnyUser, round_: PrioritisationRound, criteria: Sequence[Mapping[str, Any]]
) -> list[PriorityCriterion]:
    """Replace the criteria of a draft round. Each: code, name_uk, name_en?, name_nl?, pillar,
    weight (> 0), scale_max (1–10), description?. Errors are keyed ``criteria[N].field`` (N from 1)."""
    with transaction.atomic():
        round_ = _locked(round_)
        _require_staff(acting_user, round_)
        _require_draft(round_)
        errors: dict[str, str] = {}
        if not criteria:
            errors["criteria"] = _("Give at least one criterion.")
        built: list[PriorityCriterion] = []
        seen: set[str] = set()
        for number, spec in enumerate(criteria, start=1):
            key = f"criteria[{number}]"
            code = str(spec.get("code") or "").strip().lower()
            if not code or len(code) > 50 or not all(c.isalnum() or c in "-_" for c in code):
                errors[f"{key}.code"] = _("Criterion %(number)s: give a code of letters, digits, - or _.") % {
                    "number": number
                }
            elif code in seen:
                errors[f"{key}.code"] = _("Criterion %(number)s: the code %(code)s is used twice.") % {
                    "number": number,
                    "code": code,
                }
            seen.add(code)
            name_uk = str(spec.get("name_uk") or "").strip()
            if not name_uk or len(name_uk) > 300:
                errors[f"{key}.name_uk"] = _(
                    "Criterion %(number)s: give a name in Ukrainian (at most 300 characters)."
                ) % {"number": number}
            pillar = spec.get("pillar")
            if pillar not in Pillar.values:
                errors[f"{key}.pillar"] = _(
                    "Criterion %(number)s: the pillar is socio-environmental, financial-economic or governance."
                ) % {"number": number}
            weight = _decimal(spec.get("weight"))
            if weight is None or weight <= 0 or weight >= Decimal(10_000) or weight != weight.quantize(Decimal("0.01")):
                errors[f"{key}.weight"] = _(
                    "Criterion %(number)s: the weight is a number above 0 (below 10,000, at most two decimals)."
                ) % {"number": number}
            scale = spec.get("scale_max", 5)
            if isinstance(scale, bool) or not isinstance(scale, int | str) or not str(scale).strip().isdigit():
                scale_value = None
            else:
                scale_value = int(str(scale).strip())
            if scale_value is None or not (1 <= scale_value <= SCALE_MAX_LIMIT):
                errors[f"{key}.scale_max"] = _(
                    "Criterion %(number)s: the highest score is a whole number from 1 to 10."
                ) % {"number": number}
            if not errors:
                built.append(
                    PriorityCriterion(
                        round=round_,
                        code=code,
                        name_uk=name_uk,
                        name_en=str(spec.get("name_en") or "").strip()[:300],
                        name_nl=str(spec.get("name_nl") or "").strip()[:300],
                        pillar=str(pillar),
                        description=str(spec.get("description") or "").strip(),
                        weight=weight or Decimal(0),
                        scale_max=scale_value or 1,
                        position=number,
                    )
                )
        if errors:
            raise ValidationError(errors)
        before = _criteria_summary(round_.criteria.all())
        round_.criteria.all().delete()
        created = PriorityCriterion.objects.bulk_create(built)
        round_.version += 1
        round_.save(update_fields=["version", "updated_at"])
        record(
            actor=actor(acting_user),
            action="projects.prioritisation.updated",
            target=round_,
            changes={"criteria": [before, _criteria_summary(created)]},
        )
    return created


def _criteria_summary(criteria: Iterable[PriorityCriterion]) -> list[dict[str, Any]]:
    return [{"code": c.code, "pillar": c.pillar, "weight": str(c.weight), "scale_max": c.scale_max} for c in criteria]


def programme_projects(programme: Programme) -> Any:
    """Projects of the hromadas taking part in the programme (any phase)."""
    taking_part = Participation.objects.filter(phase__programme=programme).values("hromada_id")
    return Project.objects.filter(hromada_id__in=taking_part)


def projects_set(*, acting_user: AnyUser, round_: PrioritisationRound, projects: Iterable[Project]) -> list[Project]:
    """Replace the projects of a draft round; each must belong to a hromada taking part in the
    programme. The projects are fixed when the round is published, so every scorer's declaration of
    conflicts covers all of them."""
    chosen = list(dict.fromkeys(projects))
    with transaction.atomic():
        round_ = _locked(round_)
        _require_staff(acting_user, round_)
        _require_draft(round_)
        allowed = set(
            programme_projects(round_.programme).filter(pk__in=[p.pk for p in chosen]).values_list("pk", flat=True)
        )
        outside = [p for p in chosen if p.pk not in allowed]
        if outside:
            raise ValidationError(
                {
                    "projects": _("%(list)s: the hromada does not take part in %(programme)s.")
                    % {"list": ", ".join(p.code for p in outside), "programme": round_.programme}
                }
            )
        before = sorted(round_.projects.values_list("code", flat=True))
        round_.projects.set(chosen)
        round_.version += 1
        round_.save(update_fields=["version", "updated_at"])
        record(
            actor=actor(acting_user),
            action="projects.prioritisation.updated",
            target=round_,
            changes={"projects": [before, sorted(p.code for p in chosen)]},
        )
    return chosen


def round_publish(*, acting_user: AnyUser, round_: PrioritisationRound) -> PrioritisationRound:
    """Draft → published: the criteria and weights are published and locked; scoring starts."""
    with transaction.atomic():
        round_ = _locked(round_)
        _require_staff(acting_user, round_)
        _require_draft(round_)
        criteria = list(round_.criteria.all())
        problems: dict[str, str] = {}
        if not criteria:
            problems["criteria"] = _("Set at least one criterion before publishing.")
        if not round_.projects.exists():
            problems["projects"] = _("Add at least one project before publishing.")
        if problems:
            raise ValidationError(problems)
        round_.status = PrioritisationStatus.PUBLISHED
        round_.published_at = timezone.now()
        round_.published_by = actor(acting_user)
        round_.version += 1
        round_.save()
        record(
            actor=actor(acting_user),
            action="projects.prioritisation.published",
            target=round_,
            changes={"status": [PrioritisationStatus.DRAFT, PrioritisationStatus.PUBLISHED]},
            data={"criteria": _criteria_summary(criteria), "gates": round_.gates},
        )
    return round_


def round_close(*, acting_user: AnyUser, round_: PrioritisationRound) -> PrioritisationRound:
    """Published → closed: no more scores; the ranking stays."""
    with transaction.atomic():
        round_ = _locked(round_)
        _require_staff(acting_user, round_)
        if round_.status != PrioritisationStatus.PUBLISHED:
            raise ValidationError({"status": _("Only a published round can be closed.")})
        round_.status = PrioritisationStatus.CLOSED
        round_.closed_at = timezone.now()
        round_.version += 1
        round_.save()
        record(
            actor=actor(acting_user),
            action="projects.prioritisation.closed",
            target=round_,
            changes={"status": [PrioritisationStatus.PUBLISHED, PrioritisationStatus.CLOSED]},
        )
    return round_


# --- scorers and scores --------------------------------------------------------------------------


def may_score(user: User, programme: Programme) -> bool:
    """Programme staff or a partner expert of the programme."""
    roles = access.roles_of(user)
    return programme.pk in roles.programme_staff_of or programme.pk in roles.expert_programme_of


def scorer_add(*, acting_user: AnyUser, round_: PrioritisationRound, user: User) -> Scorer:
    with transaction.atomic():
        round_ = _locked(round_)
        _require_staff(acting_user, round_)
        if round_.status == PrioritisationStatus.CLOSED:
            raise ValidationError({"status": _("The round is closed.")})
        if not user.is_active or not may_score(user, round_.programme):
            raise ValidationError(
                {"user": _("A scorer must be one of the programme's staff or of its partner experts.")}
            )
        if Scorer.objects.filter(round=round_, user=user).exists():
            raise ValidationError({"user": _("%(user)s already scores in this round.") % {"user": user}})
        scorer = Scorer.objects.create(round=round_, user=user)
        record(
            actor=actor(acting_user),
            action="projects.prioritisation.updated",
            target=round_,
            data={"scorer_added": user.email},
        )
    return scorer


def _require_own(acting_user: AnyUser, scorer: Scorer) -> None:
    """Only the scorer acts for themself: 404 if the round is not visible, 403 otherwise."""
    require(acting_user, Action.VIEW, scorer.round)
    if actor(acting_user) is None or scorer.user_id != getattr(acting_user, "pk", None):
        raise PermissionDenied


def conflict_declare(*, acting_user: AnyUser, scorer: Scorer, projects: Iterable[Project], note: str) -> Scorer:
    """The scorer declares the round's projects they have a conflict of interest on (possibly none)
    with a note; before their first score (afterwards the declaration cannot change)."""
    chosen = list(dict.fromkeys(projects))
    note = note.strip()
    with transaction.atomic():
        scorer = Scorer.objects.select_for_update().select_related("round").get(pk=scorer.pk)
        _require_own(acting_user, scorer)
        if scorer.round.status == PrioritisationStatus.CLOSED:
            raise ValidationError({"status": _("The round is closed.")})
        if scorer.scores.exists():
            raise ValidationError(
                {"conflicts": _("You have scored already: the declaration is made before scoring and cannot change.")}
            )
        in_round = set(scorer.round.projects.values_list("pk", flat=True))
        outside = [p for p in chosen if p.pk not in in_round]
        if outside:
            raise ValidationError(
                {"conflicts": _("Not in this round: %(list)s.") % {"list": ", ".join(p.code for p in outside)}}
            )
        if chosen and not note:
            raise ValidationError({"conflict_note": _("Explain the conflict of interest.")})
        scorer.conflicts.set(chosen)
        scorer.conflict_note = note
        scorer.declared_at = timezone.now()
        scorer.save()
        record(
            actor=actor(acting_user),
            action="projects.prioritisation.conflict_declared",
            target=scorer.round,
            data={"scorer": scorer.user.email, "conflicts": [p.code for p in chosen], "note": note},
        )
    return scorer


def scores_set(
    *, acting_user: AnyUser, scorer: Scorer, project: Project, scores: Sequence[Mapping[str, Any]]
) -> list[PriorityScore]:
    """Several scores of one project at once (all or nothing): each {criterion, value, justification}."""
    with transaction.atomic():
        scorer = Scorer.objects.select_for_update().select_related("round", "user").get(pk=scorer.pk)
        _require_own(acting_user, scorer)
        round_ = scorer.round
        if round_.status != PrioritisationStatus.PUBLISHED:
            raise ValidationError({"status": _("Scores are given only while the round is published (not closed).")})
        if scorer.declared_at is None:
            raise ValidationError(
                {"conflicts": _("Declare your conflicts of interest (or that you have none) before scoring.")}
            )
        if not round_.projects.filter(pk=project.pk).exists():
            raise ValidationError({"project": _("%(project)s is not in this round.") % {"project": project.code}})
        if scorer.conflicts.filter(pk=project.pk).exists():
            raise ValidationError(
                {"project": _("You declared a conflict of interest on %(project)s.") % {"project": project.code}}
            )
        criteria = {c.pk: c for c in round_.criteria.all()}
        errors: dict[str, str] = {}
        saved: list[PriorityScore] = []
        for item in scores:
            criterion = item.get("criterion")
            if not isinstance(criterion, PriorityCriterion) or criterion.pk not in criteria:
                errors["criterion"] = _("Choose a criterion of this round.")
                continue
            code = criterion.code
            value = _decimal(item.get("value"))
            if value is None or value < 0 or value > criterion.scale_max or value != value.quantize(Decimal("0.01")):
                errors[f"value_{code}"] = _("%(criterion)s: the score is a number from 0 to %(max)s.") % {
                    "criterion": criterion.name,
                    "max": criterion.scale_max,
                }
            justification = str(item.get("justification") or "").strip()
            if not justification:
                errors[f"justification_{code}"] = _("%(criterion)s: justify the score.") % {"criterion": criterion.name}
            if errors or value is None:
                continue
            score, _created = PriorityScore.objects.update_or_create(
                scorer=scorer,
                project=project,
                criterion=criterion,
                defaults={"value": value, "justification": justification},
            )
            saved.append(score)
        if not scores:
            errors["scores"] = _("Give at least one score.")
        if errors:
            raise ValidationError(errors)
        record(
            actor=actor(acting_user),
            action="projects.prioritisation.scored",
            target=round_,
            data={
                "scorer": scorer.user.email,
                "project": project.code,
                "scores": {s.criterion.code: str(s.value) for s in saved},
            },
        )
    return saved


def score_set(
    *,
    acting_user: AnyUser,
    scorer: Scorer,
    project: Project,
    criterion: PriorityCriterion,
    value: Decimal | str | int,
    justification: str,
) -> PriorityScore:
    """One score: 0…scale_max with a justification, by a scorer without a conflict on the project."""
    [score] = scores_set(
        acting_user=acting_user,
        scorer=scorer,
        project=project,
        scores=[{"criterion": criterion, "value": value, "justification": justification}],
    )
    return score
