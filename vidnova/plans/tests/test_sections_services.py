"""The section services: sanitising, size limit, conflicts, revisions, tables, registry figures,
drafts, restores, access and frozen versions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from conftest import World
from vidnova.accounts.models import User
from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.plans import text
from vidnova.plans.models import PlanState, Section, SectionDraft, SectionRevision
from vidnova.plans.selectors.sections import section_state_at
from vidnova.plans.services.sections import (
    REGISTRY_SOURCE,
    registry_profile_rows,
    section_draft_autosave,
    section_insert_registry_profile,
    section_revision_restore,
    section_save,
    section_tables_save,
)
from vidnova.plans.tests.test_sections_support import adopt, amend, new_plan, section_of
from vidnova.registry.models import Hromada, SecurityStatus
from vidnova.testing import factories

pytestmark = pytest.mark.django_db


def save(world: World, section: Section, uk: str, en: str = "", *, version: int | None = None) -> Section:
    return section_save(
        acting_user=world.editor,
        section=section,
        expected_version=section.version if version is None else version,
        body_uk=uk,
        body_en=en,
    )


# --- sanitising -------------------------------------------------------------------------------


def test_script_handlers_javascript_links_and_styles_are_removed(world: World) -> None:
    section = section_of(new_plan(world))
    saved = save(
        world,
        section,
        '<p onclick="steal()">Громада<script>alert(1)</script></p><style>p{color:red}</style>'
        '<a href="javascript:alert(2)">посилання</a><img src=x onerror="alert(3)"><iframe src="//x"></iframe>',
        '<p style="color:red" class="x">Hromada</p>',
    )
    saved.refresh_from_db()
    for fragment in ("script", "alert", "onclick", "onerror", "javascript:", "<style", "color:red", "<img", "iframe"):
        assert fragment not in saved.body_uk + saved.body_en
    assert "<p>Громада</p>" in saved.body_uk
    assert "посилання" in saved.body_uk
    assert saved.body_en == "<p>Hromada</p>"


def test_the_allowed_subset_is_kept(world: World) -> None:
    section = section_of(new_plan(world))
    rich = (
        "<h2>Профіль</h2><h3>Населення</h3><p><strong>Жирний</strong>, <em>курсив</em></p>"
        "<ul><li>один</li></ul><ol><li>два</li></ol><blockquote>цитата</blockquote>"
        '<table><caption>Таблиця</caption><thead><tr><th scope="col">А</th></tr></thead>'
        "<tbody><tr><td>1</td></tr></tbody></table>"
    )
    saved = save(world, section, rich + '<p><a href="https://vidnova.example/">сайт</a></p>')
    for tag in ("<h2>", "<h3>", "<strong>", "<em>", "<ul>", "<ol>", "<li>", "<blockquote>", "<caption>", "<th "):
        assert tag in saved.body_uk
    assert 'href="https://vidnova.example/"' in saved.body_uk
    assert 'rel="noopener noreferrer nofollow"' in saved.body_uk


def test_plain_text_becomes_paragraphs(world: World) -> None:
    section = section_of(new_plan(world))
    saved = save(world, section, "Перший абзац,\nтой самий.\n\nДругий абзац < третього.")
    assert saved.body_uk == "<p>Перший абзац,<br>\nтой самий.</p>\n<p>Другий абзац &lt; третього.</p>"


# --- size limit -------------------------------------------------------------------------------


def test_text_over_the_limit_is_refused_naming_the_language_and_nothing_is_saved(world: World) -> None:
    section = section_of(new_plan(world))
    save(world, section, "<p>Було</p>", "<p>Before</p>")
    section.refresh_from_db()
    too_long = "я" * (text.MAX_RICH_TEXT_CHARS + 1)
    with pytest.raises(ValidationError) as caught:
        save(world, section, "<p>Нове</p>", too_long)
    assert set(caught.value.message_dict) == {"body_en"}
    [message] = caught.value.message_dict["body_en"]
    assert message.startswith("Text (English) is too long: 200,001 characters, the limit is 200,000.")
    section.refresh_from_db()
    assert (section.body_uk, section.body_en, section.version) == ("<p>Було</p>", "<p>Before</p>", 2)
    assert section.revisions.count() == 1
    # Exactly at the limit is accepted, in full: never truncated.
    at_limit = "a" * text.MAX_RICH_TEXT_CHARS
    saved = save(world, section, at_limit)
    assert saved.body_uk == f"<p>{at_limit}</p>"


# --- versions, conflicts, revisions -----------------------------------------------------------


def test_every_save_is_kept_as_a_revision_and_audited(world: World) -> None:
    section = section_of(new_plan(world))
    assert section.version == 1
    first = save(world, section, "<p>Один</p>", "<p>One</p>")
    second = save(world, first, "<p>Два</p>", "<p>One</p>")
    assert second.version == 3
    revisions = list(SectionRevision.objects.filter(section=section).order_by("number"))
    assert [(r.number, r.body_uk, r.body_en, r.author) for r in revisions] == [
        (2, "<p>Один</p>", "<p>One</p>", world.editor),
        (3, "<p>Два</p>", "<p>One</p>", world.editor),
    ]
    entries = AuditEntry.objects.filter(action="plans.section.saved").order_by("pk")
    assert entries.count() == 2
    last = entries.last()
    assert last is not None
    assert last.actor == world.editor
    assert last.hromada == world.hromada
    assert last.changes == {"body_uk": [len("<p>Один</p>"), len("<p>Два</p>")]}
    assert last.data["revision"] == 3
    assert last.data["changed"] == ["body_uk"]
    section.refresh_from_db()
    assert section.updated_by == world.editor


def test_a_save_that_changes_nothing_writes_no_revision(world: World) -> None:
    section = save(world, section_of(new_plan(world)), "<p>Текст</p>")
    again = save(world, section, "<p>Текст</p>")
    assert again.version == 2
    section.refresh_from_db()
    assert section.version == 2
    assert section.revisions.count() == 1
    assert AuditEntry.objects.filter(action="plans.section.saved").count() == 1


def test_a_stale_version_raises_a_conflict_and_overwrites_nothing(world: World) -> None:
    section = section_of(new_plan(world))
    save(world, section, "<p>Спершу</p>")
    stale = section_of(section.plan_version.plan)
    section_save(
        acting_user=world.coordinator, section=stale, expected_version=2, body_uk="<p>Координатор</p>", body_en=""
    )
    with pytest.raises(EditConflict) as caught:
        save(world, stale, "<p>Редактор</p>", version=2)
    assert (caught.value.expected_version, caught.value.current_version) == (2, 3)
    stale.refresh_from_db()
    assert stale.body_uk == "<p>Координатор</p>"
    assert stale.version == 3
    assert stale.revisions.count() == 2


def test_saving_deletes_the_authors_draft_but_not_other_peoples(world: World) -> None:
    section = section_of(new_plan(world))
    section_draft_autosave(
        acting_user=world.editor, section=section, body_uk="чернетка", body_en="", based_on_version=1
    )
    section_draft_autosave(
        acting_user=world.coordinator, section=section, body_uk="інша", body_en="", based_on_version=1
    )
    save(world, section, "<p>Збережено</p>")
    assert list(SectionDraft.objects.values_list("author__email", flat=True)) == ["coordinator@example.org"]


# --- access and state -------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "error"), [("viewer", PermissionDenied), ("expert", PermissionDenied)])
def test_members_who_may_not_edit_get_403(world: World, persona: str, error: type[Exception]) -> None:
    section = section_of(new_plan(world))
    with pytest.raises(error):
        section_save(
            acting_user=getattr(world, persona), section=section, expected_version=1, body_uk="<p>Ні</p>", body_en=""
        )
    section.refresh_from_db()
    assert section.body_uk == ""


def test_outsiders_get_404(world: World) -> None:
    section = section_of(new_plan(world))
    with pytest.raises(Http404):
        section_save(acting_user=world.outsider, section=section, expected_version=1, body_uk="x", body_en="")


def test_a_frozen_version_is_refused_for_every_write(world: World) -> None:
    plan = new_plan(world)
    section = section_of(plan)
    save(world, section, "<p>Ухвалено</p>")
    adopt(plan)
    section.refresh_from_db()
    revision = section.revisions.get()
    writes: list[Callable[[User], object]] = [
        lambda user: section_save(acting_user=user, section=section, expected_version=2, body_uk="x", body_en=""),
        lambda user: section_tables_save(
            acting_user=user, section=section, expected_version=2, table_code="key_figures", rows=[]
        ),
        lambda user: section_insert_registry_profile(acting_user=user, section=section, expected_version=2),
        lambda user: section_revision_restore(acting_user=user, section=section, revision=revision, expected_version=2),
        lambda user: section_draft_autosave(
            acting_user=user, section=section, body_uk="x", body_en="", based_on_version=2
        ),
    ]
    for write in writes:
        for user in (world.editor, world.coordinator):
            with pytest.raises(PermissionDenied):
                write(user)
    # The system (commands, the demo) is refused too, with the reason.
    with pytest.raises(ValidationError, match="was adopted and cannot be changed"):
        section_save(acting_user=None, section=section, expected_version=2, body_uk="x", body_en="")
    section.refresh_from_db()
    assert (section.body_uk, section.version) == ("<p>Ухвалено</p>", 2)


def test_the_amendment_version_is_editable_while_the_adopted_one_stays_frozen(world: World) -> None:
    plan = new_plan(world)
    save(world, section_of(plan), "<p>Було</p>")
    amend(plan)
    new_section = section_of(plan, number=2)
    saved = save(world, new_section, "<p>Змінено</p>")
    assert saved.body_uk == "<p>Змінено</p>"
    assert section_of(plan, number=1).body_uk == "<p>Було</p>"


def test_a_state_that_is_not_editable_is_refused_with_the_reason(world: World) -> None:
    plan = new_plan(world, state=PlanState.MONITORED)
    section = section_of(plan)
    with pytest.raises(ValidationError, match="cannot be changed while the plan is at the stage “monitored”"):
        save(world, section, "<p>Ні</p>")
    section.refresh_from_db()
    assert section.version == 1


# --- tables -----------------------------------------------------------------------------------


def test_tables_are_validated_and_saved_with_a_revision(world: World) -> None:
    section = section_of(new_plan(world), "financing")
    saved = section_tables_save(
        acting_user=world.editor,
        section=section,
        expected_version=1,
        table_code="financing",
        rows=[
            {"source": "local_budget", "amount": "1 500 000,50", "currency": "UAH", "year": "2026"},
            {"source": "", "amount": "", "currency": "", "year": "", "note": ""},
        ],
    )
    assert saved.tables == {
        "financing": [{"source": "local_budget", "amount": "1500000.50", "currency": "UAH", "year": "2026", "note": ""}]
    }
    revision = saved.revisions.get()
    assert revision.number == 2
    assert revision.tables == saved.tables
    entry = AuditEntry.objects.get(action="plans.section.tables_saved")
    assert entry.data["table"] == "financing"


def test_table_errors_name_the_table_row_and_column_and_save_nothing(world: World) -> None:
    section = section_of(new_plan(world), "financing")
    with pytest.raises(ValidationError) as caught:
        section_tables_save(
            acting_user=world.editor,
            section=section,
            expected_version=1,
            table_code="financing",
            rows=[
                {"source": "local_budget", "amount": "100", "currency": "UAH"},
                {"source": "lottery", "amount": "багато", "currency": "UAH"},
            ],
        )
    assert caught.value.messages == [
        "Financing by source, row 2, column “source”: “lottery” is not one of the choices.",
        "Financing by source, row 2, column “amount”: enter a number.",
    ]
    section.refresh_from_db()
    assert section.tables == {}
    assert section.version == 1


def test_only_tables_of_the_section_can_be_saved(world: World) -> None:
    section = section_of(new_plan(world), "vision")
    with pytest.raises(ValidationError) as caught:
        section_tables_save(acting_user=world.editor, section=section, expected_version=1, table_code="swot", rows=[])
    assert "table_code" in caught.value.message_dict


def test_a_table_save_on_a_stale_version_conflicts(world: World) -> None:
    section = save(world, section_of(new_plan(world), "swot"), "<p>Текст</p>")
    with pytest.raises(EditConflict):
        section_tables_save(
            acting_user=world.editor,
            section=section,
            expected_version=1,
            table_code="swot",
            rows=[{"quadrant": "strength", "text_uk": "Люди"}],
        )


# --- registry figures -------------------------------------------------------------------------


def test_registry_figures_equal_the_registry(world: World) -> None:
    bucha = Hromada.objects.get(katottg="UA32080070000050759")  # from the real registry
    factories.SecurityStatusPeriodFactory(
        hromada=bucha,
        status=SecurityStatus.POSSIBLE_HOSTILITIES,
        starts_on=datetime.date(2024, 1, 1),
        source="Наказ 376",
    )
    plan = factories.make_plan(bucha)
    section = section_of(plan)
    section_tables_save(
        acting_user=world.coordinator,
        section=section,
        expected_version=1,
        table_code="key_figures",
        rows=[
            {"indicator_uk": "Населення", "indicator_en": "Population", "value": "1"},
            {"indicator_uk": "Кількість шкіл", "indicator_en": "Schools", "value": "9", "source": "Відділ освіти"},
        ],
    )
    section.refresh_from_db()
    saved = section_insert_registry_profile(acting_user=world.coordinator, section=section, expected_version=2)
    rows = saved.tables["key_figures"]
    today = timezone.localdate()
    assert [row["indicator_en"] for row in rows] == [
        "Population (present)",
        "Area",
        "Administrative centre",
        "Number of settlements",
        "Security status",
        "Schools",  # kept; the old population row was replaced
    ]
    population, area, centre, settlements, security, schools = rows
    assert Decimal(population["value"]) == bucha.population_2022
    assert population["as_of"] == "2022-01-01"
    assert Decimal(area["value"]) == bucha.area_km2
    assert area["unit"] == "км² / km²"
    assert centre["value"] == bucha.admin_center_name
    assert centre["value_en"] == "Bucha"
    assert int(settlements["value"]) == bucha.settlement_count
    with translation.override("uk"):
        status_uk = str(SecurityStatus.POSSIBLE_HOSTILITIES.label)
    assert security["indicator_uk"] == "Безпекова ситуація"
    assert security["value"] == f"{status_uk} (з 1 січня 2024 р.)"
    assert security["value_en"] == "possible hostilities (since 1 January 2024)"
    assert security["source"] == f"{REGISTRY_SOURCE}; Наказ 376"
    for row in (area, centre, settlements, security):
        assert row["as_of"] == today.isoformat()
    for row in (population, area, centre, settlements):
        assert row["source"] == REGISTRY_SOURCE
    assert schools["source"] == "Відділ освіти"
    assert saved.revisions.count() == 2
    assert AuditEntry.objects.filter(action="plans.section.profile_inserted", hromada=bucha).count() == 1
    # Inserting again replaces the same indicators: still six rows.
    again = section_insert_registry_profile(acting_user=world.coordinator, section=saved, expected_version=3)
    assert len(again.tables["key_figures"]) == 6


def test_registry_rows_leave_out_what_the_registry_does_not_know(world: World) -> None:
    hromada = factories.HromadaFactory(population_2022=None, area_km2=Decimal("12.50"))
    rows = registry_profile_rows(hromada)
    assert [row["indicator_en"] for row in rows] == ["Area"]


def test_registry_figures_only_go_into_the_profile(world: World) -> None:
    section = section_of(new_plan(world), "needs")
    with pytest.raises(ValidationError, match="can only be inserted into the section"):
        section_insert_registry_profile(acting_user=world.editor, section=section, expected_version=1)


# --- drafts -----------------------------------------------------------------------------------


def test_autosave_keeps_one_draft_per_person_and_is_not_audited(world: World) -> None:
    section = section_of(new_plan(world))
    section_draft_autosave(acting_user=world.editor, section=section, body_uk="пер", body_en="", based_on_version=1)
    draft = section_draft_autosave(
        acting_user=world.editor, section=section, body_uk="перший <script>", body_en="first", based_on_version=1
    )
    assert SectionDraft.objects.count() == 1
    draft.refresh_from_db()
    assert (draft.body_uk, draft.body_en, draft.based_on_version) == ("перший <script>", "first", 1)
    assert not AuditEntry.objects.filter(action__startswith="plans.section").exists()
    section.refresh_from_db()
    assert (section.body_uk, section.version) == ("", 1)


def test_autosave_refuses_over_size_text_and_unknown_versions(world: World) -> None:
    section = section_of(new_plan(world))
    with pytest.raises(ValidationError) as caught:
        section_draft_autosave(
            acting_user=world.editor,
            section=section,
            body_uk="я" * (text.MAX_RICH_TEXT_CHARS + 1),
            body_en="",
            based_on_version=1,
        )
    assert "body_uk" in caught.value.message_dict
    with pytest.raises(ValidationError):
        section_draft_autosave(acting_user=world.editor, section=section, body_uk="", body_en="", based_on_version=9)
    assert not SectionDraft.objects.exists()


def test_viewers_cannot_autosave(world: World) -> None:
    section = section_of(new_plan(world))
    with pytest.raises(PermissionDenied):
        section_draft_autosave(acting_user=world.viewer, section=section, body_uk="x", body_en="", based_on_version=1)


# --- restore ----------------------------------------------------------------------------------


def test_restoring_makes_a_new_revision_equal_to_the_old_one(world: World) -> None:
    section = section_of(new_plan(world), "swot")
    first = save(world, section, "<p>Перша</p>", "<p>First</p>")
    with_table = section_tables_save(
        acting_user=world.editor,
        section=first,
        expected_version=2,
        table_code="swot",
        rows=[{"quadrant": "threat", "text_uk": "Обстріли"}],
    )
    changed = save(world, with_table, "<p>Друга</p>", "<p>Second</p>")
    old = changed.revisions.get(number=2)
    restored = section_revision_restore(
        acting_user=world.coordinator, section=changed, revision=old, expected_version=4
    )
    assert restored.version == 5
    newest = restored.revisions.get(number=5)
    assert (newest.body_uk, newest.body_en, newest.tables) == (old.body_uk, old.body_en, old.tables)
    assert (restored.body_uk, restored.tables) == ("<p>Перша</p>", {})
    assert newest.author == world.coordinator
    entry = AuditEntry.objects.get(action="plans.section.restored")
    assert entry.data["restored_revision"] == 2
    assert sorted(entry.data["changed"]) == ["body_en", "body_uk", "tables"]
    with pytest.raises(EditConflict):
        section_revision_restore(acting_user=world.editor, section=restored, revision=old, expected_version=4)


def test_a_revision_of_another_section_cannot_be_restored(world: World) -> None:
    plan = new_plan(world)
    other = save(world, section_of(plan, "vision"), "<p>Бачення</p>")
    section = section_of(plan)
    with pytest.raises(ValidationError):
        section_revision_restore(
            acting_user=world.editor, section=section, revision=other.revisions.get(), expected_version=1
        )


def test_table_saves_and_restores_keep_the_authors_unsaved_text(world: World) -> None:
    section = save(world, section_of(new_plan(world)), "<p>Було</p>")
    section_draft_autosave(
        acting_user=world.editor, section=section, body_uk="Недописане", body_en="", based_on_version=2
    )
    section = section_tables_save(
        acting_user=world.editor,
        section=section,
        expected_version=2,
        table_code="key_figures",
        rows=[{"indicator_uk": "Школи", "value": "3"}],
    )
    section_revision_restore(
        acting_user=world.editor, section=section, revision=section.revisions.get(number=2), expected_version=3
    )
    assert SectionDraft.objects.get(author=world.editor).body_uk == "Недописане"


def test_the_state_at_a_version_comes_from_revisions_or_how_the_section_started(world: World) -> None:
    plan = new_plan(world)
    section = save(world, section_of(plan), "<p>Перша</p>")
    assert section_state_at(section, 1) is not None
    assert section_state_at(section, 1) == section_state_at(section_of(plan, "vision"), 1)  # empty at creation
    state = section_state_at(section, 2)
    assert state is not None
    assert state.body_uk == "<p>Перша</p>"
    assert section_state_at(section, 7) is None
    amend(plan)
    copied = section_state_at(section_of(plan, number=2), 1)
    assert copied is not None
    assert copied.body_uk == "<p>Перша</p>"  # an amendment starts as a copy of the adopted section
