"""The demo needs assessment: a baseline round of the default instrument for every hromada of the demo
programme, with plausible, varied answers, in the states a new user should see (most validated, a few
submitted, one returned with the coordinator's comments, two half-filled, one not started), then the
demo selection call on that round (vidnova.assessments.demo_selection).

Answers are generated deterministically: a random generator seeded with the hromada's KATOTTG code
draws its context (population near the registry's figure, damage by oblast, displaced people, plans in
force) and a per-hromada profile of strengths and weaknesses by field, so the charts and the heat map
differ from hromada to hromada and stay the same from one installation to the next. Every value is
checked with the form's own rules (``answers.clean_value``) against the answers given before it, and
only questions relevant for those answers are answered: a value the form refuses is never stored.

How records are made: the round is opened with ``round_open`` by the demo coordinator; the answers of
one assessment are written in one go (``bulk_create``, one ``assessments.answer.saved`` audit entry per
assessment naming its questions, then ``assessment_rescore``), because saving ~100 answers one by one
for 19 hromadas would take half a minute; the workflow then runs through the real services
(``assessment_submit``, ``assessment_validate``, ``assessment_return``), so transitions, audit entries and
scores are those of a real round. The acting user is the demo hromada editor for her own hromada and the
demo coordinator for the others (programme staff may fill in for a hromada).

Idempotent like the rest of the demo: the round is found again by programme, kind and Ukrainian name;
when it exists nothing is changed (only the selection call is completed if it is missing).
"""

from __future__ import annotations

import datetime
import importlib
import random
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from vidnova.accounts import access
from vidnova.accounts.models import Membership, Role, User
from vidnova.assessments import answers as answer_rules
from vidnova.assessments.models import Answer, Assessment, InstrumentVersion, Round, RoundKind
from vidnova.assessments.services.answers import start
from vidnova.assessments.services.rounds import round_open
from vidnova.assessments.services.scores import assessment_rescore, form_of
from vidnova.assessments.services.workflow import assessment_return, assessment_submit, assessment_validate
from vidnova.audit.services import record
from vidnova.programmes.models import Participation, Programme
from vidnova.registry.models import Hromada

ROUND_NAME_UK = "Базове оцінювання 2026"
ROUND_NAME_EN = "Baseline assessment 2026"
ROUND_NAME_NL = "Nulmeting 2026"
OPENS_ON = datetime.date(2026, 2, 2)
DEADLINE = datetime.date(2026, 4, 30)

# The state each demo hromada's assessment ends in (by KATOTTG); every other hromada is validated, and
# the demo editor's hromada is the one returned with comments, so she has something to act on.
DRAFT = "draft"
HALF = "half"
SUBMITTED = "submitted"
RETURNED = "returned"
VALIDATED = "validated"
STATES_BY_KATOTTG: dict[str, str] = {
    "UA74020010000010449": DRAFT,  # Koriukivska
    "UA74060070000028810": HALF,  # Semenivska
    "UA12080090000039979": HALF,  # Pokrovska
    "UA59040130000041676": SUBMITTED,  # Trostianetska
    "UA12100090000022751": SUBMITTED,  # Pereshchepynska
    "UA63060070000031032": SUBMITTED,  # Natalynska
}

# The coordinator's comments on the returned assessment (question → comment) and general message.
RETURN_NOTES = {
    "f1_prep_plan": (
        "Додайте, будь ласка, як доказ рішення про затвердження плану реагування на надзвичайні ситуації "
        "або уточніть рівень відповідно до рубрики."
    ),
    "ctx_idp_hosted": (
        "Кількість ВПО відрізняється від даних соціального захисту на ту саму дату. Перевірте, будь ласка, "
        "і вкажіть джерело в коментарі."
    ),
}
RETURN_MESSAGE = "Дякуємо за анкету! Уточніть, будь ласка, дві відповіді, позначені коментарями."

# Oblast → how hard the war hit its hromadas: weights of the damage levels none … critical.
MYKOLAIV = "UA48000000000039575"
KHERSON = "UA65000000000030969"
SUMY = "UA59000000000057109"
KHARKIV = "UA63000000000041885"
CHERNIHIV = "UA74000000000025378"
DNIPROPETROVSK = "UA12000000000090473"
DAMAGE_LEVELS = ("none", "minor", "significant", "severe", "critical")
DAMAGE_WEIGHTS: dict[str, tuple[int, ...]] = {
    KHERSON: (0, 0, 2, 5, 4),
    MYKOLAIV: (0, 1, 4, 4, 1),
    KHARKIV: (0, 1, 3, 4, 2),
    SUMY: (0, 2, 5, 3, 1),
    CHERNIHIV: (0, 3, 5, 2, 0),
    DNIPROPETROVSK: (2, 5, 2, 0, 0),
}
DEFAULT_DAMAGE_WEIGHTS = (1, 3, 3, 2, 1)
FRONTLINE = {KHERSON, KHARKIV, SUMY, MYKOLAIV}

