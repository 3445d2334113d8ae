"""The fiche pages: the public fiche and its private parts, the create and edit form (rows, errors
next to fields and rows, edit conflicts), transitions and documents, for every persona."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.projects.models import Project, ProjectDocument, ProjectState
from vidnova.projects.tests.test_pages_support import make_project
from vidnova.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(clients: dict[str, Client]) -> dict[str, Client]:
    """Pages follow the language cookie: these tests read the English (source) texts."""
    for client in clients.values():
        client.cookies["vidnova_language"] = "en"
    return clients


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _detail(project: Project) -> str:
    return reverse("projects:project-detail", kwargs={"pk": project.pk})


def _management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _form_data(**values: str) -> dict[str, str]:
    data = {
        "title_uk": "Відновлення школи",
        "title_en": "Restoring the school",
        "purpose": "restoration",
        "readiness": "0",
        "currency": "UAH",
        "cost": "1000000",
        "save": "1",
    }
    for prefix in ("locations", "budget_lines", "financing_lines", "risks", "parties"):
        data.update(_management(prefix, 2))
    data.update(values)
    return data


# --- the fiche -----------------------------------------------------------------------------------


def test_fiche_is_public_without_private_parts(world: World, clients: dict[str, Client]) -> None:
    project = make_project(
        world.hromada,
        title_uk="Укриття в школі",
        programme=world.programme,  # its partner experts see the private parts
        description_uk="Опис українською",
        description_en="English description",
        prozorro_ids=["UA-2025-01-15-000123-a"],
        dream_id="DREAM-77",
        sectors=["education"],
        cost=Decimal("1000"),
        financing=[("300", "UAH", "committed", "localBudget")],
    )
    project.transitions.create(from_state="idea", to_state="concept", reason="Причина переходу")
    project.documents.create(
        document_type="feasibilityStudy", title="Техніко-економічне обґрунтування", url="https://example.org/doc.pdf"
    )
    for name in ("anonymous", "outsider"):
        html = clients[name].get(_detail(project)).content.decode()
        assert "Укриття в школі" in html
        assert "English description" in html
        assert "https://prozorro.gov.ua/tender/UA-2025-01-15-000123-a" in html
        assert "DREAM-77" in html
        assert "<code>pending</code>" in html
        assert "<code>identification</code>" in html
        assert "Причина переходу" not in html  # history: private
        assert "Техніко-економічне" not in html  # documents: private
        assert reverse("projects:project-edit", kwargs={"pk": project.pk}) not in html
    for name in ("viewer", "expert", "coordinator"):
        html = clients[name].get(_detail(project)).content.decode()
        assert "Причина переходу" in html, name
        assert "Техніко-економічне" in html, name


def test_fiche_totals_gap_and_local_share(world: World, clients: dict[str, Client]) -> None:
    project = make_project(
        world.hromada,
        cost=Decimal("1000"),
        financing=[("300", "UAH", "committed", "localBudget"), ("200", "UAH", "requested", "stateCentralBudget")],
    )
    response = clients["anonymous"].get(_detail(project))
    totals = response.context["totals"]
    assert totals.gap == Decimal("700")
    assert totals.local_share_pct == Decimal("30.00")
    html = response.content.decode()
    assert "700.00 UAH" in html
    assert "30.00 %" in html


def test_the_other_language_is_offered(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada, objective_uk="Мета українською", objective_en="")
    html = clients["anonymous"].get(_detail(project)).content.decode()
    assert "Not yet written in your language" in html
    assert "Мета українською" in html


def test_sensitive_site_shows_only_the_hromada_publicly(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada, is_sensitive=True, location=False, programme=world.programme)
    project.locations.create(
        katottg=world.hromada.katottg,
        description="вул. Захована, 3",
        latitude=Decimal("47.654321"),
        longitude=Decimal("33.1"),
    )
    for name in ("anonymous", "outsider"):
        html = clients[name].get(_detail(project)).content.decode()
        assert "Захована" not in html
        assert "47.654321" not in html
        assert world.hromada.katottg not in html.split("Locations")[1].split("</section>")[0]
        assert "exact locations of this sensitive site are not public" in html
    for name in ("viewer", "editor", "expert", "coordinator"):
        html = clients[name].get(_detail(project)).content.decode()
        assert "Захована" in html, name
        assert "47.654321" in html, name


def test_quality_warnings_on_the_fiche_for_insiders(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada, location=False)
    assert "No location is recorded." in clients["viewer"].get(_detail(project)).content.decode()
    assert "data-quality warning" not in clients["anonymous"].get(_detail(project)).content.decode()


def test_unknown_project_is_404(clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get(reverse("projects:project-detail", kwargs={"pk": 999999})).status_code == 404


# --- create and edit -----------------------------------------------------------------------------


def test_create_access(world: World, clients: dict[str, Client]) -> None:
    url = reverse("projects:project-create") + f"?hromada={world.hromada.katottg}"
    assert clients["anonymous"].get(url).status_code == 302
    for name in ("outsider", "viewer", "expert"):
        assert clients[name].get(url).status_code == 403, name
        assert clients[name].post(url, _form_data()).status_code == 403, name
    assert Project.objects.count() == 0
    other = reverse("projects:project-create") + f"?hromada={world.other_hromada.katottg}"
    assert clients["editor"].get(other).status_code == 403
    assert clients["editor"].get(reverse("projects:project-create")).status_code == 404
    assert clients["editor"].get(url).status_code == 200
    assert clients["coordinator"].get(url).status_code == 200


def test_create_form_offers_the_settlements_and_codelists(world: World, clients: dict[str, Client]) -> None:
    from vidnova.registry.models import CodifierUnit

    CodifierUnit.objects.create(
        katottg="UA97000000000000001", category="C", name_uk="Село Тестове", name_latin="Selo", hromada=world.hromada
    )
    html = (
        clients["editor"].get(reverse("projects:project-create") + f"?hromada={world.hromada.katottg}").content.decode()
    )
    assert 'value="UA97000000000000001"' in html
    assert "Село Тестове" in html
    assert 'value="education"' in html
    assert 'value="localBudget"' in html
    assert 'name="version"' in html


def test_editor_creates_a_fiche_with_rows(world: World, clients: dict[str, Client]) -> None:
    url = reverse("projects:project-create") + f"?hromada={world.hromada.katottg}"
    data = _form_data(
        **{
            "sectors": "education",
            "programme": str(world.programme.pk),
            "locations-0-katottg": world.hromada.katottg,
            "locations-0-latitude": "47.5",
            "locations-0-longitude": "33.5",
            "financing_lines-0-finance_type": "stateFunds",
            "financing_lines-0-finance_category": "localBudget",
            "financing_lines-0-amount": "150000",
            "financing_lines-0-currency": "UAH",
            "financing_lines-0-status": "committed",
            "budget_lines-0-cost_item": "construction",
            "budget_lines-0-cost_type": "capex",
            "budget_lines-0-amount": "1000000",
            "budget_lines-0-currency": "UAH",
            "risks-0-description": "Затримка постачання",
            "risks-0-likelihood": "2",
            "risks-0-impact": "3",
            "parties-0-role": "initiator",
            "parties-0-name": "Тестова рада",
            "parties-0-edrpou": "12345678",
            "marker_10": "2",
            "group_women": "40",
            "beneficiaries_direct": "100",
            "sdg_targets": "11.5",
            "prozorro_ids": "UA-2025-01-15-000123-a",
            # Untouched extra rows, as a browser sends them: selects without an empty choice
            # still carry their first option. They must not count as rows.
            "budget_lines-1-cost_type": "capex",
            "budget_lines-1-currency": "UAH",
            "financing_lines-1-currency": "UAH",
            "financing_lines-1-status": "identified",
        }
    )
    response = clients["editor"].post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get()
    assert response["Location"] == _detail(project)
    assert project.title_uk == "Відновлення школи"
    assert project.cost == Decimal("1000000")
    assert project.sectors == ["education"]
    assert project.programme == world.programme
    assert project.policy_markers == {"10": 2}
    assert project.beneficiary_groups == {"women": 40}
    assert project.prozorro_ids == ["UA-2025-01-15-000123-a"]
    assert project.locations.get().latitude == Decimal("47.5")
    assert project.financing_lines.get().amount == Decimal("150000")
    assert project.budget_lines.count() == 1
    assert project.risks.count() == 1
    assert project.parties.get().edrpou == "12345678"
    assert AuditEntry.objects.filter(action="projects.project.created").count() == 1


def test_errors_next_to_fields_and_rows_and_nothing_saved(world: World, clients: dict[str, Client]) -> None:
    url = reverse("projects:project-create") + f"?hromada={world.hromada.katottg}"
    data = _form_data(
        **{
            "title_uk": "",
            "starts_on": "2026-05-01",
            "ends_on": "2026-01-01",
            "cost": "-5",
            "financing_lines-1-finance_type": "stateFunds",
            "financing_lines-1-finance_category": "localBudget",
            "financing_lines-1-amount": "abc",
            "financing_lines-1-currency": "UAH",
            "financing_lines-1-status": "committed",
            "parties-0-role": "initiator",
            "parties-0-name": "Рада",
            "parties-0-edrpou": "123",
        }
    )
    response = clients["editor"].post(url, data)
    assert response.status_code == 400
    assert Project.objects.count() == 0
    form = response.context["form"]
    assert "title_uk" in form.errors
    assert "ends_on" in form.errors
    assert "cost" in form.errors
    tables = {key: formset for key, _heading, formset in response.context["tables"]}
    assert "amount" in tables["financing_lines"].forms[1].errors
    assert "edrpou" in tables["parties"].forms[0].errors
    html = response.content.decode()
    assert "Financing lines, row 2, Amount" in html
    assert 'value="Рада"' in html  # what was typed is kept


def test_service_row_errors_are_placed_on_their_row(world: World, clients: dict[str, Client]) -> None:
    url = reverse("projects:project-create") + f"?hromada={world.hromada.katottg}"
    data = _form_data(
        **{
            "locations-1-katottg": world.hromada.katottg,
            "locations-1-latitude": "47.5",  # latitude without longitude: refused by the service
        }
    )
    response = clients["editor"].post(url, data)
    assert response.status_code == 400
    tables = {key: formset for key, _heading, formset in response.context["tables"]}
    assert tables["locations"].forms[1].errors
    assert Project.objects.count() == 0


def test_add_rows_without_javascript(world: World, clients: dict[str, Client]) -> None:
    url = reverse("projects:project-create") + f"?hromada={world.hromada.katottg}"
    data = _form_data(**{"add_rows": "1", "extra_rows": "4", "risks-0-description": "Ризик"})
    del data["save"]
    response = clients["editor"].post(url, data)
    assert response.status_code == 200
    assert Project.objects.count() == 0
    tables = {key: formset for key, _heading, formset in response.context["tables"]}
    assert len(tables["risks"].forms) == 6
    assert "Ризик" in response.content.decode()


def test_edit_access(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada)
    url = reverse("projects:project-edit", kwargs={"pk": project.pk})
    assert clients["anonymous"].get(url).status_code == 302
    for name in ("outsider", "viewer", "expert"):
        assert clients[name].get(url).status_code == 403, name
        assert clients[name].post(url, _form_data(version=str(project.version))).status_code == 403
    assert clients["editor"].get(url).status_code == 200
    foreign = make_project(world.other_hromada)
    assert clients["editor"].get(reverse("projects:project-edit", kwargs={"pk": foreign.pk})).status_code == 403


def test_edit_keeps_rows_and_saves(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada, title_uk="Старе", financing=[("10", "UAH", "pledged", "localBudget")])
    url = reverse("projects:project-edit", kwargs={"pk": project.pk})
    response = clients["editor"].get(url)
    tables = {key: formset for key, _heading, formset in response.context["tables"]}
    assert tables["financing_lines"].forms[0].initial["amount"] == Decimal("10")
    data = _form_data(
        version=str(project.version),
        title_uk="Нове",
        **{
            "financing_lines-0-finance_type": "stateFunds",
            "financing_lines-0-finance_category": "localBudget",
            "financing_lines-0-amount": "20",
            "financing_lines-0-currency": "UAH",
            "financing_lines-0-status": "committed",
        },
    )
    assert clients["editor"].post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.title_uk == "Нове"
    assert [line.amount for line in project.financing_lines.all()] == [Decimal("20")]
    assert project.locations.count() == 0  # the rows sent replace the stored ones


def test_edit_conflict_shows_both_values_and_keeps_typing(world: World, clients: dict[str, Client]) -> None:
    from vidnova.projects.services import projects as services

    project = make_project(world.hromada, title_uk="Перша назва")
    stale = project.version
    services.project_update(
        acting_user=world.coordinator, project=project, data={"title_uk": "Назва колеги"}, expected_version=stale
    )
    url = reverse("projects:project-edit", kwargs={"pk": project.pk})
    response = clients["editor"].post(url, _form_data(version=str(stale), title_uk="Моя назва"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Назва колеги" in html
    assert 'value="Моя назва"' in html
    project.refresh_from_db()
    assert project.title_uk == "Назва колеги"
    assert response.context["form"]["version"].value() == str(project.version)


# --- transitions ---------------------------------------------------------------------------------


def test_transition_access_and_staff_only_steps(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada, state=ProjectState.APPLIED, programme=world.programme)
    url = reverse("projects:project-transition", kwargs={"pk": project.pk})
    assert clients["anonymous"].get(url).status_code == 302
    for name in ("outsider", "viewer", "expert"):
        assert clients[name].get(url).status_code == 403, name
        assert clients[name].post(url, {"to_state": "structuring", "reason": "x"}).status_code == 403
    editor_choices = [value for value, _label in clients["editor"].get(url).context["form"].fields["to_state"].choices]
    assert "approved" not in editor_choices
    assert "structuring" in editor_choices
    staff_choices = [
        value for value, _label in clients["coordinator"].get(url).context["form"].fields["to_state"].choices
    ]
    assert "approved" in staff_choices
    assert "refused" in staff_choices
    # An editor cannot force a staff-only step by posting it.
    assert clients["editor"].post(url, {"to_state": "approved", "reason": "Так"}).status_code == 400
    project.refresh_from_db()
    assert project.state == ProjectState.APPLIED


def test_transition_needs_a_reason_and_is_recorded(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada)
    url = reverse("projects:project-transition", kwargs={"pk": project.pk})
    response = clients["editor"].post(url, {"to_state": "concept", "reason": "   "})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    response = clients["editor"].post(url, {"to_state": "concept", "reason": "Концепцію підготовлено"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == ProjectState.CONCEPT
    assert project.transitions.get().reason == "Концепцію підготовлено"
    html = clients["viewer"].get(_detail(project)).content.decode()
    assert "Концепцію підготовлено" in html


# --- documents -----------------------------------------------------------------------------------


def _document(project: Project) -> ProjectDocument:
    document = ProjectDocument(project=project, document_type="feasibilityStudy", title="ТЕО")
    document.file.save("teo.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=True)
    return document


def test_document_download_only_for_insiders_as_attachment(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada, programme=world.programme)
    document = _document(project)
    url = reverse("projects:document-download", kwargs={"pk": project.pk, "document_pk": document.pk})
    for name in ("anonymous", "outsider"):
        assert clients[name].get(url).status_code == 404, name
    for name in ("viewer", "expert", "editor", "coordinator"):
        response = clients[name].get(url)
        assert response.status_code == 200, name
        assert response["Content-Disposition"].startswith("attachment;")
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert content.startswith(b"%PDF")
    other = make_project(world.other_hromada)
    wrong = reverse("projects:document-download", kwargs={"pk": other.pk, "document_pk": document.pk})
    assert clients["coordinator"].get(wrong).status_code == 404


def test_document_add_and_remove(world: World, clients: dict[str, Client]) -> None:
    project = make_project(world.hromada, programme=world.programme)
    add = reverse("projects:document-add", kwargs={"pk": project.pk})
    data = {"document_type": "feasibilityStudy", "title": "Посилання", "url": "https://example.org/teo.pdf"}
    assert clients["anonymous"].post(add, data).status_code == 302  # to the login
    assert clients["outsider"].post(add, data).status_code == 404
    for name in ("viewer", "expert"):
        assert clients[name].post(add, data).status_code == 403, name
    assert not project.documents.exists()
    response = clients["editor"].post(add, {"document_type": "", "title": ""})
    assert response.status_code == 400
    assert "document_type" in response.context["document_form"].errors
    assert clients["editor"].post(add, data).status_code == 302
    document = project.documents.get()
    assert document.url == "https://example.org/teo.pdf"
    remove = reverse("projects:document-remove", kwargs={"pk": project.pk, "document_pk": document.pk})
    assert clients["outsider"].post(remove).status_code == 404
    assert clients["viewer"].post(remove).status_code == 403
    assert clients["editor"].post(remove).status_code == 302
    assert not project.documents.exists()


def test_document_file_upload(world: World, clients: dict[str, Client]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = make_project(world.hromada)
    add = reverse("projects:document-add", kwargs={"pk": project.pk})
    pdf = SimpleUploadedFile(
        "teo.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )
    response = clients["editor"].post(add, {"document_type": "feasibilityStudy", "title": "ТЕО", "file": pdf})
    assert response.status_code == 302
    document = project.documents.get()
    assert document.file
    assert document.title == "ТЕО"
    # A file that is not what it claims to be is refused next to the field.
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = clients["editor"].post(add, {"document_type": "feasibilityStudy", "title": "Підробка", "file": fake})
    assert response.status_code == 400
    assert "file" in response.context["document_form"].errors
    assert project.documents.count() == 1


def test_plan_tasks_of_the_current_version_are_offered(world: World, clients: dict[str, Client]) -> None:
    plan = factories.make_plan(hromada=world.hromada)
    html = (
        clients["editor"].get(reverse("projects:project-create") + f"?hromada={world.hromada.katottg}").content.decode()
    )
    assert f'value="{plan.pk}"' in html


def test_form_page_weight(world: World, clients: dict[str, Client]) -> None:
    import gzip

    content = clients["editor"].get(reverse("projects:project-create") + f"?hromada={world.hromada.katottg}").content
    assert len(gzip.compress(content)) < 150_000


def test_assessment_gaps_are_chosen_among_the_assessed_dimensions(world: World, clients: dict[str, Client]) -> None:
    from vidnova.assessments.services import instrument_load_default

    version = instrument_load_default()
    dimension = next(group for group in version.definition["groups"] if group.get("is_dimension"))
    url = reverse("projects:project-create") + f"?hromada={world.hromada.katottg}"
    page = clients["editor"].get(url).content.decode()
    assert f'value="{dimension["name"]}"' in page
    response = clients["editor"].post(url, _form_data(assessment_dimensions=dimension["name"]))
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.assessment_dimensions == [dimension["name"]]
    detail = clients["editor"].get(_detail(project)).content.decode()
    assert dimension["label"]["en"] in detail
    refused = clients["editor"].post(url, _form_data(assessment_dimensions="no_such_dimension"))
    assert refused.status_code == 400
    assert Project.objects.count() == 1
