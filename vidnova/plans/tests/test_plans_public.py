"""Read-only pages: a version rendered as a document (version-detail) and the public page of an
adopted plan (plan-public), in Ukrainian or English with a fallback to Ukrainian."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.plans.models import Comment, CommentThread, HigherLevelDocument, Plan, PlanType
from vidnova.plans.tests.test_plans_support import adopt, goal_tree, open_amendment, version_of, write
from vidnova.testing import factories


@pytest.fixture(autouse=True)
def _english_pages(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def plan(world: World) -> Plan:
    plan = factories.make_plan(world.hromada, programme=world.programme)
    version = version_of(plan)
    write(
        version,
        "profile",
        uk="<h2>Громада</h2><p>Опис <strong>громади</strong></p><script>alert('x')</script>",
        en="<h2>The hromada</h2><p>About the <strong>hromada</strong></p>",
        tables={
            "key_figures": [
                {
                    "indicator_uk": "Населення",
                    "indicator_en": "Population",
                    "value": "12500",
                    "unit": "",
                    "as_of": "2022-01-01",
                    "source": "KSE",
                },
                {
                    "indicator_uk": "Площа",
                    "indicator_en": "",
                    "value": "350.5",
                    "unit": "км²",
                    "as_of": "",
                    "source": "",
                },
            ]
        },
    )
    write(
        version,
        "war_impact",
        tables={"damage_by_sector": [{"sector": "civil_protection", "damaged": "3", "destroyed": "1"}]},
    )
    write(version, "needs", uk="<p>Потреби громади</p>")
    goal_tree(version)
    check = version.principle_checks.get(principle="inclusiveness")
    check.is_met, check.justification_uk, check.justification_en = True, "Доступність для всіх", "Access for everyone"
    check.save()
    return plan


def url(name: str, plan: Plan, **kwargs: Any) -> str:
    return reverse(f"plans:{name}", kwargs={"pk": plan.pk, **kwargs})


def html(response: Any) -> str:
    return str(response.content.decode())


# --- a version -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["viewer", "editor", "coordinator", "expert"])
def test_insiders_read_the_working_version(clients: dict[str, Client], plan: Plan, persona: str) -> None:
    response = clients[persona].get(url("version-detail", plan, number=1), {"content": "en"})
    assert response.status_code == 200
    page = html(response)
    assert "<h2>The hromada</h2><p>About the <strong>hromada</strong></p>" in page  # rich text as stored
    assert page.index("General description of the hromada") < page.index("Damage and losses from the war")
    assert "<caption>Key figures</caption>" in page
    assert '<th scope="col">Value</th>' in page
    assert '<td class="num">12,500</td>' in page  # a plain number in the free-text value column
    assert "12,500" in page
    assert "civil protection and shelters" in page  # the translated label, not the code
    assert "civil_protection" not in page
    assert '<span class="goal-code">1.1.1</span>' in page
    assert '<span class="goal-code">2</span>' in page
    assert "SDG 11.1" in page
    assert "Access for everyone" in page
    assert "working version, not adopted" in page


def test_rich_text_is_sanitised_on_the_way_out_too(clients: dict[str, Client], plan: Plan) -> None:
    page = html(clients["viewer"].get(url("version-detail", plan, number=1), {"content": "uk"}))
    assert "<h2>Громада</h2>" in page
    assert "alert(" not in page


def test_english_falls_back_to_ukrainian_and_says_so(clients: dict[str, Client], plan: Plan) -> None:
    response = clients["viewer"].get(url("version-detail", plan, number=1), {"content": "en"})
    page = html(response)
    # Needs (text), the area indicator (table cell), operational goal 1.1 (goal tree).
    assert response.context["rendered"].fallback_count == 3
    assert "3 texts have not been translated into English yet" in page
    assert '<div class="rich-text" lang="uk"><p>Потреби громади</p></div>' in page
    assert '<td lang="uk" class="fallback">Площа' in page
    response = clients["viewer"].get(url("version-detail", plan, number=1), {"content": "uk"})
    page = html(response)
    assert response.context["rendered"].fallback_count == 0
    assert "Опис <strong>громади</strong>" in page
    assert "About the" not in page


def test_the_content_language_follows_the_interface_until_chosen(
    clients: dict[str, Client], plan: Plan, settings: Any
) -> None:
    assert clients["viewer"].get(url("version-detail", plan, number=1)).context["content_language"] == "en"
    settings.LANGUAGE_CODE = "uk"
    response = clients["viewer"].get(url("version-detail", plan, number=1))
    assert response.context["content_language"] == "uk"
    assert (
        clients["viewer"].get(url("version-detail", plan, number=1), {"content": "en"}).context["content_language"]
        == "en"
    )
    assert (
        clients["viewer"].get(url("version-detail", plan, number=1), {"content": "fr"}).context["content_language"]
        == "uk"
    )


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_working_versions_are_private(clients: dict[str, Client], plan: Plan, persona: str) -> None:
    assert clients[persona].get(url("version-detail", plan, number=1)).status_code == 404
    adopt(plan)
    open_amendment(plan)
    assert clients[persona].get(url("version-detail", plan, number=1)).status_code == 200  # adopted: public
    assert clients[persona].get(url("version-detail", plan, number=2)).status_code == 404  # the amendment


def test_an_unknown_version_is_not_found(clients: dict[str, Client], plan: Plan) -> None:
    assert clients["coordinator"].get(url("version-detail", plan, number=7)).status_code == 404


def test_an_adopted_version_shows_its_adoption(clients: dict[str, Client], plan: Plan) -> None:
    adopt(plan)
    page = html(clients["editor"].get(url("version-detail", plan, number=1)))
    assert "12/3-VIII" in page
    assert "Hromada council" in page
    assert "The public page shows this version" in page


# --- the public page -----------------------------------------------------------------------------


def test_a_draft_has_no_public_page(clients: dict[str, Client], plan: Plan) -> None:
    for persona in ("anonymous", "outsider", "coordinator"):
        assert clients[persona].get(url("plan-public", plan)).status_code == 404


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer"])
def test_anyone_reads_an_adopted_plan_without_signing_in(
    clients: dict[str, Client], world: World, plan: Plan, persona: str
) -> None:
    version = version_of(plan)
    thread = CommentThread.objects.create(
        section=version.sections.get(code="needs"), created_by=world.expert, quote="Потреби"
    )
    Comment.objects.create(thread=thread, author=world.expert, body="Secret review remark")
    HigherLevelDocument.objects.create(
        plan=plan, document_type="regional_strategy", title="Regional strategy 2027", url="https://example.org/s"
    )
    adopt(plan)
    response = clients[persona].get(url("plan-public", plan), {"content": "en"})
    assert response.status_code == 200
    page = html(response)
    assert "About the <strong>hromada</strong>" in page
    assert "12/3-VIII" in page
    assert "Regional strategy 2027" in page
    assert "Secret review remark" not in page
    assert "comment" not in page.lower()
    for person in (world.editor, world.expert, world.coordinator):
        assert person.email not in page


def test_the_public_page_shows_the_adopted_version_not_the_amendment(clients: dict[str, Client], plan: Plan) -> None:
    adopt(plan)
    amendment = open_amendment(plan)
    write(amendment, "profile", uk="<p>Чернетка змін</p>", en="<p>Draft of the amendment</p>")
    page = html(clients["anonymous"].get(url("plan-public", plan), {"content": "en"}))
    assert "About the <strong>hromada</strong>" in page
    assert "Draft of the amendment" not in page
    page = html(clients["editor"].get(url("plan-public", plan)))
    assert "Open the working version of this plan" in page


def test_the_public_page_in_ukrainian(clients: dict[str, Client], plan: Plan) -> None:
    adopt(plan)
    response = clients["anonymous"].get(url("plan-public", plan), {"content": "uk"})
    page = html(response)
    assert '<h1 lang="uk">План відновлення</h1>' in page
    assert "Опис <strong>громади</strong>" in page
    assert 'href="?content=en"' in page or f'href="{url("plan-public", plan)}?content=en"' in page


def test_the_public_page_title_falls_back_to_ukrainian(clients: dict[str, Client], world: World) -> None:
    plan = factories.make_plan(world.hromada, title_en="", plan_type=PlanType.DEVELOPMENT_STRATEGY)
    adopt(plan)
    page = html(clients["anonymous"].get(url("plan-public", plan), {"content": "en"}))
    assert '<h1 lang="uk">План відновлення</h1>' in page


def test_the_public_page_costs_a_fixed_number_of_queries(
    clients: dict[str, Client], plan: Plan, django_assert_max_num_queries: Any
) -> None:
    adopt(plan)
    with django_assert_max_num_queries(8):
        response = clients["anonymous"].get(url("plan-public", plan))
    assert response.status_code == 200
