"""The core plan pages: list, new plan, overview, description, documents and translation.

Every page is checked for the outsider (404 on private pages), the read-only viewer (403 on writes)
and anonymous visitors, and for the editor, coordinator and partner expert where they act.
"""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.plans.models import CommentThread, HigherLevelDocument, Plan, PlanState, PlanType
from vidnova.plans.tests.test_plans_support import adopt, goal_tree, open_amendment, version_of, write
from vidnova.testing import factories


@pytest.fixture(autouse=True)
def _english_pages(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme)


def url(name: str, plan: Plan | None = None, **kwargs: Any) -> str:
    if plan is not None:
        kwargs["pk"] = plan.pk
    return reverse(f"plans:{name}", kwargs=kwargs)


def html(response: Any) -> str:
    return str(response.content.decode())


EDIT_POST = {
    "title_uk": "План відновлення 2025–2027",
    "title_en": "Recovery plan 2025–2027",
    "summary_uk": "Опис",
    "summary_en": "Summary",
    "summary_nl": "",
    "starts_on": "2025-01-01",
    "ends_on": "2027-12-31",
    "programme": "test-programme",
    "original_language": "uk",
}


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_each_visitor_what_they_may_open(clients: dict[str, Client], world: World, plan: Plan) -> None:
    public = factories.make_plan(
        world.hromada, title_uk="Стратегія", title_en="Strategy", plan_type=PlanType.DEVELOPMENT_STRATEGY
    )
    adopt(public)
    for persona in ("anonymous", "outsider"):
        page = html(clients[persona].get(url("plan-list")))
        assert "Strategy" in page
        assert url("plan-detail", plan) not in page
        assert url("plan-public", plan) not in page
        assert url("plan-public", public) in page
        assert "New plan" not in page
    page = html(clients["viewer"].get(url("plan-list")))
    assert url("plan-detail", plan) in page
    assert url("plan-detail", public) in page
    assert "New plan" not in page
    for persona in ("editor", "coordinator"):
        assert "New plan" in html(clients[persona].get(url("plan-list")))


def test_the_list_filters_and_keeps_the_filters_in_the_page_links(clients: dict[str, Client], world: World) -> None:
    for number in range(30):
        factories.make_plan(world.hromada, title_uk=f"План {number}", title_en=f"Plan {number}")
    factories.make_plan(
        world.hromada, title_uk="Стратегія", title_en="Strategy", plan_type=PlanType.DEVELOPMENT_STRATEGY
    )
    response = clients["coordinator"].get(url("plan-list"), {"plan_type": PlanType.LOCAL_RECOVERY_PLAN, "q": "план"})
    page = html(response)
    assert response.context["page_obj"].paginator.count == 30
    assert "Strategy" not in page
    assert "30 plans" in page
    assert "plan_type=local_recovery_plan" in response.context["pages"]["next"]
    assert "q=%D0%BF%D0%BB%D0%B0%D0%BD" in response.context["pages"]["next"]
    assert len(gzip.compress(response.content)) < 25_000


def test_a_bad_filter_is_shown_and_ignored(clients: dict[str, Client], plan: Plan) -> None:
    response = clients["coordinator"].get(url("plan-list"), {"hromada": "Kyiv", "state": "nonsense"})
    assert response.status_code == 200
    assert "Enter a KATOTTG code" in html(response)
    assert response.context["page_obj"].paginator.count == 1


def test_the_hromada_filter_offers_a_new_plan_for_that_hromada(clients: dict[str, Client], world: World) -> None:
    page = html(clients["editor"].get(url("plan-list"), {"hromada": world.hromada.katottg}))
    assert f"{url('plan-create')}?hromada={world.hromada.katottg}" in page
    assert "Plans of" in page
    assert "New plan" not in html(clients["editor"].get(url("plan-list"), {"hromada": world.other_hromada.katottg}))


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "coordinator"])
def test_list_queries_do_not_grow_with_rows(
    clients: dict[str, Client], world: World, persona: str, django_assert_max_num_queries: Any
) -> None:
    for number in range(3):
        adopt(factories.make_plan(world.hromada, programme=world.programme, title_uk=f"План {number}"))
    with django_assert_max_num_queries(12):
        response = clients[persona].get(url("plan-list"))
    assert response.status_code == 200
    for number in range(3, 25):
        adopt(factories.make_plan(world.hromada, programme=world.programme, title_uk=f"План {number}"))
    with django_assert_max_num_queries(12):
        response = clients[persona].get(url("plan-list"), {"q": "план", "programme": "test-programme"})
    assert len(response.context["rows"]) == 25


