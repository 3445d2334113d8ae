"""Section pages: who may open and change what, the editor (save, sanitising, size limit, conflict and
merge, drafts), table grids, registry figures, history and restore, frozen versions, page hygiene."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from conftest import World
from vidnova.core.tests.test_security_headers import PageAudit
from vidnova.plans import text
from vidnova.plans.models import Plan, Section, SectionDraft
from vidnova.plans.services.sections import section_save, section_tables_save
from vidnova.plans.tests.test_sections_support import adopt, amend, english, new_plan, page_url, section_of

pytestmark = pytest.mark.django_db

READ_PAGES = ["section-detail", "section-history"]
WRITE_PAGES = ["section-edit"]


def html(response: Any) -> str:
    return str(response.content.decode())


def table_url(plan: Plan, code: str = "profile", table: str = "key_figures") -> str:
    return page_url("section-table-edit", plan, code, table=table)


def saved(section: Section) -> Section:
    section.refresh_from_db()
    return section


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
def test_outsiders_get_404_and_anonymous_visitors_are_sent_to_sign_in(
    world: World, clients: dict[str, Client], name: str
) -> None:
    plan = new_plan(world)
    assert clients["outsider"].get(page_url(name, plan)).status_code == 404
    response = clients["anonymous"].get(page_url(name, plan))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_adopted_plan_stays_private_here_for_outsiders(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    adopt(plan)
    for name in READ_PAGES:
        assert clients["outsider"].get(page_url(name, plan)).status_code == 404
    assert clients["outsider"].get(table_url(plan)).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "expert", "editor", "coordinator", "admin"])
def test_insiders_read_sections_and_history(world: World, clients: dict[str, Client], persona: str) -> None:
    plan = new_plan(world)
    for name in READ_PAGES:
        assert clients[persona].get(page_url(name, plan)).status_code == 200


@pytest.mark.parametrize("persona", ["viewer", "expert"])
def test_viewers_and_experts_may_not_edit(world: World, clients: dict[str, Client], persona: str) -> None:
    plan = new_plan(world)
    section = section_of(plan)
    client = clients[persona]
    assert client.get(page_url("section-edit", plan)).status_code == 403
    assert client.get(table_url(plan)).status_code == 403
    posts = [
        (page_url("section-edit", plan), {"body_uk": "Ні", "body_en": "", "version": 1}),
        (page_url("section-autosave", plan), {"body_uk": "Ні", "body_en": "", "based_on_version": 1}),
        (table_url(plan), {"version": 1, "rows": 3, "existing": 0, "r1-indicator_uk": "Ні", "r1-value": "1"}),
        (page_url("section-registry-profile", plan), {"version": 1}),
        (page_url("section-draft-discard", plan), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    # The detail page offers them no edit links.
    page = html(english(client).get(page_url("section-detail", plan)))
    assert page_url("section-edit", plan) not in page
    assert "Insert from the registry" not in page
    assert saved(section).version == 1
    assert not SectionDraft.objects.exists()


def test_outsiders_and_anonymous_visitors_change_nothing(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    data = {"body_uk": "Ні", "body_en": "", "version": 1}
    assert clients["outsider"].post(page_url("section-edit", plan), data).status_code == 404
    assert clients["outsider"].post(page_url("section-registry-profile", plan), {"version": 1}).status_code == 404
    anonymous = clients["anonymous"].post(page_url("section-edit", plan), data)
    assert anonymous.status_code == 302
    autosave = clients["anonymous"].post(page_url("section-autosave", plan), {**data, "based_on_version": 1})
    assert autosave.status_code == 401
    assert saved(section_of(plan)).version == 1


@pytest.mark.parametrize("persona", ["editor", "coordinator"])
def test_editors_and_coordinators_edit(world: World, clients: dict[str, Client], persona: str) -> None:
    plan = new_plan(world)
    response = clients[persona].post(
        page_url("section-edit", plan), {"body_uk": "<p>Текст</p>", "body_en": "<p>Text</p>", "version": 1}
    )
    assert response.status_code == 302
    assert response["Location"] == page_url("section-detail", plan)
    section = saved(section_of(plan))
    assert (section.body_uk, section.body_en, section.version) == ("<p>Текст</p>", "<p>Text</p>", 2)
    assert section.updated_by == getattr(world, persona)


def test_an_unknown_section_or_version_is_404(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    assert clients["editor"].get(page_url("section-detail", plan, "nonsense")).status_code == 404
    assert clients["editor"].get(page_url("section-detail", plan) + "?version=7").status_code == 404
    assert clients["editor"].get(table_url(plan, table="swot")).status_code == 404


# --- frozen versions ----------------------------------------------------------------------------


def test_a_frozen_version_is_read_only_for_everyone(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    section_save(
        acting_user=world.editor, section=section_of(plan), expected_version=1, body_uk="<p>Так</p>", body_en=""
    )
    adopt(plan)
    for persona in ("editor", "coordinator"):
        client = clients[persona]
        assert client.get(page_url("section-edit", plan)).status_code == 403
        assert (
            client.post(page_url("section-edit", plan), {"body_uk": "Ні", "body_en": "", "version": 2}).status_code
            == 403
        )
        assert client.post(page_url("section-registry-profile", plan), {"version": 2}).status_code == 403
        assert client.post(page_url("section-restore", plan, number=2), {"version": 2}).status_code == 403
        assert (
            client.post(page_url("section-autosave", plan), {"body_uk": "Ні", "based_on_version": 2}).status_code == 403
        )
    page = html(english(clients["editor"]).get(page_url("section-detail", plan)))
    assert "This version was adopted and is read-only." in page
    assert page_url("section-edit", plan) not in page
    assert saved(section_of(plan)).body_uk == "<p>Так</p>"


def test_during_an_amendment_the_new_version_is_edited_and_the_old_one_shown_read_only(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    amend(plan)
    client = english(clients["editor"])
    assert client.get(page_url("section-edit", plan)).status_code == 200
    old = html(client.get(page_url("section-detail", plan) + "?version=1"))
    assert "This version was adopted and is read-only." in old
    assert f'href="/plans/{plan.pk}/sections/war_impact/?version=1"' in old
    assert client.get(page_url("section-edit", plan) + "?version=1").status_code == 403


# --- the section page -----------------------------------------------------------------------------


def test_the_section_page_shows_guidance_texts_tables_and_links(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    section = section_of(plan, "financing")
    section_save(
        acting_user=world.editor,
        section=section,
        expected_version=1,
        body_uk="<h2>Фінанси</h2><p>Бюджет</p>",
        body_en="<p>Budget</p>",
    )
    section_tables_save(
        acting_user=world.editor,
        section=section,
        expected_version=2,
        table_code="financing",
        rows=[{"source": "international", "amount": "250000", "currency": "EUR", "year": "2026"}],
    )
    page = html(english(clients["viewer"]).get(page_url("section-detail", plan, "financing")))
    assert "Show how the plan will be paid for, by source" in page  # guidance from the catalogue
    assert "Legal or methodological basis: ЄПП" in page
    assert "required for this plan type" in page
    assert '<div class="rich-text"><h2>Фінанси</h2><p>Бюджет</p></div>' in page
    assert '<div class="rich-text"><p>Budget</p></div>' in page
    assert "<td>international partners</td>" in page  # the choice's label, not its code
    assert '<td class="num">250000</td>' in page
    assert f"Last edited by {world.editor}" in page
    assert 'href="{}"'.format(page_url("section-history", plan, "financing")) in page
    assert 'href="{}"'.format(page_url("section-comments", plan, "financing")) in page
    assert "Comments (0 open)" in page


def test_optional_sections_say_so(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world, plan_type="development_strategy")
    page = html(english(clients["editor"]).get(page_url("section-detail", plan, "war_impact")))
    assert "optional for this plan type" in page


def test_pages_have_no_inline_script_or_style(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    section_save(acting_user=world.editor, section=section_of(plan), expected_version=1, body_uk="<p>А</p>", body_en="")
    for url in (
        page_url("section-detail", plan),
        page_url("section-edit", plan),
        page_url("section-history", plan),
        table_url(plan),
    ):
        audit = PageAudit()
        audit.feed(html(clients["editor"].get(url)))
        assert audit.inline_scripts == []
        assert audit.style_attributes == []
        assert audit.event_handler_attributes == []
        assert audit.style_elements == 0


# --- editing the text -----------------------------------------------------------------------------


def test_the_edit_form_carries_the_version_and_both_languages(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    page = html(english(clients["editor"]).get(page_url("section-edit", plan)))
    assert '<input type="hidden" name="version" value="1"' in page
    assert 'name="body_uk"' in page
    assert 'name="body_en"' in page
    assert '<label for="id_body_uk">Text in Ukrainian</label>' in page
    assert 'data-autosave-url="{}"'.format(page_url("section-autosave", plan)) in page
    assert "plans/sections.js" in page


def test_saving_sanitises_the_text(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    clients["editor"].post(
        page_url("section-edit", plan),
        {"body_uk": '<p onmouseover="x()">Так<script>alert(1)</script></p>', "body_en": "", "version": 1},
    )
    assert saved(section_of(plan)).body_uk == "<p>Так</p>"


def test_over_size_text_is_refused_with_the_language_named_and_kept_in_the_form(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    too_long = "ж" * (text.MAX_RICH_TEXT_CHARS + 1)
    response = english(clients["editor"]).post(
        page_url("section-edit", plan), {"body_uk": too_long, "body_en": "<p>Short</p>", "version": 1}
    )
    assert response.status_code == 400
    page = html(response)
    assert "Text (Ukrainian) is too long: 200,001 characters, the limit is 200,000." in page
    assert too_long in page  # nothing typed is lost
    assert saved(section_of(plan)).version == 1


def test_preview_shows_the_sanitised_text_without_saving(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    response = english(clients["editor"]).post(
        page_url("section-edit", plan),
        {"body_uk": "Рядок\n\nДругий<script>x</script>", "body_en": "", "version": 1, "preview": ""},
    )
    page = html(response)
    assert response.status_code == 200
    assert "Preview (not saved yet)" in page
    assert '<div class="rich-text"><p>Рядок</p>\n<p>Другий</p></div>' in page
    assert saved(section_of(plan)).version == 1


def test_a_conflict_shows_both_texts_and_a_merge_box_and_overwrites_nothing(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    section = section_of(plan)
    section_save(
        acting_user=world.coordinator, section=section, expected_version=1, body_uk="<p>Їхній текст</p>", body_en=""
    )
    client = english(clients["editor"])
    response = client.post(
        page_url("section-edit", plan), {"body_uk": "<p>Мій текст</p>", "body_en": "<p>Mine</p>", "version": 1}
    )
    assert response.status_code == 409
    page = html(response)
    assert f"{world.coordinator} saved this section on" in page
    assert '<textarea id="theirs-uk" rows="12" readonly lang="uk">&lt;p&gt;Їхній текст&lt;/p&gt;</textarea>' in page
    assert '<textarea id="yours-uk" rows="12" readonly lang="uk">&lt;p&gt;Мій текст&lt;/p&gt;</textarea>' in page
    assert "<del>Їхній </del><ins>Мій </ins>текст" in page  # the word-level difference, theirs → yours
    # The merge boxes hold what the person typed, and the form now carries the current version.
    assert "&lt;p&gt;Мій текст&lt;/p&gt;</textarea>" in page.split('name="body_uk"')[1][:300]
    assert '<input type="hidden" name="version" value="2"' in page
    assert saved(section).body_uk == "<p>Їхній текст</p>"
    # Saving the merge applies on top of their text.
    merged = client.post(
        page_url("section-edit", plan), {"body_uk": "<p>Їхній і мій</p>", "body_en": "<p>Mine</p>", "version": 2}
    )
    assert merged.status_code == 302
    section = saved(section)
    assert (section.body_uk, section.version, section.revisions.count()) == ("<p>Їхній і мій</p>", 3, 2)


def test_a_conflict_proposes_their_text_where_only_they_changed_a_language(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    section = section_of(plan)
    base = section_save(
        acting_user=world.editor, section=section, expected_version=1, body_uk="<p>Укр</p>", body_en="<p>Eng</p>"
    )
    section_save(
        acting_user=world.coordinator,
        section=base,
        expected_version=2,
        body_uk="<p>Укр</p>",
        body_en="<p>Their English</p>",
    )
    response = english(clients["editor"]).post(
        page_url("section-edit", plan), {"body_uk": "<p>Моя українська</p>", "body_en": "<p>Eng</p>", "version": 2}
    )
    assert response.status_code == 409
    page = html(response)
    english_box = page.split('name="body_en"')[1][:300]
    ukrainian_box = page.split('name="body_uk"')[1][:300]
    assert "&lt;p&gt;Their English&lt;/p&gt;</textarea>" in english_box
    assert "&lt;p&gt;Моя українська&lt;/p&gt;</textarea>" in ukrainian_box
    assert "only the saved text changed: it is in the merge box" in page


def test_a_save_after_someone_changed_only_a_table_goes_through(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    section = section_of(plan)
    section_save(acting_user=world.editor, section=section, expected_version=1, body_uk="<p>Було</p>", body_en="")
    section_tables_save(
        acting_user=world.coordinator,
        section=saved(section),
        expected_version=2,
        table_code="key_figures",
        rows=[{"indicator_uk": "Школи", "value": "4"}],
    )
    response = clients["editor"].post(
        page_url("section-edit", plan), {"body_uk": "<p>Стало</p>", "body_en": "", "version": 2}
    )
    assert response.status_code == 302
    section = saved(section)
    assert section.body_uk == "<p>Стало</p>"
    assert section.tables["key_figures"][0]["indicator_uk"] == "Школи"  # their table is kept


# --- drafts -------------------------------------------------------------------------------------------


def test_autosave_keeps_a_draft_and_answers_in_json(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    response = english(clients["editor"]).post(
        page_url("section-autosave", plan), {"body_uk": "Незбережене", "body_en": "", "based_on_version": 1}
    )
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["message"].startswith("Draft kept on the server at ")
    assert body["section_version"] == 1
    draft = SectionDraft.objects.get()
    assert (draft.author, draft.body_uk, draft.based_on_version) == (world.editor, "Незбережене", 1)
    bad = clients["editor"].post(page_url("section-autosave", plan), {"body_uk": "x"})
    assert bad.status_code == 400
    assert clients["editor"].get(page_url("section-autosave", plan)).status_code == 405


def test_the_server_draft_is_offered_without_javascript_and_can_be_restored_or_discarded(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    client = english(clients["editor"])
    client.post(page_url("section-autosave", plan), {"body_uk": "Моя чернетка", "body_en": "", "based_on_version": 1})
    for url in (page_url("section-detail", plan), page_url("section-edit", plan)):
        assert "You have unsaved text in this section" in html(client.get(url))
    # Another person sees no draft of mine.
    assert "You have unsaved text" not in html(english(clients["coordinator"]).get(page_url("section-edit", plan)))
    restored = html(client.get(page_url("section-edit", plan) + "?draft=restore"))
    assert "Моя чернетка</textarea>" in restored
    assert "Your unsaved text was put back in the form." in restored
    discard = client.post(page_url("section-draft-discard", plan))
    assert discard.status_code == 302
    assert not SectionDraft.objects.exists()


def test_a_stale_draft_leads_to_the_merge_instead_of_overwriting(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    client = english(clients["editor"])
    client.post(page_url("section-autosave", plan), {"body_uk": "Моє", "body_en": "", "based_on_version": 1})
    section_save(
        acting_user=world.coordinator, section=section_of(plan), expected_version=1, body_uk="<p>Їхнє</p>", body_en=""
    )
    page = html(client.get(page_url("section-edit", plan) + "?draft=restore"))
    assert "if you continue with your text, you will see both texts" in html(client.get(page_url("section-edit", plan)))
    assert '<input type="hidden" name="version" value="1"' in page  # the draft's own starting version
    response = client.post(page_url("section-edit", plan), {"body_uk": "Моє", "body_en": "", "version": 1})
    assert response.status_code == 409
    assert saved(section_of(plan)).body_uk == "<p>Їхнє</p>"


def test_keep_as_draft_works_without_javascript(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    response = english(clients["editor"]).post(
        page_url("section-edit", plan), {"body_uk": "Почато", "body_en": "", "version": 1, "keep_draft": ""}
    )
    assert response.status_code == 200
    assert "Your text was kept as your personal draft." in html(response)
    assert SectionDraft.objects.get().body_uk == "Почато"
    assert saved(section_of(plan)).version == 1


def test_saving_removes_the_draft(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    client = clients["editor"]
    client.post(page_url("section-autosave", plan), {"body_uk": "Чернетка", "body_en": "", "based_on_version": 1})
    client.post(page_url("section-edit", plan), {"body_uk": "Готово", "body_en": "", "version": 1})
    assert not SectionDraft.objects.exists()


# --- tables -------------------------------------------------------------------------------------------


def grid_post(rows: list[dict[str, str]], *, version: int = 1, existing: int = 0, extra: int = 3) -> dict[str, Any]:
    data: dict[str, Any] = {"version": version, "rows": len(rows) + extra, "existing": existing}
    for number, row in enumerate(rows, start=1):
        for key, value in row.items():
            data[f"r{number}-{key}"] = value
    return data


def test_the_grid_shows_saved_rows_plus_three_blank_rows_with_translated_choices(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    section_tables_save(
        acting_user=world.editor,
        section=section_of(plan, "swot"),
        expected_version=1,
        table_code="swot",
        rows=[{"quadrant": "threat", "text_uk": "Обстріли"}],
    )
    page = html(english(clients["editor"]).get(table_url(plan, "swot", "swot")))
    assert "<caption>SWOT</caption>" in page
    assert 'name="r1-text_uk"' in page
    assert 'value="Обстріли"' in page
    assert 'name="r4-text_uk"' in page
    assert 'name="r5-text_uk"' not in page
    assert '<option value="threat" selected>threat</option>' in page
    assert '<label for="id_r2-quadrant" class="visually-hidden">Row 2, quadrant</label>' in page
    assert 'name="r1-remove"' in page
    assert 'name="r2-remove"' not in page
    financing = html(english(clients["editor"]).get(table_url(plan, "financing", "financing")))
    assert (
        '<option value="state_funds">state funds (for example the State Regional Development Fund)</option>'
        in financing
    )


def test_grid_errors_are_shown_per_cell_named_by_row_and_column_and_nothing_is_saved(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    rows = [
        {"indicator_uk": "Населення", "value": "12000"},
        {"indicator_uk": "", "value": "багато", "as_of": "вчора"},
    ]
    response = english(clients["editor"]).post(table_url(plan), grid_post(rows))
    assert response.status_code == 400
    page = html(response)
    assert "Key figures, row 2, column “indicator (Ukrainian)”: this value is required." in page
    assert "Key figures, row 2, column “as of”: enter a date as YYYY-MM-DD." in page
    assert '<span class="cell-message" id="id_r2-as_of_error">' in page
    assert 'aria-describedby="id_r2-as_of_error"' in page
    assert 'value="багато"' in page  # the typed values stay
    assert saved(section_of(plan)).tables == {}


def test_add_rows_works_without_javascript_and_saves_nothing(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    data = grid_post([{"indicator_uk": "Школи", "value": "х"}])
    data["add_rows"] = ""
    response = english(clients["editor"]).post(table_url(plan), data)
    assert response.status_code == 200
    page = html(response)
    assert 'name="r9-indicator_uk"' in page  # 4 rows + 5 more
    assert 'value="Школи"' in page
    assert "enter a number" not in page  # not judged yet
    assert saved(section_of(plan)).tables == {}


def test_saving_the_grid_keeps_filled_rows_and_removes_ticked_ones(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    client = clients["editor"]
    first = client.post(
        table_url(plan),
        grid_post([{"indicator_uk": "Школи", "value": "4"}, {"indicator_uk": "Лікарні", "value": "1,5"}]),
    )
    assert first.status_code == 302
    assert first["Location"] == page_url("section-detail", plan) + "#table-key_figures"
    assert [row["value"] for row in saved(section_of(plan)).tables["key_figures"]] == ["4", "1,5"]
    data = grid_post(
        [
            {"indicator_uk": "Школи", "value": "4", "remove": "on"},
            {"indicator_uk": "Лікарні", "value": "1.5"},
            {"indicator_uk": "Садки", "value": "2"},
        ],
        version=2,
        existing=2,
    )
    assert client.post(table_url(plan), data).status_code == 302
    assert [row["indicator_uk"] for row in saved(section_of(plan)).tables["key_figures"]] == ["Лікарні", "Садки"]


def test_a_grid_conflict_shows_the_saved_table_and_keeps_the_typed_rows(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    section_tables_save(
        acting_user=world.coordinator,
        section=section_of(plan),
        expected_version=1,
        table_code="key_figures",
        rows=[{"indicator_uk": "Їхнє", "value": "1"}],
    )
    response = english(clients["editor"]).post(table_url(plan), grid_post([{"indicator_uk": "Моє", "value": "2"}]))
    assert response.status_code == 409
    page = html(response)
    assert "The table as saved now" in page
    assert "<td>Їхнє</td>" in page
    assert 'value="Моє"' in page
    assert '<input type="hidden" name="version" value="2"' in page
    assert saved(section_of(plan)).tables["key_figures"][0]["indicator_uk"] == "Їхнє"


# --- registry figures -----------------------------------------------------------------------------


def test_insert_from_the_registry(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    client = english(clients["editor"])
    page = html(client.get(page_url("section-detail", plan)))
    assert "Insert from the registry" in page
    assert "Population (present): 12000" in page
    response = client.post(page_url("section-registry-profile", plan), {"version": 1})
    assert response.status_code == 302
    rows = saved(section_of(plan)).tables["key_figures"]
    assert [row["value"] for row in rows] == [str(world.hromada.population_2022), str(world.hromada.area_km2)]
    # A second click with the old version is a conflict: a message, nothing changes.
    again = client.post(page_url("section-registry-profile", plan), {"version": 1}, follow=True)
    assert "Someone changed this section after you opened it." in html(again)
    assert saved(section_of(plan)).version == 2


def test_the_registry_button_is_only_on_the_profile(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    assert "Insert from the registry" not in html(
        english(clients["editor"]).get(page_url("section-detail", plan, "needs"))
    )
    response = clients["editor"].post(page_url("section-registry-profile", plan, "needs"), {"version": 1})
    assert response.status_code == 302
    assert saved(section_of(plan, "needs")).version == 1


# --- history ----------------------------------------------------------------------------------------


def make_history(world: World, plan: Plan) -> Section:
    section = section_of(plan)
    for version, body in enumerate(
        ["<p>Один два три</p>", "<p>Один чотири три</p>", "<p>Один чотири три п’ять</p>"], 1
    ):
        section = section_save(
            acting_user=world.editor, section=section, expected_version=version, body_uk=body, body_en=""
        )
    return section


@pytest.mark.parametrize("persona", ["viewer", "expert", "editor"])
def test_history_lists_revisions_and_shows_the_latest_change(
    world: World, clients: dict[str, Client], persona: str
) -> None:
    plan = new_plan(world)
    make_history(world, plan)
    page = html(english(clients[persona]).get(page_url("section-history", plan)))
    assert "Changes from revision 3 to revision 4" in page
    assert "<ins>п’ять </ins>" in page
    assert page.count(f"<td>{world.editor}</td>") == 3
    assert ("Restore revision 2" in page) is (persona == "editor")


def test_history_compares_chosen_revisions_and_the_empty_start(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    make_history(world, plan)
    client = english(clients["editor"])
    page = html(client.get(page_url("section-history", plan), {"from": 2, "to": 4}))
    assert "Changes from revision 2 to revision 4" in page
    assert "<del>два </del><ins>чотири </ins>" in page
    first = html(client.get(page_url("section-history", plan), {"from": 0, "to": 2}))
    assert "Revision 2 compared with the empty section" in first
    assert "<ins>Один два три</ins>" in first
    same = html(client.get(page_url("section-history", plan), {"from": 3, "to": 3}))
    assert "Choose two different revisions to compare." in same


def test_restoring_a_revision(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    make_history(world, plan)
    client = english(clients["coordinator"])
    response = client.post(page_url("section-restore", plan, number=2), {"version": 4}, follow=True)
    assert "Revision 2 was restored as revision 5." in html(response)
    section = saved(section_of(plan))
    assert (section.body_uk, section.version) == ("<p>Один два три</p>", 5)
    stale = client.post(page_url("section-restore", plan, number=3), {"version": 4}, follow=True)
    assert "Someone saved this section after you opened its history." in html(stale)
    assert saved(section_of(plan)).version == 5
    assert client.post(page_url("section-restore", plan, number=99), {"version": 5}).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "expert"])
def test_viewers_and_experts_cannot_restore(world: World, clients: dict[str, Client], persona: str) -> None:
    plan = new_plan(world)
    make_history(world, plan)
    assert clients[persona].post(page_url("section-restore", plan, number=2), {"version": 4}).status_code == 403
    assert clients["outsider"].post(page_url("section-restore", plan, number=2), {"version": 4}).status_code == 404
    assert saved(section_of(plan)).version == 4


def test_history_is_paginated(
    world: World, clients: dict[str, Client], django_assert_max_num_queries: Callable[..., Any]
) -> None:
    plan = new_plan(world)
    section = section_of(plan)
    for version in range(1, 24):
        section = section_save(
            acting_user=world.editor, section=section, expected_version=version, body_uk=f"<p>{version}</p>", body_en=""
        )
    client = english(clients["editor"])
    with django_assert_max_num_queries(30):
        page = html(client.get(page_url("section-history", plan)))
    assert "Page 1 of 2" in page
    assert "Restore revision 5" in page
    assert "Restore revision 4" not in page
    assert "Restore revision 4" in html(client.get(page_url("section-history", plan), {"page": 2}))


def test_a_conflict_on_the_first_save_knows_the_section_started_empty(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    section_save(
        acting_user=world.coordinator, section=section_of(plan), expected_version=1, body_uk="<p>Їхнє</p>", body_en=""
    )
    response = english(clients["editor"]).post(
        page_url("section-edit", plan), {"body_uk": "", "body_en": "<p>Mine</p>", "version": 1}
    )
    assert response.status_code == 409
    page = html(response)
    assert "changed by both of you" not in page
    assert "&lt;p&gt;Їхнє&lt;/p&gt;</textarea>" in page.split('name="body_uk"')[1][:300]
    assert "&lt;p&gt;Mine&lt;/p&gt;</textarea>" in page.split('name="body_en"')[1][:300]
