"""The exports page, the status fragment htmx polls and the download, for every persona.

Asking for a document is a read: everyone who may see a version may ask for its document, the
read-only hromada viewer included (there is no write here to refuse with 403). Drafts and their
documents are private: outsiders and anonymous visitors get 404. Adopted versions and their
documents are public.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.plans.models import ExportStatus, Plan, PlanExport, PlanVersion
from vidnova.plans.services.exports import export_request
from vidnova.plans.tests.exports_support import adopt
from vidnova.testing import factories
from vidnova.testing.pdf import requires_pdf

pytestmark = pytest.mark.django_db

INSIDERS = ["admin", "coordinator", "editor", "viewer", "expert"]
OUTSIDERS = ["outsider", "anonymous"]


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme)


def _page(plan: Plan) -> str:
    return reverse("plans:plan-exports", kwargs={"pk": plan.pk})


def _download(export: PlanExport) -> str:
    return reverse("plans:export-download", kwargs={"export_pk": export.pk})


def _status(export: PlanExport) -> str:
    return reverse("plans:export-status", kwargs={"export_pk": export.pk})


def _made(
    world: World, version: PlanVersion, capture: Callable[..., Any], *, file_format: str = "docx", language: str = "uk"
) -> PlanExport:
    with capture(execute=True):
        export = export_request(acting_user=world.editor, version=version, file_format=file_format, language=language)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    return export


# --- the page --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", INSIDERS)
def test_insiders_see_the_page_of_a_draft(clients: dict[str, Client], plan: Plan, persona: str) -> None:
    response = clients[persona].get(_page(plan))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Download the plan as a document" in content
    assert 'name="file_format"' in content
    assert 'name="language"' in content
    assert "Version 1 (working draft)" in content


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_for_a_draft(clients: dict[str, Client], plan: Plan, persona: str) -> None:
    assert clients[persona].get(_page(plan)).status_code == 404
    response = clients[persona].post(_page(plan), {"version": "1", "file_format": "pdf", "language": "uk"})
    assert response.status_code == 404
    assert not PlanExport.objects.exists()


def test_unknown_plan_is_404(clients: dict[str, Client]) -> None:
    assert clients["coordinator"].get(reverse("plans:plan-exports", kwargs={"pk": 999999})).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "expert", "editor"])
def test_insiders_including_the_viewer_may_ask_for_a_document(
    clients: dict[str, Client],
    world: World,
    plan: Plan,
    persona: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = clients[persona].post(_page(plan), {"version": "1", "file_format": "docx", "language": "en"})
    export = PlanExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_page(plan)}#export-{export.pk}"
    assert export.requested_by == getattr(world, persona)
    assert export.status == ExportStatus.DONE
    page = clients[persona].get(_page(plan)).content.decode()
    assert "The document is being generated." in page
    assert _download(export) in page


def test_bad_input_is_shown_with_the_form(clients: dict[str, Client], plan: Plan) -> None:
    response = clients["editor"].post(_page(plan), {"version": "7", "file_format": "odt", "language": "de"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Please correct the following:" in content
    assert content.count('class="errorlist') >= 3
    assert not PlanExport.objects.exists()


def test_public_visitors_see_only_adopted_versions_and_their_documents(
    clients: dict[str, Client], world: World, plan: Plan, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    adopted = adopt(plan)
    public_export = _made(world, adopted, django_capture_on_commit_callbacks)
    draft = PlanVersion.objects.create(plan=plan, number=2, based_on=adopted)
    draft_export = _made(world, draft, django_capture_on_commit_callbacks)
    failed = PlanExport.objects.create(
        plan_version=adopted,
        file_format="docx",
        language="en",
        status=ExportStatus.FAILED,
        error="OSError: secret path",
    )
    for persona in OUTSIDERS:
        response = clients[persona].get(_page(plan))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Version 1 (adopted)" in content
        assert "Version 2" not in content
        assert _download(public_export) in content
        assert _download(draft_export) not in content
        assert f"export-{failed.pk}" not in content
        assert "secret path" not in content
        assert str(world.editor) not in content  # who asked is internal
        # Draft documents stay private; adopted ones download.
        assert clients[persona].get(_download(draft_export)).status_code == 404
        assert clients[persona].get(_download(public_export)).status_code == 200
        assert clients[persona].get(_status(failed)).status_code == 404
    insider = clients["viewer"].get(_page(plan)).content.decode()
    assert _download(draft_export) in insider
    assert "secret path" in insider
    assert str(world.editor) in insider


@requires_pdf
def test_anonymous_visitors_may_ask_for_an_adopted_document_once(
    clients: dict[str, Client], world: World, plan: Plan, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    adopt(plan)
    data = {"version": "1", "file_format": "pdf", "language": "en"}
    with django_capture_on_commit_callbacks(execute=True):
        first = clients["anonymous"].post(_page(plan), data)
    with django_capture_on_commit_callbacks(execute=True):
        second = clients["anonymous"].post(_page(plan), data, follow=True)
    assert first.status_code == 302
    assert PlanExport.objects.count() == 1
    assert "already made for the adopted version" in second.content.decode()


def test_outsider_cannot_ask_for_a_draft_of_a_public_plan(clients: dict[str, Client], plan: Plan) -> None:
    adopted = adopt(plan)
    PlanVersion.objects.create(plan=plan, number=2, based_on=adopted)
    response = clients["outsider"].post(_page(plan), {"version": "2", "file_format": "pdf", "language": "uk"})
    assert response.status_code == 400  # version 2 is not among the choices offered to them
    assert not PlanExport.objects.exists()


def test_the_list_costs_a_fixed_number_of_queries(
    clients: dict[str, Client], world: World, plan: Plan, django_assert_max_num_queries: Any
) -> None:
    version = plan.versions.get()
    for _ in range(15):
        PlanExport.objects.create(plan_version=version, file_format="pdf", language="uk", requested_by=world.editor)
    with django_assert_max_num_queries(20):
        response = clients["coordinator"].get(_page(plan))
    assert response.content.decode().count('class="export-status"') == 15


def test_the_list_is_paginated(clients: dict[str, Client], plan: Plan) -> None:
    version = plan.versions.get()
    PlanExport.objects.bulk_create(
        PlanExport(plan_version=version, file_format="pdf", language="uk") for _ in range(25)
    )
    first = clients["editor"].get(_page(plan)).content.decode()
    assert first.count('class="export-status"') == 20
    assert "?page=2" in first
    assert clients["editor"].get(_page(plan) + "?page=2").content.decode().count('class="export-status"') == 5


# --- polling ---------------------------------------------------------------------------------------


def test_status_fragment_polls_while_queued_and_stops_when_ready(
    clients: dict[str, Client], world: World, plan: Plan
) -> None:
    version = plan.versions.get()
    export = export_request(acting_user=world.editor, version=version, file_format="pdf", language="uk")  # not run yet
    page = clients["editor"].get(_page(plan)).content.decode()
    assert f'hx-get="{_status(export)}"' in page
    assert 'hx-trigger="every 3s"' in page
    fragment = clients["editor"].get(_status(export), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment["Cache-Control"] == "no-store"
    assert "hx-trigger" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    PlanExport.objects.filter(pk=export.pk).update(status=ExportStatus.DONE, file="plans/exports/x.pdf")
    done = clients["editor"].get(_status(export)).content.decode()
    assert "hx-trigger" not in done
    assert _download(export) in done
    assert "Download PDF" in done


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_status_of_a_draft_document_is_404_to_outsiders(
    clients: dict[str, Client], world: World, plan: Plan, persona: str
) -> None:
    export = export_request(acting_user=world.editor, version=plan.versions.get(), file_format="pdf", language="uk")
    assert clients[persona].get(_status(export)).status_code == 404


# --- download --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [pytest.param("pdf", "application/pdf", marks=requires_pdf), ("docx", "wordprocessingml")],
)
def test_download_streams_the_file_with_its_type_and_name(
    clients: dict[str, Client],
    world: World,
    plan: Plan,
    file_format: str,
    content_type: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    export = _made(
        world, plan.versions.get(), django_capture_on_commit_callbacks, file_format=file_format, language="en"
    )
    response = clients["viewer"].get(_download(export))
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    filename = f"plan-{world.hromada.katottg}-v1-en.{file_format}"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF-" if file_format == "pdf" else b"PK")


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_download_of_a_draft_document_is_404_to_outsiders(
    clients: dict[str, Client],
    world: World,
    plan: Plan,
    persona: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    export = _made(world, plan.versions.get(), django_capture_on_commit_callbacks)
    assert clients[persona].get(_download(export)).status_code == 404


def test_adopted_documents_are_public_and_cacheable(
    clients: dict[str, Client], world: World, plan: Plan, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    export = _made(world, adopt(plan), django_capture_on_commit_callbacks)
    response = clients["anonymous"].get(_download(export))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=86400"


def test_a_document_that_is_not_ready_is_404(clients: dict[str, Client], world: World, plan: Plan) -> None:
    export = export_request(acting_user=world.editor, version=plan.versions.get(), file_format="pdf", language="uk")
    assert clients["editor"].get(_download(export)).status_code == 404
    assert clients["editor"].get(reverse("plans:export-download", kwargs={"export_pk": 999999})).status_code == 404


def test_a_document_whose_file_was_lost_is_404(clients: dict[str, Client], plan: Plan) -> None:
    export = PlanExport.objects.create(
        plan_version=plan.versions.get(),
        file_format="pdf",
        language="uk",
        status=ExportStatus.DONE,
        file="plans/exports/gone.pdf",
    )
    assert clients["editor"].get(_download(export)).status_code == 404


def test_the_language_of_the_page_is_the_default_language_of_the_document(
    clients: dict[str, Client], plan: Plan, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "uk"
    content = clients["editor"].get(_page(plan)).content.decode()
    assert '<html lang="uk">' in content
    assert re.search(r'<input[^>]*name="language"[^>]*value="uk"[^>]*checked', content)
    clients["editor"].cookies["vidnova_language"] = "en"
    content = clients["editor"].get(_page(plan)).content.decode()
    assert re.search(r'<input[^>]*name="language"[^>]*value="en"[^>]*checked', content)