# --- a new plan ----------------------------------------------------------------------------------


def create_post(**changes: str) -> dict[str, str]:
    return {
        "plan_type": PlanType.LOCAL_RECOVERY_PLAN,
        "title_uk": "План відновлення",
        "title_en": "Recovery plan",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "programme": "test-programme",
        "original_language": "uk",
        **changes,
    }


@pytest.mark.parametrize("persona", ["editor", "coordinator"])
def test_editors_and_staff_create_a_plan_for_the_hromada(
    clients: dict[str, Client], world: World, persona: str
) -> None:
    create_url = f"{url('plan-create')}?hromada={world.hromada.katottg}"
    page = html(clients[persona].get(create_url))
    assert "Comprehensive recovery programme" in page
    assert "CMU Resolution 1159" in page  # each type is explained
    assert 'value="test-programme" selected' in page  # the hromada's only programme is preselected
    response = clients[persona].post(create_url, create_post())
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("plan-detail", plan)
    assert (plan.hromada, plan.programme, plan.state) == (world.hromada, world.programme, PlanState.SCOPING)
    assert AuditEntry.objects.filter(action="plans.plan.created", actor=getattr(world, persona)).exists()


def test_without_a_hromada_the_person_chooses_among_theirs(clients: dict[str, Client], world: World) -> None:
    page = html(clients["editor"].get(url("plan-create")))
    assert f'value="{world.hromada.katottg}"' in page
    assert world.other_hromada.katottg not in page
    response = clients["editor"].post(url("plan-create"), create_post(hromada=world.other_hromada.katottg))
    assert response.status_code == 400  # not one of the choices
    assert not Plan.objects.exists()
    response = clients["editor"].post(url("plan-create"), create_post(hromada=world.hromada.katottg))
    assert response.status_code == 302
    assert Plan.objects.get().hromada == world.hromada


def test_create_shows_errors_next_to_the_fields(clients: dict[str, Client], world: World) -> None:
    create_url = f"{url('plan-create')}?hromada={world.hromada.katottg}"
    response = clients["editor"].post(create_url, create_post(title_uk="", ends_on="2025-01-01", plan_type=""))
    assert response.status_code == 400
    page = html(response)
    assert "Please correct the following:" in page
    assert "The period must end on or after the day it starts." in page
    assert 'href="#id_title_uk"' in page
    assert 'href="#id_plan_type"' in page
    assert 'value="Recovery plan"' in page  # what was typed is kept
    assert not Plan.objects.exists()


def test_a_programme_the_hromada_is_not_in_cannot_be_chosen(clients: dict[str, Client], world: World) -> None:
    factories.ProgrammeFactory(slug="other-programme")
    create_url = f"{url('plan-create')}?hromada={world.hromada.katottg}"
    assert "other-programme" not in html(clients["coordinator"].get(create_url))
    response = clients["coordinator"].post(create_url, create_post(programme="other-programme"))
    assert response.status_code == 400
    assert not Plan.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("expert", 404), ("viewer", 403)])
def test_create_for_a_hromada_is_refused_to_others(
    clients: dict[str, Client], world: World, persona: str, status: int
) -> None:
    create_url = f"{url('plan-create')}?hromada={world.hromada.katottg}"
    assert clients[persona].get(create_url).status_code == status
    assert clients[persona].post(create_url, create_post()).status_code == status
    assert not Plan.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "viewer", "expert"])
def test_create_without_a_hromada_is_refused_to_those_who_edit_none(clients: dict[str, Client], persona: str) -> None:
    assert clients[persona].get(url("plan-create")).status_code == 403


