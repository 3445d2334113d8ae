"""Comparing versions and revisions: word-level text differences with safe markup, table rows added,
removed and changed, unchanged sections listed, and the version-compare page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.plans.models import Plan, Section
from vidnova.plans.selectors import compare
from vidnova.plans.services.sections import section_save, section_tables_save
from vidnova.plans.tests.test_sections_support import amend, english, new_plan, section_of

pytestmark = pytest.mark.django_db


def lines(diff: compare.TextDiff) -> list[str]:
    return [str(line.html) for line in diff.lines]


# --- text -------------------------------------------------------------------------------------


def test_paragraphs_follow_the_block_structure() -> None:
    rich = "<h2>Заголовок</h2><p>Перший&nbsp;абзац<br>рядок</p><ul><li>один</li><li>два</li></ul>"
    rich += "<table><tr><th>А</th><td>1</td></tr></table>"
    assert compare.paragraphs(rich) == ["Заголовок", "Перший абзац", "рядок", "• один", "• два", "А | 1"]


def test_changed_words_are_marked_inside_the_paragraph() -> None:
    diff = compare.text_diff("<p>Громада має три школи.</p>", "<p>Громада має чотири школи.</p>", language="uk")
    assert lines(diff) == ["Громада має <del>три </del><ins>чотири </ins>школи. "]
    assert (diff.words_added, diff.words_removed) == (1, 1)
    assert diff.changed


def test_added_and_removed_paragraphs() -> None:
    diff = compare.text_diff("<p>Один</p><p>Два</p>", "<p>Один</p><p>Три</p><p>Два</p>", language="uk")
    assert lines(diff) == ["Один", "<ins>Три</ins>", "Два"]
    removed = compare.text_diff("<p>Один</p><p>Два</p>", "<p>Два</p>", language="uk")
    assert lines(removed) == ["<del>Один</del>", "Два"]


def test_text_is_escaped_before_it_is_marked() -> None:
    diff = compare.text_diff(
        "<p>a &lt;script&gt;</p>", "<p>a &lt;script&gt;alert(1)&lt;/script&gt; &amp; b</p>", language="en"
    )
    markup = "".join(lines(diff))
    assert "<script" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&amp; b" in markup
    for tag in ("<ins>", "</ins>", "<del>", "</del>"):
        markup = markup.replace(tag, "")
    assert "<" not in markup


def test_identical_texts_have_no_lines() -> None:
    diff = compare.text_diff("<p>Так</p>", "<p>Так</p>", language="uk")
    assert not diff.changed
    assert diff.lines == []


def test_long_unchanged_stretches_are_folded() -> None:
    same = "".join(f"<p>Абзац {number}</p>" for number in range(1, 11))
    diff = compare.text_diff(same + "<p>Старе</p>", same + "<p>Нове</p>", language="uk")
    kinds = [line.kind for line in diff.lines]
    assert kinds == ["fold", "equal", "change"]
    assert diff.lines[0].folded == 9
    assert str(diff.lines[0].html) == "… 9 unchanged paragraphs …"
    full = compare.text_diff(same + "<p>Старе</p>", same + "<p>Нове</p>", language="uk", context=None)
    assert len(full.lines) == 11


def test_huge_blocks_fall_back_to_whole_paragraphs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compare, "MAX_WORD_PAIRS", 10)
    diff = compare.text_diff("<p>один два три чотири</p>", "<p>один два три п’ять</p>", language="uk")
    assert lines(diff) == ["<del>один два три чотири</del>", "<ins>один два три п’ять</ins>"]
    assert (diff.words_removed, diff.words_added) == (4, 4)


# --- tables ------------------------------------------------------------------------------------


def test_table_rows_added_removed_and_changed() -> None:
    old = [
        {"source": "local_budget", "amount": "100", "currency": "UAH"},
        {"source": "state_budget", "amount": "200", "currency": "UAH"},
        {"source": "private", "amount": "5", "currency": "EUR"},
    ]
    new = [
        {"source": "local_budget", "amount": "100", "currency": "UAH"},
        {"source": "state_budget", "amount": "250", "currency": "UAH"},
        {"source": "international", "amount": "7", "currency": "EUR"},
        {"source": "other", "amount": "1", "currency": "USD"},
    ]
    diff = compare.table_diff("financing", old, new)
    assert [(row.kind, row.number) for row in diff.rows] == [("changed", 2), ("changed", 3), ("added", 4)]
    changed = diff.rows[0]
    assert [(cell.label, cell.old, cell.new) for cell in changed.cells if cell.changed] == [("amount", "200", "250")]
    assert [cell.new for cell in diff.rows[1].cells][:1] == ["international partners"]  # labels, not codes
    assert (diff.added, diff.removed, diff.modified) == (1, 0, 2)
    removed = compare.table_diff("financing", old, old[:1])
    assert [(row.kind, row.number) for row in removed.rows] == [("removed", 2), ("removed", 3)]
    assert not compare.table_diff("financing", old, list(old)).changed


# --- versions and revisions ----------------------------------------------------------------------


def two_versions(world: World) -> Plan:
    plan = new_plan(world)
    profile = section_of(plan)
    section_save(
        acting_user=world.editor, section=profile, expected_version=1, body_uk="<p>Місто над річкою.</p>", body_en=""
    )
    financing = section_of(plan, "financing")
    section_tables_save(
        acting_user=world.editor,
        section=financing,
        expected_version=1,
        table_code="financing",
        rows=[{"source": "local_budget", "amount": "100", "currency": "UAH"}],
    )
    amend(plan)
    new_profile = section_of(plan, number=2)
    section_save(
        acting_user=world.editor,
        section=new_profile,
        expected_version=new_profile.version,
        body_uk="<p>Місто над широкою річкою.</p>",
        body_en="<p>A town on a river.</p>",
    )
    new_financing = section_of(plan, "financing", number=2)
    section_tables_save(
        acting_user=world.editor,
        section=new_financing,
        expected_version=new_financing.version,
        table_code="financing",
        rows=[
            {"source": "local_budget", "amount": "100", "currency": "UAH"},
            {"source": "international", "amount": "50", "currency": "EUR"},
        ],
    )
    return plan


def test_two_versions_compared_section_by_section(world: World) -> None:
    plan = two_versions(world)
    older, newer = plan.versions.get(number=1), plan.versions.get(number=2)
    result = compare.compare_versions(older, newer)
    assert [diff.code for diff in result.changed] == ["profile", "financing"]
    profile, financing = result.changed
    uk, en = profile.texts
    assert lines(uk) == ["Місто над <ins>широкою </ins>річкою. "]
    assert lines(en) == ["<ins>A town on a river.</ins>"]
    assert profile.changed_tables == []
    assert [(row.kind, row.number) for row in financing.changed_tables[0].rows] == [("added", 2)]
    unchanged = [code for code, _title in result.unchanged]
    assert "vision" in unchanged
    assert "profile" not in unchanged
    assert len(unchanged) == 11
    only = compare.compare_versions(older, newer, only="financing")
    assert [diff.code for diff in only.changed] == ["financing"]
    assert only.unchanged == []


def test_sections_over_the_page_budget_keep_only_their_counts(world: World) -> None:
    plan = two_versions(world)
    result = compare.compare_versions(plan.versions.get(number=1), plan.versions.get(number=2), budget=1)
    assert all(diff.too_big for diff in result.changed)
    assert result.changed[0].texts[0].words_added == 1


def test_revisions_compared_and_the_first_against_the_empty_section(world: World) -> None:
    section: Section = section_of(new_plan(world))
    first = section_save(
        acting_user=world.editor, section=section, expected_version=1, body_uk="<p>А б</p>", body_en=""
    )
    section_save(acting_user=world.editor, section=first, expected_version=2, body_uk="<p>А в</p>", body_en="")
    two, three = section.revisions.get(number=2), section.revisions.get(number=3)
    diff = compare.compare_revisions(section, two, three)
    assert lines(diff.texts[0]) == ["А <del>б </del><ins>в </ins>"]
    start = compare.compare_revisions(section, None, two)
    assert lines(start.texts[0]) == ["<ins>А б</ins>"]


# --- the page -------------------------------------------------------------------------------------


def compare_url(plan: Plan) -> str:
    return reverse("plans:version-compare", kwargs={"pk": plan.pk})


def test_the_compare_page_is_private(world: World, clients: dict[str, Client]) -> None:
    plan = two_versions(world)
    assert clients["outsider"].get(compare_url(plan)).status_code == 404
    anonymous = clients["anonymous"].get(compare_url(plan))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    for persona in ("viewer", "expert", "editor", "coordinator"):
        assert clients[persona].get(compare_url(plan)).status_code == 200


def test_the_compare_page_shows_changes_and_unchanged_sections(world: World, clients: dict[str, Client]) -> None:
    plan = two_versions(world)
    page = english(clients["viewer"]).get(compare_url(plan), {"from": 1, "to": 2}).content.decode()
    assert "What changed from version 1 to version 2" in page
    assert "Місто над <ins>широкою </ins>річкою." in page
    assert '<th scope="row">added</th>' in page
    assert "<ins>international partners</ins>" in page
    assert "Unchanged sections" in page
    assert "<li>Vision</li>" in page
    # The default is the newest two versions; the order of the choice does not matter.
    assert "широкою" in english(clients["viewer"]).get(compare_url(plan)).content.decode()
    reversed_page = english(clients["viewer"]).get(compare_url(plan), {"from": 2, "to": 1}).content.decode()
    assert "What changed from version 1 to version 2" in reversed_page


def test_the_compare_page_can_show_one_section(world: World, clients: dict[str, Client]) -> None:
    plan = two_versions(world)
    page = english(clients["editor"]).get(compare_url(plan), {"from": "1", "to": "2", "section": "financing"})
    text = page.content.decode()
    assert "широкою" not in text
    assert "<ins>international partners</ins>" in text
    assert "Unchanged sections" not in text


def test_the_compare_page_explains_a_single_version_and_refuses_bad_choices(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    client = english(clients["editor"])
    assert "This plan has one version so far." in client.get(compare_url(plan)).content.decode()
    two = two_versions(world)
    same = client.get(compare_url(two), {"from": 2, "to": 2}).content.decode()
    assert "Choose two different versions to compare." in same
    bad: Any = client.get(compare_url(two), {"from": 9, "to": 1})
    assert bad.status_code == 200
    assert "Select a valid choice." in bad.content.decode()


def test_a_revision_comparison_over_the_budget_keeps_only_counts(world: World) -> None:
    section = section_of(new_plan(world))
    first = section_save(
        acting_user=world.editor, section=section, expected_version=1, body_uk="<p>А б</p>", body_en=""
    )
    section_save(acting_user=world.editor, section=first, expected_version=2, body_uk="<p>А в</p>", body_en="")
    two, three = section.revisions.get(number=2), section.revisions.get(number=3)
    assert not compare.compare_revisions(section, two, three).too_big
    small = compare.compare_revisions(section, two, three, budget=5)
    assert small.too_big
    assert small.texts[0].words_added == 1
