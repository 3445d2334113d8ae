"""/api/v1/projects/…: the portfolio, the public and the full fiche (sensitive sites without locations),
creating and changing a fiche (409 on conflicts), transitions and documents, with the same access as the
pages: anyone reads the public parts, outsiders get 404 on the internal parts, hromada viewers and partner
experts 403 on writes, requests without credentials 401 on writes."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.projects.models import (
    ExchangeRate,
    FinancingLine,
    Project,
    ProjectDocument,
    ProjectLocation,
    ProjectState,
    ProjectTransition,
)

ENGLISH = {"accept-language": "en"}
PERSONAS = ["anonymous", "admin", "coordinator", "editor", "viewer", "expert", "outsider"]
PRIVATE_READERS = ["admin", "coordinator", "editor", "viewer", "expert"]
EDITORS = ["admin", "coordinator", "editor"]
# A minimal PDF: the document service checks the content, not the name.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def make_project(world: World, **changes: Any) -> Project:
    values: dict[str, Any] = {
        "hromada": world.hromada,
        "programme": world.programme,
        "code": f"T-{Project.objects.count() + 1:04d}",
        "title_uk": "Ремонт амбулаторії",
        "title_en": "Repair of the clinic",
        "sectors": ["health"],
        "cost": Decimal("1000000.00"),
        "currency": "UAH",
        "readiness": 1,
    }
    values.update(changes)
    project = Project.objects.create(**values)
    ProjectLocation.objects.create(
        project=project,
        katottg=project.hromada.katottg,
        name="Амбулаторія",
        latitude=Decimal("50.450100"),
        longitude=Decimal("30.523400"),
        description="вул. Шевченка, 1",
    )
    FinancingLine.objects.create(
        project=project,
        finance_type="stateFunds",
        finance_category="localBudget",
        funder="Бюджет громади",
        amount=Decimal("100000.00"),
        currency="UAH",
        status="committed",
    )
    return project


@pytest.fixture
def project(world: World) -> Project:
    return make_project(world)


def api(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def get(client: Client, address: str, **params: Any) -> Any:
    return client.get(address, params, headers=ENGLISH)


def post(client: Client, address: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(address, body or {}, content_type="application/json", headers=ENGLISH)


def patch(client: Client, address: str, body: dict[str, Any]) -> Any:
    return client.patch(address, body, content_type="application/json", headers=ENGLISH)


def create_body(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hromada": world.hromada.katottg,
        "programme": world.programme.slug,
        "title_uk": "Нова котельня",
        "title_en": "New boiler house",
        "sectors": ["energy"],
        "starts_on": "2027-03-01",
        "ends_on": "2027-12-31",
        "cost": "2500000.00",
        "currency": "UAH",
        "financing_lines": [
            {
                "finance_type": "stateFunds",
                "finance_category": "localBudget",
                "amount": "250000.00",
                "currency": "UAH",
                "status": "committed",
            }
        ],
    }
    body.update(changes)
    return body


# --- list ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_lists_the_public_portfolio(clients: dict[str, Client], project: Project, persona: str) -> None:
    response = get(clients[persona], api("project-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["code"] == project.code
    assert item["hromada"]["katottg"] == project.hromada.katottg
    assert item["programme"] == "test-programme"
    assert item["cost"] == "1000000.00"
    assert item["url"] == api("project-detail", pk=project.pk)
    for private in ("locations", "financing_lines", "documents", "transitions", "risks", "parties"):
        assert private not in item


def test_list_filters(clients: dict[str, Client], world: World) -> None:
    first = make_project(world, sectors=["transport.road"], state=ProjectState.CONCEPT, readiness=2)
    second = make_project(world, hromada=world.other_hromada, programme=None, sectors=["transport"], cost=None)
    third = make_project(world, sectors=["health"], cost=Decimal("100000.00"))  # fully covered: no gap
    client = clients["anonymous"]

    def codes(**params: Any) -> set[str]:
        response = get(client, api("project-list"), **params)
        assert response.status_code == 200, response.content
        return {item["code"] for item in response.json()["results"]}

    assert codes(hromada=world.other_hromada.katottg) == {second.code}
    assert codes(programme="test-programme") == {first.code, third.code}
    assert codes(state="concept") == {first.code}
    assert codes(sector="transport") == {second.code}  # "transport.road" is another code
    assert codes(sector="transport.road") == {first.code}
    assert codes(readiness=2) == {first.code}
    assert codes(has_gap="true") == {first.code}
    assert codes(has_gap="false") == {second.code, third.code}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"hromada": "UA123"}, "hromada"), ({"state": "dreaming"}, "state"), ({"readiness": "9"}, "readiness")],
)
def test_bad_filters_are_refused_naming_the_parameter(
    clients: dict[str, Client], world: World, params: dict[str, str], field: str
) -> None:
    response = get(clients["anonymous"], api("project-list"), **params)
    assert response.status_code == 400
    assert field in response.json()


# --- detail --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_public_fiche_without_internal_parts(clients: dict[str, Client], project: Project, persona: str) -> None:
    ProjectDocument.objects.create(project=project, document_type="document", title="ТЕО", url="https://e.org/a")
    response = get(clients[persona], api("project-detail", pk=project.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["title_uk"] == "Ремонт амбулаторії"
    assert body["locations"][0]["latitude"] == 50.4501  # not sensitive: its location is public
    assert body["totals"]["gap"] == "900000.00"
    for private in ("financing_lines", "budget_lines", "documents", "transitions", "risks", "parties", "plan_tasks"):
        assert private not in body


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_sensitive_site_shows_no_location_publicly(clients: dict[str, Client], world: World, persona: str) -> None:
    shelter = make_project(world, is_sensitive=True, title_uk="Укриття школи")
    response = get(clients[persona], api("project-detail", pk=shelter.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["is_sensitive"] is True
    assert body["locations"] == []
    assert body["hromada"]["katottg"] == world.hromada.katottg
    text = response.content.decode()
    assert "50.4501" not in text
    assert "Шевченка" not in text


@pytest.mark.parametrize("persona", PRIVATE_READERS)
def test_full_fiche_for_those_who_may_see_it(clients: dict[str, Client], world: World, persona: str) -> None:
    shelter = make_project(world, is_sensitive=True)
    ProjectDocument.objects.create(project=shelter, document_type="document", title="ТЕО", url="https://e.org/a")
    ProjectTransition.objects.create(project=shelter, from_state="idea", to_state="concept", reason="готово")
    response = get(clients[persona], api("project-detail", pk=shelter.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["locations"][0]["description"] == "вул. Шевченка, 1"
    assert body["financing_lines"][0]["finance_category"] == "localBudget"
    assert body["documents"][0]["title"] == "ТЕО"
    assert body["documents"][0]["link"] == "https://e.org/a"
    assert body["transitions"][0]["to_state"] == "concept"
    assert body["totals"]["committed"] == "100000.00"
    assert body["totals"]["local_share_pct"] == "10.00"


def test_unknown_project_is_404(clients: dict[str, Client], world: World) -> None:
    assert get(clients["anonymous"], api("project-detail", pk=987654)).status_code == 404


# --- create --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), [("editor", 201), ("coordinator", 201), ("admin", 201)])
def test_editors_and_staff_create(clients: dict[str, Client], world: World, persona: str, expected: int) -> None:
    response = post(clients[persona], api("project-list"), create_body(world))
    assert response.status_code == expected, response.content
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert project.hromada == world.hromada
    assert project.programme == world.programme
    assert project.state == ProjectState.IDEA
    assert project.financing_lines.get().amount == Decimal("250000.00")
    assert body["totals"]["gap"] == "2250000.00"
    assert AuditEntry.objects.filter(action="projects.project.created").count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("outsider", 403), ("viewer", 403), ("expert", 403)]
)
def test_others_may_not_create(clients: dict[str, Client], world: World, persona: str, expected: int) -> None:
    response = post(clients[persona], api("project-list"), create_body(world))
    assert response.status_code == expected
    assert not Project.objects.exists()


def test_editor_may_not_create_for_another_hromada(clients: dict[str, Client], world: World) -> None:
    response = post(clients["editor"], api("project-list"), create_body(world, hromada=world.other_hromada.katottg))
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_coordinator_creates_for_any_hromada(clients: dict[str, Client], world: World) -> None:
    body = create_body(world, hromada=world.other_hromada.katottg, programme="")
    response = post(clients["coordinator"], api("project-list"), body)
    assert response.status_code == 201, response.content
    assert Project.objects.get().hromada == world.other_hromada


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hromada": "UA00000000000000000"}, "hromada"),
        ({"hromada": "nonsense"}, "hromada"),
        ({"title_uk": ""}, "title_uk"),
        ({"cost": "-5"}, "cost"),
        ({"cost": "a lot"}, "cost"),
        ({"currency": "GBP"}, "currency"),
        ({"programme": "no-such-programme"}, "programme"),
        ({"sectors": ["not-a-sector"]}, "sectors"),
        ({"ends_on": "2027-01-01"}, "ends_on"),
        (
            {
                "financing_lines": [
                    {"finance_type": "stateFunds", "finance_category": "localBudget", "amount": "1", "currency": "UAH"},
                    {
                        "finance_type": "stateFunds",
                        "finance_category": "localBudget",
                        "amount": "-1",
                        "currency": "UAH",
                    },
                ]
            },
            "financing_lines[1].amount",
        ),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    clients: dict[str, Client], world: World, changes: dict[str, Any], field: str
) -> None:
    response = post(clients["editor"], api("project-list"), create_body(world, **changes))
    assert response.status_code == 400, response.content
    errors = response.json()
    assert any(key == field or key.startswith(field) for key in errors), errors
    assert not Project.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="projects.").exists()


def test_token_authentication(world: World) -> None:
    token = Token.objects.create(user=world.editor)
    client = Client()
    response = client.post(
        api("project-list"),
        create_body(world),
        content_type="application/json",
        headers={**ENGLISH, "authorization": f"Token {token.key}"},
    )
    assert response.status_code == 201
    assert Project.objects.get().created_by == world.editor


# --- change --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EDITORS)
def test_editors_change_the_fiche(clients: dict[str, Client], project: Project, persona: str) -> None:
    response = patch(
        clients[persona],
        api("project-detail", pk=project.pk),
        {
            "version": project.version,
            "title_en": "Repair of the outpatient clinic",
            "risks": [{"description": "Ціни", "likelihood": 3, "impact": 4}],
        },
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.title_en == "Repair of the outpatient clinic"
    assert project.title_uk == "Ремонт амбулаторії"  # left out: unchanged
    assert project.risks.get().impact == 4
    assert project.financing_lines.count() == 1  # not sent: kept
    assert response.json()["version"] == project.version
    assert AuditEntry.objects.filter(action="projects.project.updated").count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("outsider", 403), ("viewer", 403), ("expert", 403)]
)
def test_others_may_not_change(clients: dict[str, Client], project: Project, persona: str, expected: int) -> None:
    response = patch(
        clients[persona], api("project-detail", pk=project.pk), {"version": project.version, "title_en": "x"}
    )
    assert response.status_code == expected
    project.refresh_from_db()
    assert project.title_en == "Repair of the clinic"


def test_stale_version_is_409_with_the_saved_fiche(clients: dict[str, Client], project: Project) -> None:
    address = api("project-detail", pk=project.pk)
    read = project.version
    assert patch(clients["editor"], address, {"version": read, "title_en": "First"}).status_code == 200
    response = patch(clients["coordinator"], address, {"version": read, "title_en": "Second"})
    assert response.status_code == 409
    body = response.json()
    project.refresh_from_db()
    assert body["current_version"] == project.version
    assert body["current"]["title_en"] == "First"
    assert project.title_en == "First"


def test_change_with_a_bad_row_saves_nothing(clients: dict[str, Client], project: Project) -> None:
    response = patch(
        clients["editor"],
        api("project-detail", pk=project.pk),
        {
            "version": project.version,
            "title_en": "Changed",
            "risks": [{"description": "Ціни", "likelihood": 9, "impact": 4}],
        },
    )
    assert response.status_code == 400
    assert "risks[0].likelihood" in response.json()
    project.refresh_from_db()
    assert project.title_en == "Repair of the clinic"


def test_change_needs_the_version(clients: dict[str, Client], project: Project) -> None:
    response = patch(clients["editor"], api("project-detail", pk=project.pk), {"title_en": "x"})
    assert response.status_code == 400
    assert "version" in response.json()


# --- transitions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_history_is_internal(clients: dict[str, Client], project: Project, persona: str) -> None:
    assert get(clients[persona], api("project-transitions", pk=project.pk)).status_code == 404


@pytest.mark.parametrize("persona", PRIVATE_READERS)
def test_members_read_the_history(clients: dict[str, Client], project: Project, persona: str) -> None:
    ProjectTransition.objects.create(project=project, from_state="idea", to_state="concept", reason="готово")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.CONCEPT)
    response = get(clients[persona], api("project-transitions", pk=project.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "concept"
    assert body["history"][0]["reason"] == "готово"
    if persona in EDITORS:
        assert set(body["allowed"]) == {"appraisal", "idea", "cancelled"}
    else:
        assert body["allowed"] == []


def test_editor_moves_a_project(clients: dict[str, Client], project: Project, world: World) -> None:
    response = post(
        clients["editor"], api("project-transitions", pk=project.pk), {"to_state": "concept", "reason": "Є концепція"}
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.state == ProjectState.CONCEPT
    transition = project.transitions.get()
    assert (transition.from_state, transition.to_state, transition.actor) == ("idea", "concept", world.editor)
    assert response.json()["history"][0]["reason"] == "Є концепція"
    assert AuditEntry.objects.filter(action="projects.project.transitioned").count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("outsider", 403), ("viewer", 403), ("expert", 403)]
)
def test_others_may_not_move(clients: dict[str, Client], project: Project, persona: str, expected: int) -> None:
    response = post(clients[persona], api("project-transitions", pk=project.pk), {"to_state": "concept", "reason": "x"})
    assert response.status_code == expected
    project.refresh_from_db()
    assert project.state == ProjectState.IDEA


def test_a_step_not_allowed_is_refused(clients: dict[str, Client], project: Project) -> None:
    response = post(
        clients["editor"], api("project-transitions", pk=project.pk), {"to_state": "implementation", "reason": "x"}
    )
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.state == ProjectState.IDEA


def test_a_step_needs_a_reason(clients: dict[str, Client], project: Project) -> None:
    response = post(clients["editor"], api("project-transitions", pk=project.pk), {"to_state": "concept", "reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()


def test_funding_decision_is_for_staff(clients: dict[str, Client], world: World) -> None:
    applied = make_project(world, state=ProjectState.APPLIED)
    address = api("project-transitions", pk=applied.pk)
    assert "approved" not in get(clients["editor"], address).json()["allowed"]
    refused = post(clients["editor"], address, {"to_state": "approved", "reason": "Рішення донора"})
    assert refused.status_code == 403
    applied.refresh_from_db()
    assert applied.state == ProjectState.APPLIED
    assert "approved" in get(clients["coordinator"], address).json()["allowed"]
    response = post(clients["coordinator"], address, {"to_state": "approved", "reason": "Рішення донора"})
    assert response.status_code == 200
    applied.refresh_from_db()
    assert applied.state == ProjectState.APPROVED


# --- documents -----------------------------------------------------------------------------------


def test_editor_adds_a_link(clients: dict[str, Client], project: Project) -> None:
    response = post(
        clients["editor"],
        api("project-documents", pk=project.pk),
        {"document_type": "feasibilityStudy", "title": "ТЕО", "url": "https://example.org/teo.pdf"},
    )
    assert response.status_code == 201, response.content
    document = project.documents.get()
    assert (document.title, document.url, document.file.name) == ("ТЕО", "https://example.org/teo.pdf", "")
    assert response.json()["url"] == api("project-document", pk=project.pk, document_pk=document.pk)
    assert AuditEntry.objects.filter(action="projects.document.added").count() == 1


def test_editor_uploads_a_file(clients: dict[str, Client], project: Project, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("teo.pdf", PDF, content_type="application/pdf")
    response = clients["editor"].post(
        api("project-documents", pk=project.pk),
        {"document_type": "feasibilityStudy", "title": "ТЕО", "file": upload},
        headers=ENGLISH,
    )
    assert response.status_code == 201, response.content
    document = project.documents.get()
    assert (document.file.name or "").endswith(".pdf")
    assert response.json()["file_name"].endswith(".pdf")
    assert response.json()["link"] == ""


def test_a_document_needs_a_file_or_a_link(clients: dict[str, Client], project: Project) -> None:
    response = post(
        clients["editor"], api("project-documents", pk=project.pk), {"document_type": "document", "title": "x"}
    )
    assert response.status_code == 400
    assert "file" in response.json()
    assert not project.documents.exists()


def test_a_file_is_checked_by_content(
    clients: dict[str, Client], project: Project, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("teo.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = clients["editor"].post(
        api("project-documents", pk=project.pk),
        {"document_type": "document", "title": "ТЕО", "file": upload},
        headers=ENGLISH,
    )
    assert response.status_code == 400
    assert not project.documents.exists()


@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("outsider", 404), ("viewer", 403), ("expert", 403)]
)
def test_others_may_not_add_documents(
    clients: dict[str, Client], project: Project, persona: str, expected: int
) -> None:
    response = post(
        clients[persona],
        api("project-documents", pk=project.pk),
        {"document_type": "document", "title": "x", "url": "https://example.org/x"},
    )
    assert response.status_code == expected
    assert not project.documents.exists()


def test_editor_removes_a_document(clients: dict[str, Client], project: Project) -> None:
    document = ProjectDocument.objects.create(project=project, document_type="document", title="x", url="https://e.org")
    response = clients["editor"].delete(
        api("project-document", pk=project.pk, document_pk=document.pk), headers=ENGLISH
    )
    assert response.status_code == 204
    assert not project.documents.exists()
    assert AuditEntry.objects.filter(action="projects.document.removed").count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("outsider", 404), ("viewer", 403), ("expert", 403)]
)
def test_others_may_not_remove_documents(
    clients: dict[str, Client], project: Project, persona: str, expected: int
) -> None:
    document = ProjectDocument.objects.create(project=project, document_type="document", title="x", url="https://e.org")
    response = clients[persona].delete(api("project-document", pk=project.pk, document_pk=document.pk), headers=ENGLISH)
    assert response.status_code == expected
    assert project.documents.exists()


def test_a_document_of_another_project_is_404(clients: dict[str, Client], world: World, project: Project) -> None:
    other = make_project(world)
    document = ProjectDocument.objects.create(project=other, document_type="document", title="x", url="https://e.org")
    response = clients["editor"].delete(
        api("project-document", pk=project.pk, document_pk=document.pk), headers=ENGLISH
    )
    assert response.status_code == 404
    assert other.documents.exists()


# --- exchange rates ------------------------------------------------------------------------------


@pytest.fixture
def rates(db: None) -> list[ExchangeRate]:
    return [
        ExchangeRate.objects.create(currency="EUR", valid_on=datetime.date(2026, 11, 1), uah_per_unit=Decimal("48.1")),
        ExchangeRate.objects.create(currency="EUR", valid_on=datetime.date(2026, 12, 1), uah_per_unit=Decimal("48.5")),
        ExchangeRate.objects.create(currency="USD", valid_on=datetime.date(2026, 11, 15), uah_per_unit=Decimal("41.2")),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_reads_the_rates(clients: dict[str, Client], rates: list[ExchangeRate], persona: str) -> None:
    response = get(clients[persona], api("exchange-rate-list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert "entered_by" not in body["results"][0]


def test_rate_filters(clients: dict[str, Client], rates: list[ExchangeRate]) -> None:
    client = clients["anonymous"]
    eur = get(client, api("exchange-rate-list"), currency="EUR").json()["results"]
    assert [rate["valid_on"] for rate in eur] == ["2026-12-01", "2026-11-01"]
    in_force = get(client, api("exchange-rate-list"), date="2026-11-20").json()["results"]
    assert {(rate["currency"], rate["uah_per_unit"]) for rate in in_force} == {
        ("EUR", "48.100000"),
        ("USD", "41.200000"),
    }
    assert get(client, api("exchange-rate-list"), date="20.11.2026").status_code == 400
    assert get(client, api("exchange-rate-list"), currency="GBP").status_code == 400


@pytest.mark.parametrize("persona", ["admin", "coordinator"])
def test_staff_set_a_rate(clients: dict[str, Client], world: World, persona: str) -> None:
    body = {"currency": "EUR", "valid_on": "2026-12-01", "uah_per_unit": "48.512300", "source": "НБУ"}
    response = post(clients[persona], api("exchange-rate-list"), body)
    assert response.status_code == 201, response.content
    rate = ExchangeRate.objects.get()
    assert rate.uah_per_unit == Decimal("48.512300")
    assert response.json()["uah_per_unit"] == "48.512300"
    assert AuditEntry.objects.filter(action="projects.rate.set").count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 401), ("outsider", 403), ("editor", 403), ("viewer", 403), ("expert", 403)],
)
def test_others_may_not_set_rates(clients: dict[str, Client], world: World, persona: str, expected: int) -> None:
    body = {"currency": "EUR", "valid_on": "2026-12-01", "uah_per_unit": "48.5"}
    assert post(clients[persona], api("exchange-rate-list"), body).status_code == expected
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"uah_per_unit": "0"}, "uah_per_unit"),
        ({"uah_per_unit": "-1"}, "uah_per_unit"),
        ({"currency": "UAH"}, "currency"),
    ],
)
def test_bad_rates_are_refused(clients: dict[str, Client], world: World, changes: dict[str, str], field: str) -> None:
    body = {"currency": "EUR", "valid_on": "2026-12-01", "uah_per_unit": "48.5", **changes}
    response = post(clients["coordinator"], api("exchange-rate-list"), body)
    assert response.status_code == 400
    assert field in response.json()
    assert not ExchangeRate.objects.exists()


def upload_csv(client: Client, content: bytes) -> Any:
    upload = SimpleUploadedFile("rates.csv", content, content_type="text/csv")
    return client.post(api("exchange-rate-import"), {"file": upload}, headers=ENGLISH)


def test_staff_import_rates(clients: dict[str, Client], world: World) -> None:
    response = upload_csv(
        clients["coordinator"], b"currency,date,uah_per_unit,source\nEUR,2026-12-01,48.5,NBU\nUSD,01.12.2026,41.2,NBU\n"
    )
    assert response.status_code == 200, response.content
    assert response.json()["imported"] == 2
    assert ExchangeRate.objects.count() == 2
    assert AuditEntry.objects.filter(action="projects.rate.imported").count() == 1


def test_a_bad_row_refuses_the_whole_file(clients: dict[str, Client], world: World) -> None:
    response = upload_csv(
        clients["coordinator"], b"currency,date,uah_per_unit\nEUR,2026-12-01,48.5\nUSD,2026-12-01,-3\n"
    )
    assert response.status_code == 400
    messages = " ".join(response.json()["file"])
    assert "3" in messages
    assert "uah_per_unit" in messages
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("editor", 403), ("expert", 403), ("outsider", 403)]
)
def test_others_may_not_import_rates(clients: dict[str, Client], world: World, persona: str, expected: int) -> None:
    assert upload_csv(clients[persona], b"currency,date,uah_per_unit\nEUR,2026-12-01,48.5\n").status_code == expected
    assert not ExchangeRate.objects.exists()


def test_import_needs_a_file(clients: dict[str, Client], world: World) -> None:
    response = clients["coordinator"].post(api("exchange-rate-import"), {}, headers=ENGLISH)
    assert response.status_code == 400
    assert "file" in response.json()