def test_create_needs_a_sign_in(clients: dict[str, Client], world: World) -> None:
    response = clients["anonymous"].post(f"{url('plan-create')}?hromada={world.hromada.katottg}", create_post())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Plan.objects.exists()


# --- the overview --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["viewer", "editor", "coordinator", "expert", "admin"])
def test_insiders_see_the_overview(clients: dict[str, Client], world: World, plan: Plan, persona: str) -> None:
    version = version_of(plan)
    write(version, "profile", uk="<p>Опис</p>", en="<p>Profile</p>")
    write(version, "needs", uk="<p>Потреби</p>")
    goal_tree(version)
    CommentThread.objects.create(section=version.sections.get(code="needs"), created_by=world.expert)
    response = clients[persona].get(url("plan-detail", plan))
    assert response.status_code == 200
    page = html(response)
    rows = {row.code: row for row in response.context["rows"]}
    assert rows["needs"].open_comment_count == 1
    assert "Ukrainian and English" in page
    assert "Ukrainian only" in page
    assert page.count('class="badge badge-required"') == 13  # everything is required for an LRP
    assert "Move on to “situation analysis”" in page  # the next step
    assert 'aria-current="step"' in page
    assert url("section-detail", plan, code="needs") in page
    assert f'href="{url("section-comments", plan, code="needs")}" class="badge badge-attention">1<' in page
    assert url("plan-workflow", plan) in page
    assert "Documents the plan follows" in page
    assert ("Edit the description" in page) is (persona in {"editor", "coordinator", "admin"})
    assert ("Add a document" in page) is (persona in {"editor", "coordinator", "admin"})


def test_the_overview_is_private(clients: dict[str, Client], plan: Plan) -> None:
    assert clients["outsider"].get(url("plan-detail", plan)).status_code == 404
    assert clients["anonymous"].get(url("plan-detail", plan)).status_code == 404
    assert clients["outsider"].get(url("plan-detail", pk=987654)).status_code == 404


def test_outsiders_are_sent_to_the_public_page_of_an_adopted_plan(clients: dict[str, Client], plan: Plan) -> None:
    adopt(plan)
    for persona in ("anonymous", "outsider"):
        response = clients[persona].get(url("plan-detail", plan))
        assert response.status_code == 302
        assert response["Location"] == url("plan-public", plan)
    assert clients["viewer"].get(url("plan-detail", plan)).status_code == 200


def test_the_overview_of_an_adopted_plan_says_how_to_change_it(clients: dict[str, Client], plan: Plan) -> None:
    adopt(plan)
    page = html(clients["editor"].get(url("plan-detail", plan)))
    assert "Start an amendment" in page
    assert "Edit the description" not in page
    assert "Add a document" not in page
    assert url("plan-public", plan) in page


def test_overview_queries_are_bounded(
    clients: dict[str, Client], world: World, plan: Plan, django_assert_max_num_queries: Any
) -> None:
    version = version_of(plan)
    for code in ("profile", "needs", "swot"):
        CommentThread.objects.create(section=version.sections.get(code=code), created_by=world.expert)
    for number in range(5):
        HigherLevelDocument.objects.create(plan=plan, document_type="other", title=f"Документ {number}")
    with django_assert_max_num_queries(30):
        response = clients["coordinator"].get(url("plan-detail", plan))
    assert response.status_code == 200


# --- the description -----------------------------------------------------------------------------


