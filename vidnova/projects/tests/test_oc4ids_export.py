"""OC4IDS 0.9.4 export: packages for one project, a plan, a hromada and the programme validate against
the official schema shipped in the repo (jsonschema, Draft 4, the project schema resolved locally),
sensitive sites never leak, the page and the API stream, the command writes a valid file."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.http import StreamingHttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from jsonschema import Draft4Validator, FormatChecker  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from conftest import World
from vidnova.plans.models import Plan, PlanType
from vidnova.projects import oc4ids
from vidnova.projects.lifecycle import MAPPING
from vidnova.projects.models import (
    BudgetLine,
    FinancingLine,
    Project,
    ProjectDocument,
    ProjectLocation,
    ProjectParty,
    ProjectState,
    Risk,
)
from vidnova.registry.models import Hromada

SCHEMA_DIR = Path(oc4ids.__file__).resolve().parent / "data" / "oc4ids"

# What a sensitive site's fiche holds and no public output may show.
SECRET_SETTLEMENT = "UA97000000000000555"
SECRET_PLACE = "Укриття під школою №3"
SECRET_ADDRESS = "вул. Прихована, 7"
SECRET_LATITUDE = "50.456789"
SECRET_LONGITUDE = "30.987654"
SECRETS = (SECRET_SETTLEMENT, SECRET_PLACE, SECRET_ADDRESS, SECRET_LATITUDE, SECRET_LONGITUDE, "50.45678")


# --- schema validation ---------------------------------------------------------------------------

_checker = FormatChecker()


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value:
        raise ValueError(f"{value!r} has no time")
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None


_checker.checks("date-time", raises=ValueError)(_is_date_time)


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


_checker.checks("uri", raises=ValueError)(_is_uri)


def package_validator() -> Draft4Validator:
    package_schema = json.loads((SCHEMA_DIR / "project-package-schema.json").read_text(encoding="utf-8"))
    project_schema = json.loads((SCHEMA_DIR / "project-schema.json").read_text(encoding="utf-8"))
    resource = Resource.from_contents(project_schema, default_specification=DRAFT4)
    registry: Registry[Any] = Registry().with_resource(project_schema["id"], resource)
    Draft4Validator.check_schema(package_schema)
    return Draft4Validator(package_schema, registry=registry, format_checker=_checker)


def assert_valid_package(package: dict[str, Any]) -> None:
    errors = sorted(package_validator().iter_errors(package), key=lambda error: list(error.absolute_path))
    listing = "\n".join(f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors)
    assert not errors, f"{len(errors)} schema error(s):\n{listing}"


# --- data ----------------------------------------------------------------------------------------


def make_project(world: World, *, code: str, hromada: Hromada | None = None, **fields: Any) -> Project:
    """A project with every field of the fiche filled, built through the ORM."""
    values: dict[str, Any] = {
        "hromada": hromada or world.hromada,
        "programme": world.programme,
        "code": code,
        "state": ProjectState.STRUCTURING,
        "title_uk": f"Відновлення школи {code}",
        "title_en": f"Restoration of school {code}",
        "description_uk": "Капітальний ремонт будівлі школи після обстрілу.",
        "description_en": "Major repair of the school building after shelling.",
        "problem_uk": "Школа пошкоджена.",
        "problem_en": "The school is damaged.",
        "objective_uk": "Відновити навчання 600 дітей.",
        "objective_en": "Resume schooling for 600 children.",
        "outputs_uk": "Відремонтована будівля, укриття.",
        "outputs_en": "Repaired building, shelter.",
        "results_uk": "600 дітей навчаються очно.",
        "results_en": "600 children learn in person.",
        "sustainability_uk": "Утримання з місцевого бюджету.",
        "sustainability_en": "Maintained from the local budget.",
        "purpose": "restoration",
        "project_type": "rehabilitation",
        "sectors": ["education", "energy.solar"],
        "purpose_codes": ["11220", "73010"],
        "sdg_targets": ["4.a", "11.5"],
        "acquis_chapters": ["26"],
        "policy_markers": {"10": 2, "11": 1},
        "bbb_features": ["bbb_protective_shelter_included", "bbb_energy_efficiency_or_RES"],
        "readiness": 3,
        "starts_on": datetime.date(2027, 3, 1),
        "ends_on": datetime.date(2028, 8, 31),
        "cost": Decimal("12345678.90"),
        "currency": "UAH",
        "beneficiaries_direct": 600,
        "beneficiaries_indirect": 4200,
        "beneficiary_groups": {"women": 20, "men": 15, "girls": 290, "boys": 275, "idps": 85, "veterans": 3},
        "dream_id": f"DREAM-{code}",
        "prozorro_ids": [f"UA-2027-03-01-00000{len(code)}-a"],
    }
    values.update(fields)
    project = Project.objects.create(**values)
    ProjectLocation.objects.create(
        project=project,
        katottg=SECRET_SETTLEMENT if project.is_sensitive else "UA97000000000000777",
        name=SECRET_PLACE if project.is_sensitive else "Ліцей №1",
        latitude=Decimal(SECRET_LATITUDE) if project.is_sensitive else Decimal("48.500000"),
        longitude=Decimal(SECRET_LONGITUDE) if project.is_sensitive else Decimal("35.250000"),
        description=SECRET_ADDRESS if project.is_sensitive else "вул. Шкільна, 1",
    )
    BudgetLine.objects.create(
        project=project, cost_item="design", cost_type="capex", amount=Decimal("345678.90"), currency="UAH"
    )
    BudgetLine.objects.create(
        project=project,
        cost_item="construction",
        cost_type="capex",
        amount=Decimal("12000000.00"),
        currency="UAH",
        description="Roof, windows, heating",
    )
    FinancingLine.objects.create(
        project=project,
        finance_type="stateFunds",
        finance_category="localBudget",
        funder="Сільська рада",
        amount=Decimal("1234567.89"),
        currency="UAH",
        status="committed",
    )
    FinancingLine.objects.create(
        project=project,
        finance_type="internationalPartners",
        finance_category="internationalOrganization",
        funder="Partner Fund",
        amount=Decimal("250000.00"),
        currency="EUR",
        status="pledged",
    )
    Risk.objects.create(project=project, description="Price rises", likelihood=3, impact=4, mitigation="Reserve")
    ProjectParty.objects.create(project=project, role="initiator", name="Сільська рада", edrpou="04356789")
    ProjectParty.objects.create(project=project, role="balancer", name="Сільська рада", edrpou="04356789")
    ProjectParty.objects.create(project=project, role="contractingAuthority", name="Відділ освіти", edrpou="12345678")
    ProjectParty.objects.create(project=project, role="designer", name="Проєктне бюро (без коду)")
    ProjectDocument.objects.create(
        project=project,
        document_type="feasibilityStudy",
        title="Техніко-економічне обґрунтування",
        url=f"https://example.org/{code}/feasibility.pdf",
    )
    ProjectDocument.objects.create(
        project=project, document_type="illustrationDamaged", title="Фото пошкоджень (внутрішнє)", file="x/y.jpg"
    )
    return project


@pytest.fixture
def projects(world: World) -> dict[str, Project]:
    return {
        "full": make_project(world, code="P-001"),
        "sensitive": make_project(world, code="P-002", is_sensitive=True, state=ProjectState.EX_POST_EVALUATED),
        "other": make_project(world, code="P-003", hromada=world.other_hromada, programme=None),
    }


def read(response: Any) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    return str(response.content.decode())


# --- the mapping ---------------------------------------------------------------------------------


def test_one_project_maps_every_field(world: World, projects: dict[str, Project]) -> None:
    data = oc4ids.project_to_oc4ids(oc4ids.select_projects(project=projects["full"].pk).get())
    assert data["id"] == "oc4ids-vidnova-P-001"
    assert data["status"] == "preparation"
    assert data["type"] == "rehabilitation"
    assert data["sector"] == ["education", "energy", "energy.solar"]
    assert data["purpose"] == "Відновити навчання 600 дітей."
    assert {"id": "DREAM-P-001", "scheme": "UA-DREAM"} in data["identifiers"]
    assert data["period"] == {
        "startDate": "2027-03-01T00:00:00Z",
        "endDate": "2028-08-31T00:00:00Z",
        "durationInDays": 549,
    }
    assert data["budget"]["amount"] == {"amount": Decimal("12345678.90"), "currency": "UAH"}
    breakdown = data["budget"]["budgetBreakdowns"][0]["budgetBreakdown"]
    assert [line["amount"]["amount"] for line in breakdown] == [Decimal("345678.90"), Decimal("12000000.00")]
    assert {item["financingParty"]["name"] for item in data["budget"]["finance"]} == {"Сільська рада", "Partner Fund"}
    council = next(party for party in data["parties"] if party["name"] == "Сільська рада" and "identifier" in party)
    assert council["identifier"] == {"scheme": "UA-EDR", "id": "04356789", "legalName": "Сільська рада"}
    assert council["roles"] == ["initiator", "balancer"]
    authority = next(party for party in data["parties"] if party["name"] == "Відділ освіти")
    assert authority["roles"] == ["contractingAuthority", "buyer"]
    location = data["locations"][0]
    assert location["gazetteer"] == {"scheme": "UA-CATOTTG", "identifiers": ["UA97000000000000777"]}
    assert location["geometry"] == {"type": "Point", "coordinates": [Decimal("35.250000"), Decimal("48.500000")]}
    assert {"scheme": "DAC-CRS", "id": "73010"} in data["additionalClassifications"]
    assert {"scheme": "sdgTarget", "id": "11.5"} in data["additionalClassifications"]
    assert {"scheme": "sdg", "id": "11"} in data["additionalClassifications"]
    # Only the link is public; the uploaded photo is internal.
    assert [document["url"] for document in data["documents"]] == ["https://example.org/P-001/feasibility.pdf"]
    assert data["contractingProcesses"][0]["id"].startswith("UA-2027-03-01-")


@override_settings(VIDNOVA_OC4IDS_PREFIX="oc4ids-abc123")
def test_prefix_comes_from_the_setting(world: World, projects: dict[str, Project]) -> None:
    assert oc4ids.project_identifier(projects["full"]) == "oc4ids-abc123-P-001"


@pytest.mark.parametrize("state", list(ProjectState.values))
def test_every_state_gets_a_status_in_the_codelist(world: World, state: str) -> None:
    assert oc4ids.oc4ids_status(state) in oc4ids.PROJECT_STATUSES
    if MAPPING[state].oc4ids_status in oc4ids.PROJECT_STATUSES:
        assert oc4ids.oc4ids_status(state) == MAPPING[state].oc4ids_status


def test_amounts_are_exact_json_numbers() -> None:
    assert oc4ids.to_json({"a": Decimal("12345678901234.56"), "b": Decimal("10.00"), "c": [Decimal("0.10")]}) == (
        '{"a":12345678901234.56,"b":10,"c":[0.1]}'
    )


# --- packages validate ---------------------------------------------------------------------------


def _package(**filters: Any) -> dict[str, Any]:
    text = "".join(oc4ids.package_chunks(oc4ids.select_projects(**filters), uri="https://example.org/oc4ids/"))
    result: dict[str, Any] = json.loads(text)
    return result


def test_package_of_one_project_validates(world: World, projects: dict[str, Project]) -> None:
    package = _package(project=projects["full"].pk)
    assert_valid_package(package)
    assert [project["id"] for project in package["projects"]] == ["oc4ids-vidnova-P-001"]
    assert package["publisher"] == {"name": "Vidnova"}
    assert package["version"] == "0.9"


def test_package_of_a_hromada_validates(world: World, projects: dict[str, Project]) -> None:
    package = _package(hromada=world.hromada.katottg)
    assert_valid_package(package)
    assert {project["id"] for project in package["projects"]} == {"oc4ids-vidnova-P-001", "oc4ids-vidnova-P-002"}


def test_package_of_the_programme_and_of_everything_validates(world: World, projects: dict[str, Project]) -> None:
    programme = _package(programme=world.programme.slug)
    assert_valid_package(programme)
    assert len(programme["projects"]) == 2
    everything = _package()
    assert_valid_package(everything)
    assert len(everything["projects"]) == 3


def test_a_bare_project_validates(world: World) -> None:
    Project.objects.create(hromada=world.hromada, code="BARE-1", title_uk="Ідея")
    package = _package()
    assert_valid_package(package)
    assert package["projects"][0]["locations"][0]["gazetteer"]["identifiers"] == [world.hromada.katottg]


def test_the_validator_catches_errors(world: World, projects: dict[str, Project]) -> None:
    package = _package(project=projects["full"].pk)
    package["projects"][0]["status"] = "completed"
    package["projects"][0]["budget"]["amount"]["amount"] = "12"
    package["publishedDate"] = "yesterday"
    assert len(list(package_validator().iter_errors(package))) == 3


# --- sensitive sites -----------------------------------------------------------------------------


def test_sensitive_site_shows_the_hromada_only(world: World, projects: dict[str, Project]) -> None:
    package = _package(project=projects["sensitive"].pk)
    assert_valid_package(package)
    project = package["projects"][0]
    assert project["locations"] == [
        {
            "id": "1",
            "description": world.hromada.name_uk,
            "gazetteer": {"scheme": "UA-CATOTTG", "identifiers": [world.hromada.katottg]},
        }
    ]
    assert "documents" not in project
    assert project["status"] == "completion"


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "editor", "coordinator", "admin"])
def test_sensitive_locations_never_appear_in_any_output(
    world: World, projects: dict[str, Project], clients: dict[str, Client], persona: str
) -> None:
    sensitive = projects["sensitive"]
    client = clients[persona]
    outputs = [
        read(client.get(reverse("projects:oc4ids"))),
        read(client.get(reverse("projects:oc4ids"), {"project": sensitive.pk})),
        read(client.get(reverse("projects:oc4ids"), {"hromada": world.hromada.katottg})),
        read(client.get(reverse("projects:dream", kwargs={"pk": sensitive.pk}))),
        read(client.get(reverse("api:oc4ids-package"))),
        read(client.get(reverse("api:project-oc4ids", kwargs={"pk": sensitive.pk}))),
        read(client.get(reverse("api:project-dream", kwargs={"pk": sensitive.pk}))),
    ]
    for output in outputs:
        assert world.hromada.katottg in output
        for secret in SECRETS:
            assert secret not in output


# --- the page and the API ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "expert", "editor"])
def test_page_streams_a_valid_download_to_everyone(
    world: World, projects: dict[str, Project], clients: dict[str, Client], persona: str
) -> None:
    response = clients[persona].get(reverse("projects:oc4ids"), {"programme": world.programme.slug})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="oc4ids-test-programme.json"'
    package = json.loads(read(response))
    assert_valid_package(package)
    assert package["uri"].startswith("http://testserver/projects/oc4ids/?programme=")
    assert len(package["projects"]) == 2


def test_page_filters_by_plan_and_hides_draft_plans(
    world: World, projects: dict[str, Project], clients: dict[str, Client]
) -> None:
    plan = Plan.objects.create(
        hromada=world.hromada,
        programme=world.programme,
        plan_type=PlanType.LOCAL_RECOVERY_PLAN,
        title_uk="План відновлення",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2030, 12, 31),
        state="scoping",
    )
    Project.objects.filter(pk=projects["full"].pk).update(plan=plan)
    url = reverse("projects:oc4ids")
    # The plan is a draft: outsiders may not learn it exists.
    assert clients["anonymous"].get(url, {"plan": plan.pk}).status_code == 404
    assert clients["outsider"].get(url, {"plan": plan.pk}).status_code == 404
    for persona in ("viewer", "editor", "expert"):
        response = clients[persona].get(url, {"plan": plan.pk})
        assert response.status_code == 200, persona
        package = json.loads(read(response))
        assert_valid_package(package)
        assert [project["id"] for project in package["projects"]] == ["oc4ids-vidnova-P-001"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"project": "abc"}, "project"),
        ({"plan": "-1"}, "plan"),
        ({"hromada": "UA12"}, "hromada"),
        ({"programme": "a b"}, "programme"),
    ],
)
def test_malformed_filters_are_refused_naming_the_field(
    world: World, clients: dict[str, Client], params: dict[str, str], field: str
) -> None:
    page = clients["anonymous"].get(reverse("projects:oc4ids"), params)
    assert page.status_code == 400
    assert field in page.content.decode()
    api = clients["anonymous"].get(reverse("api:oc4ids-package"), params)
    assert api.status_code == 400
    assert field in api.json()


def test_empty_selection_is_not_found(world: World, projects: dict[str, Project], clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get(reverse("projects:oc4ids"), {"hromada": "UA00000000000000000"}).status_code == 404
    assert clients["anonymous"].get(reverse("projects:oc4ids"), {"project": 999999}).status_code == 404
    assert clients["anonymous"].get(reverse("api:oc4ids-package"), {"programme": "nope"}).status_code == 404
    assert clients["anonymous"].get(reverse("api:project-oc4ids", kwargs={"pk": 999999})).status_code == 404


def test_writes_are_refused(world: World, projects: dict[str, Project], clients: dict[str, Client]) -> None:
    assert clients["editor"].post(reverse("projects:oc4ids")).status_code == 405
    assert clients["anonymous"].post(reverse("api:oc4ids-package")).status_code in {401, 403, 405}


def test_api_streams_packages(world: World, projects: dict[str, Project], clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(reverse("api:oc4ids-package"), {"hromada": world.other_hromada.katottg})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    package = json.loads(read(response))
    assert_valid_package(package)
    assert [project["id"] for project in package["projects"]] == ["oc4ids-vidnova-P-003"]
    single = clients["outsider"].get(reverse("api:project-oc4ids", kwargs={"pk": projects["full"].pk}))
    assert single.status_code == 200
    package = json.loads(read(single))
    assert_valid_package(package)
    assert len(package["projects"]) == 1


def test_streaming_reads_in_chunks_with_a_fixed_number_of_queries(
    world: World, projects: dict[str, Project], django_assert_max_num_queries: Any
) -> None:
    for number in range(4, 12):
        make_project(world, code=f"P-{number:03d}")
    queryset = oc4ids.select_projects()
    # One chunk: the projects, their related rows (5 prefetches) and the published date, whatever
    # the number of projects.
    with django_assert_max_num_queries(7):
        chunks = list(oc4ids.package_chunks(queryset, uri="https://example.org/x", chunk_size=50))
    package = json.loads("".join(chunks))
    assert_valid_package(package)
    assert len(package["projects"]) == 11
    assert len(chunks) == 13  # head, one chunk per project, tail
    # Smaller chunks: the same package, read in pieces.
    assert "".join(oc4ids.package_chunks(queryset, uri="https://example.org/x", chunk_size=3)) == "".join(chunks)


# --- the command ---------------------------------------------------------------------------------


def test_command_writes_a_valid_file(world: World, projects: dict[str, Project], tmp_path: Path) -> None:
    output = tmp_path / "package.json"
    call_command("export_oc4ids", "--programme", world.programme.slug, "--output", str(output), stdout=(out := _Out()))
    assert "Wrote 2 project(s)" in out.text
    package = json.loads(output.read_text(encoding="utf-8"))
    assert_valid_package(package)
    assert package["uri"].endswith("/projects/oc4ids/?programme=test-programme")
    text = output.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text

    call_command("export_oc4ids", "--hromada", world.other_hromada.katottg, "--output", str(output), stdout=_Out())
    assert len(json.loads(output.read_text(encoding="utf-8"))["projects"]) == 1


def test_command_refuses_bad_input(world: World, projects: dict[str, Project], tmp_path: Path) -> None:
    output = tmp_path / "package.json"
    with pytest.raises(CommandError, match="KATOTTG"):
        call_command("export_oc4ids", "--hromada", "UA1", "--output", str(output))
    with pytest.raises(CommandError, match="No project ideas"):
        call_command("export_oc4ids", "--programme", "nope", "--output", str(output))
    assert not output.exists()


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
