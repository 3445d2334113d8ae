"""The access rules of vidnova.plans.rules, for every persona and every kind of plan object.

Insiders of a plan are programme staff, the members of its hromada and the partner experts of
organisations in its programme. Anyone may read an adopted (public) plan and its adopted versions;
drafts, comment threads and history are for insiders; an adopted version is frozen for everyone.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from conftest import World
from vidnova.accounts.access import Action, AnyUser, can
from vidnova.plans.models import CommentThread, ExportFormat, GoalLevel, GoalNode, Plan, PlanExport, PrincipleCheck
from vidnova.plans.tests.test_plans_support import adopt, open_amendment, version_of
from vidnova.testing import factories

PERSONAS = ("admin", "coordinator", "editor", "viewer", "expert", "outsider", "anonymous")
INSIDERS = {"admin", "coordinator", "editor", "viewer", "expert"}
EDITORS = {"admin", "coordinator", "editor"}
COMMENTERS = {"admin", "coordinator", "editor", "expert"}


def user(world: World, persona: str) -> AnyUser:
    return AnonymousUser() if persona == "anonymous" else getattr(world, persona)


@pytest.fixture
def draft(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme)


@pytest.fixture
def adopted(world: World) -> Plan:
    plan = factories.make_plan(world.hromada, programme=world.programme)
    adopt(plan)
    return plan


def objects_in(plan: Plan) -> dict[str, Model]:
    """One object of each kind inside the plan's newest version."""
    version = version_of(plan)
    section = version.sections.get(code="profile")
    node = GoalNode.objects.create(plan_version=version, level=GoalLevel.VISION, text_uk="Бачення")
    return {
        "version": version,
        "section": section,
        "goal node": node,
        "principle check": PrincipleCheck.objects.get(plan_version=version, principle="inclusiveness"),
        "export": PlanExport.objects.create(plan_version=version, file_format=ExportFormat.PDF, language="uk"),
    }


# --- plans ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_draft_plan(world: World, draft: Plan, persona: str) -> None:
    who = user(world, persona)
    assert can(who, Action.VIEW, draft) is (persona in INSIDERS)
    assert can(who, Action.VIEW_PRIVATE, draft) is (persona in INSIDERS)
    assert can(who, Action.COMMENT, draft) is (persona in COMMENTERS)
    assert can(who, Action.EDIT, draft) is (persona in EDITORS)
    assert can(who, Action.ADMINISTER, draft) is (persona == "admin")


@pytest.mark.parametrize("persona", PERSONAS)
def test_adopted_plan_is_public_but_its_private_parts_are_not(world: World, adopted: Plan, persona: str) -> None:
    who = user(world, persona)
    assert can(who, Action.VIEW, adopted) is True
    assert can(who, Action.VIEW_PRIVATE, adopted) is (persona in INSIDERS)
    assert can(who, Action.COMMENT, adopted) is (persona in COMMENTERS)
    assert can(who, Action.EDIT, adopted) is (persona in EDITORS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_plan_of_another_hromada(world: World, persona: str) -> None:
    """Hromada members are insiders of their own hromada's plans only; staff of all plans."""
    factories.ParticipationFactory(phase=world.phase, hromada=world.other_hromada)
    plan = factories.make_plan(world.other_hromada, programme=world.programme)
    staff = {"admin", "coordinator"}
    who = user(world, persona)
    assert can(who, Action.VIEW, plan) is (persona in staff | {"expert"})
    assert can(who, Action.EDIT, plan) is (persona in staff)
    assert can(who, Action.COMMENT, plan) is (persona in staff | {"expert"})


@pytest.mark.parametrize("persona", PERSONAS)
def test_partner_experts_see_only_plans_of_their_programmes(world: World, persona: str) -> None:
    plan = factories.make_plan(world.hromada)  # no supporting programme
    who = user(world, persona)
    assert can(who, Action.VIEW, plan) is (persona in INSIDERS - {"expert"})
    assert can(who, Action.COMMENT, plan) is (persona in COMMENTERS - {"expert"})


def test_superusers_may_do_everything(world: World, adopted: Plan) -> None:
    # Superusers pass every rule, frozen versions included: services check frozen versions themselves.
    root = factories.UserFactory(is_superuser=True, is_staff=True)
    version = version_of(adopted)
    assert can(root, Action.VIEW_PRIVATE, adopted)
    assert can(root, Action.EDIT, version)


# --- versions and what they hold -----------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", ["version", "section", "goal node", "principle check", "export"])
def test_objects_in_a_working_version(world: World, draft: Plan, persona: str, kind: str) -> None:
    obj = objects_in(draft)[kind]
    who = user(world, persona)
    assert can(who, Action.VIEW, obj) is (persona in INSIDERS)
    assert can(who, Action.VIEW_PRIVATE, obj) is (persona in INSIDERS)
    assert can(who, Action.EDIT, obj) is (persona in EDITORS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", ["version", "section", "goal node", "principle check", "export"])
def test_objects_in_a_frozen_version_are_public_and_read_only(world: World, persona: str, kind: str) -> None:
    plan = factories.make_plan(world.hromada, programme=world.programme)
    created = objects_in(plan)[kind]
    adopt(plan)
    obj = type(created)._default_manager.get(pk=created.pk)  # read afresh: now frozen
    who = user(world, persona)
    assert can(who, Action.VIEW, obj) is True
    assert can(who, Action.VIEW_PRIVATE, obj) is (persona in INSIDERS)
    assert can(who, Action.EDIT, obj) is False


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_amendment_version_is_private_and_editable_while_the_adopted_one_stays_frozen(
    world: World, adopted: Plan, persona: str
) -> None:
    frozen = version_of(adopted, 1)
    amendment = open_amendment(adopted)
    who = user(world, persona)
    assert can(who, Action.VIEW, frozen) is True
    assert can(who, Action.EDIT, frozen) is False
    assert can(who, Action.VIEW, amendment) is (persona in INSIDERS)
    assert can(who, Action.EDIT, amendment) is (persona in EDITORS)
    assert can(who, Action.EDIT, amendment.sections.get(code="vision")) is (persona in EDITORS)


# --- comment threads -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("public", [False, True])
def test_comment_threads_are_never_public(world: World, persona: str, public: bool) -> None:
    plan = factories.make_plan(world.hromada, programme=world.programme)
    thread = CommentThread.objects.create(section=version_of(plan).sections.get(code="needs"), created_by=world.expert)
    if public:
        adopt(plan)
        thread = CommentThread.objects.get(pk=thread.pk)
    who = user(world, persona)
    assert can(who, Action.VIEW, thread) is (persona in INSIDERS)
    assert can(who, Action.VIEW_PRIVATE, thread) is (persona in INSIDERS)
    assert can(who, Action.COMMENT, thread) is (persona in COMMENTERS)
    assert can(who, Action.EDIT, thread) is (persona in COMMENTERS)
    assert can(who, Action.ADMINISTER, thread) is (persona == "admin")


def test_anonymous_sees_only_public_plans(world: World, draft: Plan, adopted: Plan) -> None:
    from vidnova.plans.selectors.plans import plans_visible_to

    assert list(plans_visible_to(AnonymousUser())) == [adopted]
    assert set(plans_visible_to(world.outsider)) == {adopted}
    assert set(plans_visible_to(world.viewer)) == {draft, adopted}