# Strength profiles by field (mean level 0–4 of fields 1, 2, 3): a hromada draws one and varies it.
PROFILES: tuple[tuple[float, float, float], ...] = (
    (3.0, 2.2, 1.3),  # strong in civil protection, weak in participation
    (1.4, 2.9, 2.3),  # strong in projects and finance
    (2.3, 1.3, 3.0),  # strong in local democracy
    (2.7, 2.6, 2.5),  # good all round
    (1.2, 1.5, 1.8),  # weak all round: a clear training need
    (3.2, 1.7, 2.6),
    (1.8, 3.1, 1.5),
    (2.2, 2.0, 2.1),
)

COUNCIL_KIND = {"urban": "міська", "settlement": "селищна", "rural": "сільська"}


def _rng(hromada: Hromada) -> random.Random:
    return random.Random(f"vidnova-demo-assessment:{hromada.katottg}")  # noqa: S311 - demo data, not security


def _demo_users(users: Mapping[str, User] | None) -> tuple[User, User | None]:
    """The demo coordinator and editor (the demo accounts, looked up when not given)."""
    from vidnova.programmes.demo import ACCOUNTS  # imported here: the programmes demo imports this module

    if users is None:
        emails = {spec.key: spec.email for spec in ACCOUNTS}
        found = {user.email.lower(): user for user in User.objects.filter(email__in=list(emails.values()))}
        users = {key: found[email.lower()] for key, email in emails.items() if email.lower() in found}
    return users["coordinator"], users.get("editor")


def _round_hromadas(programme: Programme) -> list[Hromada]:
    ids = Participation.objects.filter(phase__programme=programme).values_list("hromada_id", flat=True)
    return list(Hromada.objects.filter(pk__in=ids).select_related("oblast").order_by("name_sort", "katottg"))


def create_demo_assessments(
    *,
    programme: Programme,
    version: InstrumentVersion,
    users: Mapping[str, User] | None = None,
    created: list[str] | None = None,
) -> Round:
    """Create the demo baseline round of ``version`` for every hromada of ``programme`` (once), and the
    demo selection call on it; return the round."""
    coordinator, editor = _demo_users(users)
    for user in (coordinator, editor):
        if user is not None:
            access.forget_roles(user)  # act with the roles the demo has just granted
    with transaction.atomic():
        round_ = Round.objects.filter(programme=programme, kind=RoundKind.BASELINE, name_uk=ROUND_NAME_UK).first()
        if round_ is None:
            round_ = _create_round(programme, version, coordinator, editor)
            if created is not None:
                created.append(f"assessment round {ROUND_NAME_EN} ({round_.assessments.count()} hromadas)")
        _selection(programme, round_, created)
    return round_


def _selection(programme: Programme, round_: Round, created: list[str] | None) -> None:
    """The demo selection call (written in vidnova.assessments.demo_selection, idempotent there)."""
    module = importlib.import_module("vidnova.assessments.demo_selection")
    make: Callable[..., Any] = module.create_demo_selection_call
    from vidnova.assessments.models import SelectionCall

    before = SelectionCall.objects.filter(programme=programme).count()
    make(programme=programme, round_=round_)
    if created is not None and SelectionCall.objects.filter(programme=programme).count() != before:
        created.append(f"selection call on {ROUND_NAME_EN}")


def _create_round(programme: Programme, version: InstrumentVersion, coordinator: User, editor: User | None) -> Round:
    hromadas = _round_hromadas(programme)
    round_ = round_open(
        acting_user=coordinator,
        programme=programme,
        instrument_version=version,
        name_uk=ROUND_NAME_UK,
        name_en=ROUND_NAME_EN,
        name_nl=ROUND_NAME_NL,
        kind=RoundKind.BASELINE,
        opens_on=OPENS_ON,
        deadline=DEADLINE,
        hromadas=hromadas,
    )
    editor_hromadas: set[int] = set()
    if editor is not None:
        editor_hromadas = set(
            Membership.objects.filter(user=editor, role=Role.HROMADA_EDITOR, hromada__isnull=False).values_list(
                "hromada_id", flat=True
            )
        )
    form = form_of(version)
    assessments = Assessment.objects.filter(round=round_).select_related("hromada__oblast", "round__instrument_version")
    for assessment in assessments:
        hromada = assessment.hromada
        is_editors = editor is not None and hromada.pk in editor_hromadas
        state = RETURNED if is_editors else STATES_BY_KATOTTG.get(hromada.katottg, VALIDATED)
        if state == DRAFT:
            continue
        acting = editor if is_editors and editor is not None else coordinator
        answers = demo_answers(form, hromada)
        if state == HALF:
            answers = _first_half(form, answers)
        _write_answers(assessment, answers, acting)
        if state == HALF:
            continue
        assessment_submit(acting_user=acting, assessment=assessment)
        if state == VALIDATED:
            assessment_validate(acting_user=coordinator, assessment=assessment)
        elif state == RETURNED:
            notes = {name: text for name, text in RETURN_NOTES.items() if name in answers}
            assessment_return(acting_user=coordinator, assessment=assessment, notes=notes, message=RETURN_MESSAGE)
    return round_


