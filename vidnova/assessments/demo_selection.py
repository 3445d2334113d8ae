"""The demo selection call (called by the demo command once the demo round exists).

Gates: security status today, active hostilities excluded, at least 80% complete, validated only, 8
places. Criteria: capacity gap 40, field 1 gap 20, need from the damage-level answer 20 (points read
from the choices of ``ctx_damage_level`` in the round's instrument), commitment scored by the
coordinator 20 with a few scores. The call is locked and ranked and the best eligible hromadas are
shortlisted. Works (with an empty or short shortlist) when few assessments are validated.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vidnova.accounts import access
from vidnova.accounts.models import PROGRAMME_ROLES, Membership, User
from vidnova.assessments.models import (
    Candidate,
    CriterionKind,
    Decision,
    Round,
    SelectionCall,
)
from vidnova.assessments.services import selection as services
from vidnova.programmes.models import Programme

DEMO_NAME_EN = "Phase 2 selection of partner hromadas (demo)"
DAMAGE_QUESTION = "ctx_damage_level"
PLACES = 8
SHORTLIST = 10
COMMITMENT_SCORES = [
    (Decimal(90), "Signed letter of intent, two named focal points and a co-funding offer of 10%."),
    (Decimal(75), "Signed letter of intent and one focal point; co-funding under discussion."),
    (Decimal(60), "Letter of intent signed; staff focal points not yet named."),
    (Decimal(40), "Interest expressed by e-mail only."),
]


def _coordinator(programme: Programme, round_: Round) -> User | None:
    """A staff member of the programme to act as (the round's opener first); None acts as the system."""
    if round_.opened_by is not None and round_.opened_by.is_active:
        opener = round_.opened_by
        access.forget_roles(opener)
        if round_.programme_id in access.roles_of(opener).programme_staff_of:
            return opener
    membership = (
        Membership.objects.filter(programme=programme, role__in=PROGRAMME_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("-role", "pk")  # coordinators before administrators
        .first()
    )
    if membership is None:
        return None
    access.forget_roles(membership.user)
    return membership.user


def damage_points(round_: Round) -> dict[str, int]:
    """Points 0–100 spread evenly over the choices of the damage question, in their order (no damage 0,
    the worst level 100); empty if the instrument has no such single-choice question."""
    choices = services.select_one_choices(round_, DAMAGE_QUESTION) or []
    if not choices:
        return {}
    if len(choices) == 1:
        return {choices[0]: 100}
    step = Decimal(100) / (len(choices) - 1)
    return {name: int((step * index).to_integral_value()) for index, name in enumerate(choices)}


def create_demo_selection_call(*, programme: Programme, round_: Round) -> SelectionCall:
    existing = SelectionCall.objects.filter(programme=programme, round=round_, name_en=DEMO_NAME_EN).first()
    if existing is not None:
        return existing
    user = _coordinator(programme, round_)
    today = timezone.localdate()
    with transaction.atomic():
        call = services.selection_create(
            acting_user=user,
            programme=programme,
            round_=round_,
            name_uk="Відбір громад-партнерок другої фази (демо)",
            name_en=DEMO_NAME_EN,
            name_nl="Selectie van partnergemeenten voor fase 2 (demo)",
            description=(
                "Демонстраційний конкурс: громади з валідованим оцінюванням, без активних бойових дій. "
                "Demo call: hromadas with a validated assessment, outside areas of active hostilities."
            ),
            security_date=today,
            exclude_active_hostilities=True,
            min_completeness=Decimal(80),
            require_validated=True,
            places=PLACES,
        )
        criteria: list[dict[str, object]] = [
            {
                "code": "capacity-gap",
                "kind": CriterionKind.CAPACITY_GAP,
                "weight": Decimal(40),
                "name_uk": "Потреба в розвитку спроможності",
                "name_en": "Capacity gap",
                "name_nl": "Capaciteitstekort",
            },
            {
                "code": "field-1-gap",
                "kind": CriterionKind.FIELD_GAP,
                "weight": Decimal(20),
                "name_uk": "Потреба в галузі 1: безпека і стійкість",
                "name_en": "Gap in field 1: safety and resilience",
                "name_nl": "Tekort in veld 1: veiligheid en weerbaarheid",
                "parameters": {"field": 1},
            },
        ]
        points = damage_points(round_)
        if points:
            criteria.append(
                {
                    "code": "need-damage",
                    "kind": CriterionKind.ANSWER_POINTS,
                    "weight": Decimal(20),
                    "name_uk": "Потреба: рівень руйнувань",
                    "name_en": "Need: level of damage",
                    "name_nl": "Behoefte: mate van schade",
                    "parameters": {"question": DAMAGE_QUESTION, "points": points},
                }
            )
        criteria.append(
            {
                "code": "commitment",
                "kind": CriterionKind.MANUAL,
                "weight": Decimal(20),
                "name_uk": "Зобовʼязання громади",
                "name_en": "Commitment",
                "name_nl": "Betrokkenheid",
            }
        )
        services.criteria_set(acting_user=user, call=call, criteria=criteria)
        call = services.selection_lock(acting_user=user, call=call)
        commitment = call.criteria.get(code="commitment")
        hromadas = [a.hromada for a in round_.assessments.select_related("hromada").order_by("hromada__katottg")]
        for hromada, (value, note) in zip(hromadas[::2], COMMITMENT_SCORES * 3, strict=False):
            services.manual_score_set(acting_user=user, criterion=commitment, hromada=hromada, value=value, note=note)
        services.selection_rank(acting_user=user, call=call)
        best = Candidate.objects.filter(call=call, eligible=True, rank__isnull=False).order_by("rank")[:SHORTLIST]
        for candidate in best:
            services.candidate_decide(
                acting_user=user,
                candidate=candidate,
                decision=Decision.SHORTLISTED,
                justification=(
                    f"Ранг {candidate.rank}: пройшла всі критерії допуску. "
                    f"Rank {candidate.rank}: passed every gate; invited to the selection interview."
                ),
            )
    call.refresh_from_db()
    return call
