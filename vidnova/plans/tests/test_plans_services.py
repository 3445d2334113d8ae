"""Services of the plan description: plan_create, plan_update, document_add and document_remove.

Each write checks access (404 for outsiders, 403 for read-only members), refuses bad input naming the
field with nothing saved, detects conflicting edits and writes one audit entry with the changes.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.plans import catalogue, principles
from vidnova.plans.models import HigherLevelDocument, Plan, PlanState, PlanType
from vidnova.plans.services.plans import (
    MAX_DOCUMENTS,
    MAX_SUMMARY_CHARS,
    description_locked_reason,
    document_add,
    document_remove,
    plan_create,
    plan_update,
)
from vidnova.plans.tests.test_plans_support import adopt, open_amendment, version_of
from vidnova.testing import factories

JAN_1 = datetime.date(2026, 1, 1)
DEC_31 = datetime.date(2028, 12, 31)


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme)


def update(plan: Plan, user: object, **changes: object) -> Plan:
    """plan_update with the plan's own values, except ``changes``."""
    values: dict[str, object] = {
        "title_uk": plan.title_uk,
        "title_en": plan.title_en,
        "summary_uk": plan.summary_uk,
        "summary_en": plan.summary_en,
        "summary_nl": plan.summary_nl,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "programme": plan.programme,
        "original_language": plan.original_language,
        "expected_version": plan.version,
    }
    values.update(changes)
    return plan_update(acting_user=user, plan=plan, **values)  # type: ignore[arg-type]


def error_fields(error: ValidationError) -> set[str]:
    return set(error.message_dict)


# --- plan_create ---------------------------------------------------------------------------------


def test_create_makes_the_whole_skeleton_and_logs_it(world: World) -> None:
    plan = plan_create(
        acting_user=world.editor,
        hromada=world.hromada,
        plan_type=PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME,
        title_uk="  Програма комплексного відновлення  ",
        title_en="Comprehensive recovery programme",
        starts_on=JAN_1,
        ends_on=DEC_31,
        programme=world.programme,
        original_language="uk",
    )
    assert plan.title_uk == "Програма комплексного відновлення"
    assert plan.state == PlanState.INITIATED
    assert plan.created_by == world.editor
    version = version_of(plan)
    assert version.number == 1
    assert [section.code for section in version.sections.order_by("position")] == [
        spec.code.value for spec in catalogue.SECTIONS
    ]
    assert version.principle_checks.count() == len(principles.PRINCIPLES)
    entry = AuditEntry.objects.get(action="plans.plan.created")
    assert (entry.actor, entry.hromada, entry.object_id) == (world.editor, world.hromada, str(plan.pk))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"plan_type": "masterplan"}, "plan_type"),
        ({"title_uk": "   "}, "title_uk"),
        ({"ends_on": datetime.date(2025, 12, 31)}, "ends_on"),
        ({"original_language": "de"}, "original_language"),
        ({"summary_uk": "я" * (MAX_SUMMARY_CHARS + 1)}, "summary_uk"),
    ],
)
def test_create_names_the_bad_field_and_saves_nothing(world: World, changes: dict[str, object], field: str) -> None:
    values: dict[str, object] = {
        "plan_type": PlanType.LOCAL_RECOVERY_PLAN,
        "title_uk": "План",
        "starts_on": JAN_1,
        "ends_on": DEC_31,
        **changes,
    }
    with pytest.raises(ValidationError) as raised:
        plan_create(acting_user=world.editor, hromada=world.hromada, **values)  # type: ignore[arg-type]
    assert field in error_fields(raised.value)
    assert not Plan.objects.exists()
    assert not AuditEntry.objects.exists()


