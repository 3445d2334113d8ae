"""The demo recovery plans: built through the services by the create_demo command, in the intended
states, complete where they must be, and created only once."""

from __future__ import annotations

import datetime
import importlib
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from conftest import World
from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.audit.models import AuditEntry
from vidnova.plans import catalogue, demo_content, principles, text
from vidnova.plans.demo import create_demo_plans
from vidnova.plans.models import (
    AdoptingBody,
    Comment,
    CommentThread,
    GoalLevel,
    GoalNode,
    Plan,
    PlanState,
    PlanTransition,
    PlanType,
    PlanVersion,
    PrincipleCheck,
    Section,
    SectionCode,
    SectionRevision,
)
from vidnova.plans.selectors.goals import flatten, goal_tree
from vidnova.plans.services.workflow import transition_problems
from vidnova.programmes import demo
from vidnova.programmes.models import Programme

# The registry rows the demo needs (the real ones, reused when the registry is loaded).
from vidnova.programmes.tests.conftest import demo_registry  # noqa: F401 - a fixture, used by name
from vidnova.testing import factories

pytestmark = pytest.mark.usefixtures("demo_registry")

PASSWORD = "demo-password-123"


def _users() -> dict[str, User]:
    return {spec.key: User.objects.get(email=spec.email) for spec in demo.ACCOUNTS}


def _demo_plans() -> dict[str, Plan]:
    demo.demo_create(password=PASSWORD)
    plans = {spec.key: Plan.objects.get(is_demo=True, hromada__katottg=spec.katottg) for spec in demo_content.PLANS}
    return plans