def _write_answers(assessment: Assessment, answers: Mapping[str, str], user: User) -> None:
    """Store a whole questionnaire's answers at once, as one audited change, and score them."""
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=name, value=value, version=1, answered_by=user)
        for name, value in answers.items()
    )
    start(assessment, user)
    assessment_rescore(assessment, dict(answers))
    record(
        actor=user,
        action="assessments.answer.saved",
        target=assessment,
        data={"questions": list(answers), "version": 1, "source": "create_demo"},
        hromada=assessment.hromada,
    )


def _first_half(form: answer_rules.Form, answers: Mapping[str, str]) -> dict[str, str]:
    """The answers of the first half of the questionnaire (context and field 1 and a bit): a half-filled
    assessment, still consistent because every answer only depends on earlier ones."""
    names = [name for name in form.order if name in answers]
    kept = names[: len(names) // 2]
    return {name: answers[name] for name in kept}


# --- the answers -------------------------------------------------------------------------------


def demo_answers(form: answer_rules.Form, hromada: Hromada) -> dict[str, str]:
    """A complete, valid set of answers for ``hromada``, the same on every run."""
    rng = _rng(hromada)
    proposals = _context(rng, hromada)
    profile = _profile(rng)
    answers: dict[str, str] = {}
    offsets: dict[str, float] = {}
    for question in form.answerable():
        name = question["name"]
        if name not in answer_rules.relevant_questions(form, {**answers, name: ""}):
            continue
        candidates = _candidates(form, question, rng, proposals, answers, profile, offsets)
        for candidate in candidates:
            try:
                value = answer_rules.clean_value(form, name, candidate, answers)
            except answer_rules.AnswerInvalid:
                continue
            if value:
                answers[name] = value
                break
    # Drop anything a later answer made irrelevant (the generator only looks backwards, so this is a
    # safeguard), then make sure the result passes the form's own checks.
    relevant = answer_rules.relevant_questions(form, answers)
    return {name: value for name, value in answers.items() if name in relevant}


def _profile(rng: random.Random) -> tuple[float, float, float]:
    base = rng.choice(PROFILES)
    return (
        base[0] + rng.uniform(-0.3, 0.3),
        base[1] + rng.uniform(-0.3, 0.3),
        base[2] + rng.uniform(-0.3, 0.3),
    )


def _candidates(
    form: answer_rules.Form,
    question: Mapping[str, Any],
    rng: random.Random,
    proposals: Mapping[str, Any],
    answers: Mapping[str, str],
    profile: tuple[float, float, float],
    offsets: dict[str, float],
) -> list[Any]:
    """Values to try for ``question``, best first (the first the form accepts is kept)."""
    name = question["name"]
    if name in proposals:
        proposal = proposals[name]
        return [proposal(answers) if callable(proposal) else proposal]
    if name == "f1_risk_top_group":
        return ["military", "technological", "natural"]
    if name == "f1_risk_top_hazard":
        choices = [str(c["name"]) for c in form.choices(question)]
        rng.shuffle(choices)
        return choices
    if name == "f1_has_shelters":
        return ["yes" if rng.random() < 0.85 else "no"]
    if name == "f1_shelter_count":
        return [rng.randint(4, 60)]
    if name == "f1_shelter_capacity":
        return [int(answers.get("f1_shelter_count") or 1) * rng.randint(40, 180)]
    if question.get("scored"):
        dimension = str(question.get("dimension") or "")
        if dimension not in offsets:
            offsets[dimension] = rng.uniform(-0.8, 0.8)
        field = int(question.get("field") or 1)
        level = round(profile[field - 1] + offsets[dimension] + rng.gauss(0, 0.6))
        level = max(0, min(4, level))
        if question["type"] == "select_multiple":
            items = [str(c["name"]) for c in form.choices(question) if str(c["name"]) != "none"]
            rng.shuffle(items)
            return [items[:level] if level else ["none"], ["none"]]
        # Lower levels next, so a refused level (a constraint) falls back to the nearest lower one.
        return [str(n) for n in range(level, -1, -1)]
    choices = [str(c["name"]) for c in form.choices(question)]
    return [rng.choice(choices)] if choices else []


def _context(rng: random.Random, hromada: Hromada) -> dict[str, Any]:
    """The context answers of ``hromada``, consistent with the registry and with each other. Values that
    depend on earlier answers are functions of the answers so far."""
    oblast = hromada.oblast.katottg if hromada.oblast_id else ""
    population_2022 = hromada.population_2022 or rng.randint(8_000, 40_000)
    population = max(1, round(population_2022 * rng.uniform(0.72, 0.97), -1))
    damage = rng.choices(DAMAGE_LEVELS, weights=DAMAGE_WEIGHTS.get(oblast, DEFAULT_DAMAGE_WEIGHTS))[0]
    severity = DAMAGE_LEVELS.index(damage)
    hromada_type = hromada.hromada_type or ("urban" if population_2022 > 25_000 else "rural")
    if oblast in FRONTLINE and severity >= 3:
        governance = rng.choice(("ma_partial", "ma_partial", "ma_full"))
    elif oblast in FRONTLINE:
        governance = rng.choice(("council", "ma_partial"))
    else:
        governance = "council"
    sectors = ["housing", "energy", "education", "water", "transport", "health", "admin", "business", "culture"]
    rng.shuffle(sectors)
    chosen_sectors = ["housing", *[s for s in sectors if s != "housing"][: 1 + severity]]
    idp_hosted = round(population * rng.uniform(0.02, 0.14), -1)
    plans = ["strategy", "cp_plan"]
    for plan, chance in (("pkv", 0.35), ("rdp", 0.5), ("epp", 0.6), ("kirt", 0.2), ("kpprt", 0.25)):
        if rng.random() < chance:
            plans.append(plan)
    staff_total = max(25, round(population / rng.uniform(180, 320)))
    council = COUNCIL_KIND.get(hromada_type, "")
    respondent = f"Робоча група з оцінювання потреб, {hromada.name_uk} {council} рада (демо)".replace("  ", " ")

    def priority(answers: Mapping[str, str]) -> str:
        given = (answers.get("ctx_damage_sectors") or "").split()
        return "housing" if "housing" in given else (given[0] if given else "")

    criteria: list[str] = []
    if severity >= 2:
        criteria.append("hostilities")
    if oblast in {KHERSON, KHARKIV} and severity >= 3:
        criteria.append("occupied")
    if severity >= 3:
        criteria.append("destroyed")
    if severity >= 1 and rng.random() < 0.6:
        criteria.append("displacement")
    contamination = {0: "no", 1: rng.choice(("suspected", "unknown")), 2: rng.choice(("suspected", "confirmed"))}.get(
        severity, "confirmed"
    )
    return {
        "ctx_respondent": respondent,
        "ctx_assessment_date": (OPENS_ON + datetime.timedelta(days=rng.randint(7, 60))).isoformat(),
        "ctx_hromada_type": hromada_type,
        "ctx_population": int(population),
        "ctx_governance_mode": governance,
        "ctx_recovery_criteria": criteria or ["none"],
        "ctx_damage_level": damage,
        "ctx_damaged_housing": int(population * rng.uniform(0.002, 0.012) * severity),
        "ctx_damaged_facilities": rng.randint(2, 12) * severity,
        "ctx_damage_cost": str(Decimal(rng.randint(40, 900) * severity * 10) / 10),
        "ctx_damage_sectors": chosen_sectors,
        "ctx_priority_sector": priority,
        "ctx_eo_contamination": contamination,
        "ctx_idp_hosted": int(idp_hosted),
        "ctx_idp_as_of": (OPENS_ON - datetime.timedelta(days=rng.randint(5, 40))).isoformat(),
        "ctx_idp_collective": int(idp_hosted * rng.uniform(0.03, 0.2)),
        "ctx_residents_left": int(population_2022 * rng.uniform(0.04, 0.08) * (1 + severity)),
        "ctx_plans_in_force": plans,
        "ctx_strategy_until": rng.choice((2027, 2027, 2028, 2030)),
        "ctx_strategy_updated": "yes" if rng.random() < 0.45 else "no",
        "ctx_pkv_stage": rng.choice(("not_planned", "initiated", "drafting", "discussion")),
        "ctx_dream_projects": rng.randint(0, 6) * (1 + severity),
        "ctx_budget_revenue": str(round(Decimal(population) * Decimal(rng.uniform(0.009, 0.016)), 1)),
        "ctx_own_revenue_share": str(round(Decimal(rng.uniform(38, 78)), 1)),
        "ctx_staff_total": staff_total,
        "ctx_staff_vacant": int(staff_total * rng.uniform(0.04, 0.22)),
    }


def state_plan(hromadas: Sequence[Hromada], editor_hromadas: set[int]) -> dict[str, str]:
    """The end state of each hromada's demo assessment, by KATOTTG (for tests and the demo report)."""
    return {
        h.katottg: RETURNED if h.pk in editor_hromadas else STATES_BY_KATOTTG.get(h.katottg, VALIDATED)
        for h in hromadas
    }