def test_create_refuses_a_programme_the_hromada_is_not_in(world: World) -> None:
    other = factories.ProgrammeFactory(slug="other-programme")
    with pytest.raises(ValidationError) as raised:
        plan_create(
            acting_user=world.coordinator,
            hromada=world.hromada,
            plan_type=PlanType.LOCAL_RECOVERY_PLAN,
            title_uk="План",
            starts_on=JAN_1,
            ends_on=DEC_31,
            programme=other,
        )
    assert error_fields(raised.value) == {"programme"}
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("persona", "error"), [("viewer", PermissionDenied), ("expert", Http404), ("outsider", Http404)]
)
def test_create_is_for_editors_and_staff(world: World, persona: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        plan_create(
            acting_user=getattr(world, persona),
            hromada=world.hromada,
            plan_type=PlanType.LOCAL_RECOVERY_PLAN,
            title_uk="План",
            starts_on=JAN_1,
            ends_on=DEC_31,
        )
    assert not Plan.objects.exists()


# --- plan_update ---------------------------------------------------------------------------------


def test_update_saves_and_logs_each_changed_field(world: World, plan: Plan) -> None:
    saved = update(
        plan,
        world.editor,
        title_en="Recovery plan 2025–2027",
        summary_uk=" Короткий опис. ",
        summary_nl="Korte samenvatting.",
        ends_on=datetime.date(2028, 6, 30),
        original_language="en",
    )
    assert saved.version == plan.version + 1
    plan.refresh_from_db()
    assert plan.title_en == "Recovery plan 2025–2027"
    assert plan.summary_uk == "Короткий опис."
    assert plan.ends_on == datetime.date(2028, 6, 30)
    entry = AuditEntry.objects.get(action="plans.plan.updated")
    assert entry.actor == world.editor
    assert entry.hromada == world.hromada
    assert entry.changes == {
        "title_en": ["Recovery plan", "Recovery plan 2025–2027"],
        "summary_uk": ["", "Короткий опис."],
        "summary_nl": ["", "Korte samenvatting."],
        "ends_on": ["2027-12-31", "2028-06-30"],
        "original_language": ["uk", "en"],
    }


def test_update_with_nothing_changed_writes_nothing(world: World, plan: Plan) -> None:
    saved = update(plan, world.coordinator)
    assert saved.version == plan.version
    plan.refresh_from_db()
    assert plan.version == saved.version
    assert not AuditEntry.objects.filter(action="plans.plan.updated").exists()


def test_a_stale_version_is_a_conflict_and_nothing_is_saved(world: World, plan: Plan) -> None:
    stale = Plan.objects.get(pk=plan.pk)
    update(plan, world.editor, title_en="First")
    with pytest.raises(EditConflict) as raised:
        update(stale, world.coordinator, title_en="Second")
    assert raised.value.current_version == stale.version + 1
    plan.refresh_from_db()
    assert plan.title_en == "First"
    assert AuditEntry.objects.filter(action="plans.plan.updated").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title_uk": ""}, "title_uk"),
        ({"starts_on": datetime.date(2030, 1, 1)}, "ends_on"),
        ({"summary_en": "x" * (MAX_SUMMARY_CHARS + 1)}, "summary_en"),
        ({"original_language": "ru"}, "original_language"),
        ({"title_en": "x" * 301}, "title_en"),
    ],
)
def test_update_names_the_bad_field_and_saves_nothing(
    world: World, plan: Plan, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        update(plan, world.editor, **changes)
    assert field in error_fields(raised.value)
    fresh = Plan.objects.get(pk=plan.pk)
    assert (fresh.version, fresh.title_uk, fresh.title_en) == (plan.version, plan.title_uk, plan.title_en)
    assert not AuditEntry.objects.filter(action="plans.plan.updated").exists()


def test_a_new_programme_must_have_the_hromada(world: World, plan: Plan) -> None:
    other = factories.ProgrammeFactory(slug="other-programme")
    with pytest.raises(ValidationError) as raised:
        update(plan, world.coordinator, programme=other)
    assert error_fields(raised.value) == {"programme"}
    phase = factories.PhaseFactory(programme=other, number=1)
    factories.ParticipationFactory(phase=phase, hromada=world.hromada)
    saved = update(plan, world.coordinator, programme=other)
    assert saved.programme == other
    assert AuditEntry.objects.get(action="plans.plan.updated").changes == {
        "programme": [str(world.programme), str(other)]
    }


def test_a_programme_the_hromada_has_left_may_stay(world: World, plan: Plan) -> None:
    world.hromada.programme_phases.clear()
    saved = update(plan, world.editor, title_en="Still reviewed")
    assert saved.programme == world.programme
    saved = update(saved, world.editor, programme=None)
    assert saved.programme is None


@pytest.mark.parametrize(
    ("persona", "error"), [("viewer", PermissionDenied), ("expert", PermissionDenied), ("outsider", Http404)]
)
def test_update_is_for_editors_and_staff(world: World, plan: Plan, persona: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        update(plan, getattr(world, persona), title_en="Changed")
    assert Plan.objects.get(pk=plan.pk).title_en == "Recovery plan"


def test_the_description_of_an_adopted_plan_is_frozen_until_an_amendment(world: World, plan: Plan) -> None:
    adopt(plan)
    assert description_locked_reason(plan) is not None
    with pytest.raises(ValidationError) as raised:
        update(plan, world.coordinator, title_en="Changed")
    assert "amendment" in raised.value.messages[0]
    assert Plan.objects.get(pk=plan.pk).title_en == "Recovery plan"
    open_amendment(plan)
    assert description_locked_reason(plan) is None
    assert update(plan, world.coordinator, title_en="Changed").title_en == "Changed"


def test_a_plan_in_a_stage_after_adoption_cannot_change_its_description(world: World) -> None:
    # Even without a frozen version (data made by hand): the workflow says the stage is not editable.
    plan = factories.make_plan(world.hromada, programme=world.programme, state=PlanState.MONITORED)
    with pytest.raises(ValidationError, match="monitored"):
        update(plan, world.editor, title_en="Changed")


def test_the_system_may_update_without_a_user(plan: Plan) -> None:
    saved = update(plan, None, title_en="By the demo", expected_version=None)
    assert saved.title_en == "By the demo"
    assert AuditEntry.objects.get(action="plans.plan.updated").actor is None


# --- higher-level documents ------------------------------------------------------------------------


def test_add_a_document_and_log_it(world: World, plan: Plan) -> None:
    document = document_add(
        acting_user=world.editor,
        plan=plan,
        document_type="regional_strategy",
        title=" Стратегія розвитку Київської області до 2027 року ",
        reference="Рішення обласної ради № 123",
        url="https://example.org/strategy.pdf",
    )
    assert document.title == "Стратегія розвитку Київської області до 2027 року"
    assert list(plan.higher_level_documents.all()) == [document]
    entry = AuditEntry.objects.get(action="plans.document.added")
    assert entry.object_id == str(plan.pk)
    assert entry.hromada == world.hromada
    assert entry.changes["higher_level_document"][1].startswith("Стратегія розвитку Київської області")
    assert entry.data["document_type"] == "regional_strategy"


def test_a_linked_plan_lends_its_title(world: World, plan: Plan) -> None:
    strategy = factories.make_plan(world.hromada, plan_type="development_strategy", title_uk="Стратегія громади")
    document = document_add(
        acting_user=world.editor, plan=plan, document_type="hromada_strategy", title="", linked_plan=strategy
    )
    assert (document.title, document.linked_plan) == ("Стратегія громади", strategy)
    with pytest.raises(ValidationError) as raised:
        document_add(
            acting_user=world.editor, plan=plan, document_type="hromada_strategy", title="", linked_plan=strategy
        )
    assert error_fields(raised.value) == {"linked_plan"}


def test_a_plan_cannot_follow_itself_or_a_plan_out_of_sight(world: World, plan: Plan) -> None:
    hidden = factories.make_plan(world.other_hromada, title_uk="Чужий план")  # a draft the editor cannot see
    for linked in (plan, hidden):
        with pytest.raises(ValidationError) as raised:
            document_add(acting_user=world.editor, plan=plan, document_type="other", title="X", linked_plan=linked)
        assert error_fields(raised.value) == {"linked_plan"}
    adopt(hidden)  # public now
    document_add(acting_user=world.editor, plan=plan, document_type="other", title="", linked_plan=hidden)
    assert plan.higher_level_documents.get().title == "Чужий план"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"document_type": "law", "title": "Закон"}, "document_type"),
        ({"document_type": "other", "title": ""}, "title"),
        ({"document_type": "other", "title": "Документ", "url": "not a link"}, "url"),
        ({"document_type": "other", "title": "Документ", "reference": "я" * 301}, "reference"),
    ],
)
def test_bad_documents_name_the_field(world: World, plan: Plan, values: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        document_add(acting_user=world.editor, plan=plan, **values)  # type: ignore[arg-type]
    assert field in error_fields(raised.value)
    assert not HigherLevelDocument.objects.exists()
    assert not AuditEntry.objects.filter(action="plans.document.added").exists()


def test_remove_a_document_and_log_it(world: World, plan: Plan) -> None:
    document = document_add(acting_user=world.editor, plan=plan, document_type="other", title="Документ")
    document_remove(acting_user=world.coordinator, document=document)
    assert not HigherLevelDocument.objects.exists()
    entry = AuditEntry.objects.get(action="plans.document.removed")
    assert entry.actor == world.coordinator
    assert entry.changes == {"higher_level_document": ["Документ (other document)", ""]}


@pytest.mark.parametrize(
    ("persona", "error"), [("viewer", PermissionDenied), ("expert", PermissionDenied), ("outsider", Http404)]
)
def test_documents_are_for_editors_and_staff(world: World, plan: Plan, persona: str, error: type[Exception]) -> None:
    document = document_add(acting_user=None, plan=plan, document_type="other", title="Документ")
    with pytest.raises(error):
        document_add(acting_user=getattr(world, persona), plan=plan, document_type="other", title="Ще один")
    with pytest.raises(error):
        document_remove(acting_user=getattr(world, persona), document=document)
    assert list(HigherLevelDocument.objects.values_list("title", flat=True)) == ["Документ"]


def test_documents_of_an_adopted_plan_are_frozen(world: World, plan: Plan) -> None:
    document = document_add(acting_user=world.editor, plan=plan, document_type="other", title="Документ")
    adopt(plan)
    with pytest.raises(ValidationError):
        document_add(acting_user=world.editor, plan=plan, document_type="other", title="Ще один")
    with pytest.raises(ValidationError):
        document_remove(acting_user=world.editor, document=document)
    assert HigherLevelDocument.objects.count() == 1


def test_a_plan_follows_a_limited_number_of_documents(world: World, plan: Plan) -> None:
    HigherLevelDocument.objects.bulk_create(
        HigherLevelDocument(plan=plan, document_type="other", title=f"Документ {number}")
        for number in range(MAX_DOCUMENTS)
    )
    with pytest.raises(ValidationError, match="at most 30 documents"):
        document_add(acting_user=world.editor, plan=plan, document_type="other", title="Ще один")
    assert HigherLevelDocument.objects.count() == MAX_DOCUMENTS