def _state() -> dict[str, object]:
    """Everything the plans demo writes, so two runs can be compared."""
    return {
        "plans": list(Plan.objects.order_by("pk").values_list("pk", "version", "state", "updated_at")),
        "versions": list(PlanVersion.objects.order_by("pk").values_list("pk", "updated_at")),
        "sections": list(Section.objects.order_by("pk").values_list("pk", "version")),
        "revisions": SectionRevision.objects.count(),
        "goals": list(GoalNode.objects.order_by("pk").values_list("pk", "version")),
        "checks": list(PrincipleCheck.objects.order_by("pk").values_list("pk", "version")),
        "transitions": PlanTransition.objects.count(),
        "threads": list(CommentThread.objects.order_by("pk").values_list("pk", "resolved_at")),
        "comments": Comment.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_the_adopted_plan_is_public_frozen_and_complete() -> None:
    plan = _demo_plans()["adopted"]
    users = _users()

    assert plan.hromada.katottg == demo_content.VELYKOOLEKSANDRIVSKA
    assert plan.hromada.participations.filter(phase__number=1, phase__programme__slug=demo.PROGRAMME_SLUG).exists()
    assert plan.plan_type == PlanType.LOCAL_RECOVERY_PLAN
    assert plan.state == PlanState.ADOPTED
    assert plan.is_demo
    assert "Демонстраційний" in plan.summary_uk
    assert "Demonstration" in plan.summary_en
    assert plan.summary_nl

    version = plan.versions.get()
    assert plan.public_version == version
    assert version.number == 1
    assert version.is_frozen
    assert version.adopting_body == AdoptingBody.COUNCIL
    assert version.act_date == datetime.date(2023, 9, 28)
    assert version.adopted_by == users["coordinator"]
    with version.act_document.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    # The consultation ran in 2023 and was over before the act.
    assert (version.consultation_starts_on, version.consultation_ends_on) == (
        datetime.date(2023, 8, 14),
        datetime.date(2023, 9, 8),
    )

    # Public: anyone may read the adopted version; nobody may edit it any more.
    assert access.can(AnonymousUser(), Action.VIEW, plan)
    assert access.can(AnonymousUser(), Action.VIEW, version)
    assert not access.can(users["coordinator"], Action.EDIT, version)

    # Every section written in both languages; every required one is filled.
    sections = {section.code: section for section in version.sections.all()}
    assert set(catalogue.required_codes(plan.plan_type)) == set(SectionCode.values)
    for code in SectionCode.values:
        section = sections[code]
        assert len(text.plain_text(section.body_uk)) > 300, code
        assert len(text.plain_text(section.body_en)) > 300, code
        assert section.updated_by == users["coordinator"], code
        assert text.sanitize(section.body_uk) == section.body_uk, code  # nothing the sanitiser would change

    # The structured tables.
    tables = {code: section.tables for code, section in sections.items()}
    key_figures = tables["profile"]["key_figures"]
    assert key_figures[0]["indicator_en"].startswith("Population")
    assert key_figures[0]["value"] == str(plan.hromada.population_2022)
    assert any(row["indicator_en"] == "Registered internally displaced people" for row in key_figures)
    assert len(tables["war_impact"]["damage_by_sector"]) == 13
    assert len(tables["war_impact"]["displacement"]) == 3
    assert len(tables["resources"]["resources"]) >= 5
    quadrants = Counter(row["quadrant"] for row in tables["swot"]["swot"])
    assert set(quadrants) == {"strength", "weakness", "opportunity", "threat"}
    assert min(quadrants.values()) >= 3
    risks = tables["swot"]["risks"]
    assert any("power cuts" in row["risk_en"] for row in risks)  # added after the expert's comment
    assert {row["currency"] for row in tables["financing"]["financing"]} == {"UAH", "EUR"}
    assert len(tables["participation"]["engagement_events"]) == 9
    assert len(tables["monitoring"]["indicators"]) >= 8

    # The participation section grew during the consultation: its history keeps the first text.
    participation = sections["participation"]
    first, *_rest, last = participation.revisions.order_by("number")
    assert "will be completed" in text.plain_text(first.body_en)
    assert "26 days" in text.plain_text(last.body_en)

    # The goal tree: a vision, 4 strategic goals, operational goals and tasks, tagged.
    nodes = flatten(goal_tree(version))
    assert 35 <= len(nodes) <= 50
    levels = Counter(item.node.level for item in nodes)
    assert levels[GoalLevel.VISION] == 1
    assert levels[GoalLevel.STRATEGIC_GOAL] == 4
    assert levels[GoalLevel.OPERATIONAL_GOAL] >= 8
    assert levels[GoalLevel.TASK] >= 24
    codes = {item.code: item.node for item in nodes}
    assert codes["1.3.1"].text_en.startswith("Build solar plants")  # cited in the projects and financing
    assert codes["4.3.3"].text_en.startswith("Take stock of land")  # cited in the EU alignment section
    tags = {
        scheme: set().union(*(getattr(item.node, scheme) for item in nodes))
        for scheme in ("sdg_targets", "acquis_chapters", "charter_articles")
    }
    assert {"11.5", "11.b", "16.6", "16.7", "8.3", "7.2"} <= tags["sdg_targets"]
    assert {"22", "27", "15", "23", "5", "19"} <= tags["acquis_chapters"]
    assert {"4", "9"} <= tags["charter_articles"]
    assert all(item.node.text_en for item in nodes)

    # The principles checklist is complete.
    checks = list(version.principle_checks.all())
    assert len(checks) == len(principles.PRINCIPLES)
    assert all(check.is_met and check.justification_uk and check.justification_en for check in checks)

    # The review: the expert's comment was answered, acted on and resolved before the adoption.
    thread = CommentThread.objects.get(section__plan_version=version)
    assert not thread.is_open
    assert [comment.author for comment in thread.comments.all()] == [users["expert"], users["coordinator"]]

    # The workflow history walks every stage, and the audit log names the demo accounts.
    assert list(plan.transitions.order_by("created_at", "pk").values_list("to_state", flat=True)) == [
        PlanState.SITUATION_ANALYSIS,
        PlanState.NEEDS_AND_PARTICIPATION,
        PlanState.VISION_GOALS,
        PlanState.PROJECT_IDEAS,
        PlanState.PRIORITISATION,
        PlanState.DRAFT,
        PlanState.CONSULTATION,
        PlanState.ADOPTED,
    ]
    adopted = AuditEntry.objects.get(action="plans.plan.adopted")
    assert adopted.actor == users["coordinator"]
    assert AuditEntry.objects.filter(action="plans.goal.created", actor=users["coordinator"]).count() == len(nodes)


def test_the_drafts_are_in_their_intended_states() -> None:
    plans = _demo_plans()
    users = _users()
    today = timezone.localdate()
    assert Plan.objects.filter(is_demo=True).count() == 4
    assert not Plan.objects.filter(is_demo=False).exists()
    assert all(plan.public_version is None for key, plan in plans.items() if key != "adopted")
    participating = set(Programme.objects.get(slug=demo.PROGRAMME_SLUG).phases.values_list("hromadas", flat=True))
    assert {plan.hromada_id for plan in plans.values()} <= participating

    # In consultation: the demo editor's own hromada, every required section filled, open comments.
    consultation = plans["consultation"]
    assert consultation.hromada.katottg == demo.MEMBER_HROMADA.katottg
    assert consultation.state == PlanState.CONSULTATION
    assert consultation.created_by == users["editor"]
    version = consultation.versions.get()
    assert not version.is_frozen
    assert version.consultation_starts_on is not None
    assert version.consultation_ends_on is not None
    assert version.consultation_starts_on <= today <= version.consultation_ends_on
    assert all(not text.is_empty(section.body_uk) for section in version.sections.all())
    threads = CommentThread.objects.filter(section__plan_version=version)
    assert threads.count() == 3
    assert all(thread.is_open for thread in threads)
    assert {thread.created_by for thread in threads} == {users["coordinator"], users["expert"]}
    assert Comment.objects.filter(thread__in=threads, author=users["editor"]).count() == 1
    assert access.can(users["editor"], Action.EDIT, version)
    assert not access.can(users["viewer"], Action.EDIT, version)
    # Not adoptable yet, and the workflow says why.
    problems = " ".join(transition_problems(plan=consultation, target=PlanState.ADOPTED, user=users["coordinator"]))
    assert "Principles not yet confirmed" in problems
    assert "consultation" in problems.lower()

    # Needs and participation: a few sections written, the rest still empty.
    needs = plans["needs"]
    assert needs.state == PlanState.NEEDS_AND_PARTICIPATION
    written = {section.code for section in needs.versions.get().sections.all() if not text.is_empty(section.body_uk)}
    assert written == {"profile", "war_impact", "resources", "participation"}

    # A comprehensive recovery programme collecting proposals for at least 10 days.
    proposals = plans["proposals"]
    assert proposals.plan_type == PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME
    assert proposals.state == PlanState.PROPOSALS_COLLECTION
    version = proposals.versions.get()
    assert version.proposals_starts_on is not None
    assert version.proposals_ends_on is not None
    assert version.proposals_starts_on <= today <= version.proposals_ends_on
    assert (version.proposals_ends_on - version.proposals_starts_on).days + 1 >= 10


def test_running_the_demo_again_creates_nothing() -> None:
    plans = _demo_plans()
    before = _state()

    result = demo.demo_create(password=PASSWORD)

    assert _state() == before
    assert not result.created_anything
    programme = Programme.objects.get(slug=demo.PROGRAMME_SLUG)
    again = create_demo_plans(programme=programme, users=_users())
    assert {key: plan.pk for key, plan in again.items()} == {key: plan.pk for key, plan in plans.items()}
    assert _state() == before


def test_the_command_reports_the_plans(db: None) -> None:
    out = StringIO()
    call_command("create_demo", "--verbosity", "2", stdout=out)
    report = out.getvalue()
    assert "adopted plan of Velykooleksandrivska" in report
    assert "consultation plan of Bashtanska" in report
    assert "collection of proposals plan of Vysokopilska" in report


def test_the_demo_act_is_a_plain_pdf_where_weasyprint_cannot_run(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo does not need WeasyPrint's system libraries: without Pango the act is written by hand."""
    from vidnova.core.uploads import validate_upload
    from vidnova.plans import demo as plans_demo

    real_import = importlib.import_module

    def no_pango(name: str, package: str | None = None) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", no_pango)
    plan = factories.make_plan(world.hromada, programme=world.programme, title_uk="План відновлення громади")
    adoption = demo_content.Adoption(AdoptingBody.COUNCIL, "ДЕМО-7", datetime.date(2024, 3, 1))

    pdf = plans_demo.demo_act_pdf(plan, adoption)

    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"(DEMONSTRATION DOCUMENT - NOT A LEGAL ACT) '" in pdf
    assert b"Decision No. DEMO-7 of 2024-03-01" in pdf
    assert b"Plan vidnovlennia hromady" in pdf
    assert validate_upload(ContentFile(pdf, name="act.pdf"), allowed={"pdf"}).extension == "pdf"