def test_the_editor_changes_the_description(clients: dict[str, Client], world: World, plan: Plan) -> None:
    page = html(clients["editor"].get(url("plan-edit", plan)))
    assert f'name="version" value="{plan.version}"' in page
    response = clients["editor"].post(url("plan-edit", plan), {**EDIT_POST, "version": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title_en == "Recovery plan 2025–2027"
    assert plan.summary_uk == "Опис"
    entry = AuditEntry.objects.get(action="plans.plan.updated")
    assert set(entry.changes) == {"title_uk", "title_en", "summary_uk", "summary_en"}
    page = html(clients["viewer"].get(url("plan-detail", plan)))
    assert "Changes to the description" in page
    assert "Summary" in page


def test_a_conflict_shows_the_saved_values_and_keeps_the_typed_ones(
    clients: dict[str, Client], world: World, plan: Plan
) -> None:
    loaded_version = plan.version
    clients["coordinator"].post(
        url("plan-edit", plan), {**EDIT_POST, "title_en": "Saved by the coordinator", "version": loaded_version}
    )
    response = clients["editor"].post(
        url("plan-edit", plan), {**EDIT_POST, "title_en": "Typed by the editor", "version": loaded_version}
    )
    assert response.status_code == 409
    page = html(response)
    assert "Someone else saved the description of this plan" in page
    assert "Saved by the coordinator" in page  # the other person's value
    assert 'value="Typed by the editor"' in page  # what this person typed
    assert f'name="version" value="{loaded_version + 1}"' in page  # saving again goes on top
    plan.refresh_from_db()
    assert plan.title_en == "Saved by the coordinator"
    response = clients["editor"].post(
        url("plan-edit", plan), {**EDIT_POST, "title_en": "Typed by the editor", "version": loaded_version + 1}
    )
    assert response.status_code == 302


def test_bad_input_is_shown_on_the_form(clients: dict[str, Client], plan: Plan) -> None:
    response = clients["editor"].post(
        url("plan-edit", plan), {**EDIT_POST, "ends_on": "2020-01-01", "version": plan.version}
    )
    assert response.status_code == 400
    assert "The period must end on or after the day it starts." in html(response)
    assert Plan.objects.get(pk=plan.pk).version == plan.version


def test_the_description_of_an_adopted_plan_cannot_be_edited(clients: dict[str, Client], plan: Plan) -> None:
    adopt(plan)
    page = html(clients["editor"].get(url("plan-edit", plan)))
    assert "Start an amendment" in page
    assert 'name="title_uk"' not in page
    response = clients["editor"].post(url("plan-edit", plan), {**EDIT_POST, "version": plan.version})
    assert response.status_code == 400
    assert Plan.objects.get(pk=plan.pk).title_en == "Recovery plan"
    open_amendment(plan)
    response = clients["editor"].post(url("plan-edit", plan), {**EDIT_POST, "version": plan.version})
    assert response.status_code == 302


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("viewer", 403), ("expert", 403)])
def test_the_description_is_for_editors(clients: dict[str, Client], plan: Plan, persona: str, status: int) -> None:
    assert clients[persona].get(url("plan-edit", plan)).status_code == status
    assert clients[persona].post(url("plan-edit", plan), {**EDIT_POST, "version": plan.version}).status_code == status
    assert Plan.objects.get(pk=plan.pk).title_en == "Recovery plan"


def test_anonymous_is_asked_to_sign_in_to_edit(clients: dict[str, Client], plan: Plan) -> None:
    response = clients["anonymous"].post(url("plan-edit", plan), {**EDIT_POST, "version": plan.version})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- documents -----------------------------------------------------------------------------------


def test_documents_are_added_and_removed_on_the_overview(clients: dict[str, Client], world: World, plan: Plan) -> None:
    strategy = factories.make_plan(world.hromada, plan_type=PlanType.DEVELOPMENT_STRATEGY, title_uk="Стратегія громади")
    page = html(clients["editor"].get(url("plan-detail", plan)))
    assert f'<option value="{strategy.pk}">' in page  # plans of the same hromada are offered
    response = clients["editor"].post(
        url("plan-document-add", plan), {"document_type": "hromada_strategy", "linked_plan": strategy.pk, "title": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == url("plan-detail", plan) + "#documents"
    document = HigherLevelDocument.objects.get()
    assert (document.title, document.linked_plan) == ("Стратегія громади", strategy)
    page = html(clients["viewer"].get(url("plan-detail", plan)))
    assert url("plan-detail", strategy) in page
    response = clients["coordinator"].post(url("plan-document-remove", plan, document_pk=document.pk))
    assert response.status_code == 302
    assert not HigherLevelDocument.objects.exists()
    assert AuditEntry.objects.filter(action="plans.document.removed").exists()


def test_a_bad_document_is_shown_with_its_errors(clients: dict[str, Client], plan: Plan) -> None:
    response = clients["editor"].post(
        url("plan-document-add", plan), {"document_type": "other", "title": "", "url": "nonsense"}
    )
    assert response.status_code == 400
    page = html(response)
    assert "Enter a valid URL." in page
    assert '<details class="card" open>' in page
    assert not HigherLevelDocument.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("viewer", 403), ("expert", 403)])
def test_documents_are_for_editors(clients: dict[str, Client], plan: Plan, persona: str, status: int) -> None:
    document = HigherLevelDocument.objects.create(plan=plan, document_type="other", title="Документ")
    response = clients[persona].post(url("plan-document-add", plan), {"document_type": "other", "title": "Ще"})
    assert response.status_code == status
    response = clients[persona].post(url("plan-document-remove", plan, document_pk=document.pk))
    assert response.status_code == status
    assert list(HigherLevelDocument.objects.values_list("title", flat=True)) == ["Документ"]


def test_a_document_of_another_plan_is_not_found(clients: dict[str, Client], world: World, plan: Plan) -> None:
    other = factories.make_plan(world.hromada)
    document = HigherLevelDocument.objects.create(plan=other, document_type="other", title="Документ")
    response = clients["editor"].post(url("plan-document-remove", plan, document_pk=document.pk))
    assert response.status_code == 404
    assert HigherLevelDocument.objects.exists()


# --- translation ---------------------------------------------------------------------------------


def test_the_translation_page_puts_the_languages_side_by_side(clients: dict[str, Client], plan: Plan) -> None:
    version = version_of(plan)
    write(version, "profile", uk="<p>Опис громади</p>", en="<p>About the hromada</p>")
    write(version, "needs", uk="<p>Потреби <script>alert(1)</script></p>")
    write(version, "swot", tables={"swot": [{"quadrant": "strength", "text_uk": "Молодь", "text_en": ""}]})
    response = clients["expert"].get(url("plan-translation", plan))
    assert response.status_code == 200
    page = html(response)
    assert "About the hromada" in page
    assert "Missing in English" in page
    assert "<script>" not in page
    assert 'class="text-missing"' in page
    report = response.context["report"]
    assert report.percent == 50  # title and profile complete; needs and one SWOT statement not
    response = clients["expert"].get(url("plan-translation", plan), {"missing": "1"})
    page = html(response)
    assert "About the hromada" not in page
    assert "Молодь" in page


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("anonymous", 404)])
def test_the_translation_page_is_private(clients: dict[str, Client], plan: Plan, persona: str, status: int) -> None:
    assert clients[persona].get(url("plan-translation", plan)).status_code == status
    adopt(plan)
    assert clients[persona].get(url("plan-translation", plan)).status_code == status


def test_pages_have_no_inline_script_or_style(clients: dict[str, Client], world: World, plan: Plan) -> None:
    for address in (
        url("plan-list"),
        url("plan-detail", plan),
        url("plan-edit", plan),
        url("plan-translation", plan),
        f"{url('plan-create')}?hromada={world.hromada.katottg}",
    ):
        page = html(clients["editor"].get(address))
        assert "<script>" not in page
        assert " style=" not in page
        assert " onclick=" not in page
        assert "plans/plans.css" in page


def test_the_hromada_page_lists_its_plans(clients: dict[str, Client], world: World, plan: Plan) -> None:
    public = factories.make_plan(
        world.hromada, title_uk="Стратегія", title_en="Strategy", plan_type=PlanType.DEVELOPMENT_STRATEGY
    )
    adopt(public)
    address = world.hromada.get_absolute_url()
    page = html(clients["anonymous"].get(address))
    assert url("plan-public", public) in page
    assert url("plan-detail", plan) not in page
    assert "New plan" not in page
    page = html(clients["viewer"].get(address))
    assert url("plan-detail", plan) in page
    assert url("plan-detail", public) in page
    assert "New plan" not in page
    for persona in ("editor", "coordinator"):
        page = html(clients[persona].get(address))
        assert f"{url('plan-create')}?hromada={world.hromada.katottg}" in page
    page = html(clients["editor"].get(world.other_hromada.get_absolute_url()))
    assert "No adopted plan has been published for this hromada yet." in page
    assert "New plan" not in page
