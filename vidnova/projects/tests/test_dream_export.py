"""DREAM export: a project in the shape of DREAM's project ("idea") object, checked against the idea
schema of DREAM's public API description (the copy in vidnova/projects/data/dream/): its required
keys, its enumerations and (the OpenAPI 3.0 schema being JSON Schema) the whole object."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from jsonschema import Draft4Validator, FormatChecker  # type: ignore[import-untyped]

from conftest import World
from vidnova.projects.dream import project_to_dream
from vidnova.projects.lifecycle import MAPPING
from vidnova.projects.models import Project, ProjectState
from vidnova.projects.oc4ids import select_projects, to_json
from vidnova.projects.tests.test_oc4ids_export import SECRETS, make_project

# DREAM's API description, in the shared data folder beside the repository (see its PROVENANCE.md).
OPENAPI = Path(settings.PROJECT_DIR) / "vidnova" / "projects" / "data" / "dream" / "openapi.yaml"
IDEA_PATH = "/marketplace/public/dream/ideas/{id}"


@pytest.fixture(scope="module")
def idea_schema() -> dict[str, Any]:
    document = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    schema: dict[str, Any] = document["paths"][IDEA_PATH]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    return schema


_checker = FormatChecker()


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


_checker.checks("uuid", raises=ValueError)(_is_uuid)


def assert_valid_idea(idea: dict[str, Any], schema: dict[str, Any]) -> None:
    for key in schema["required"]:
        assert key in idea, f"required key {key} missing"
    for key, definition in schema["properties"].items():
        if key in idea and "enum" in definition:
            assert idea[key] in definition["enum"], f"{key}: {idea[key]!r} not in {definition['enum']}"
    errors = list(Draft4Validator(schema, format_checker=_checker).iter_errors(idea))
    listing = "\n".join(f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors)
    assert not errors, f"{len(errors)} error(s):\n{listing}"


@pytest.fixture
def projects(world: World) -> dict[str, Project]:
    return {
        "full": make_project(world, code="D-001"),
        "sensitive": make_project(world, code="D-002", is_sensitive=True),
    }


def _idea(project: Project) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(to_json(project_to_dream(select_projects(project=project.pk).get())))
    return result


def test_full_project_matches_the_idea_schema(
    world: World, projects: dict[str, Project], idea_schema: dict[str, Any]
) -> None:
    idea = _idea(projects["full"])
    assert_valid_idea(idea, idea_schema)
    assert idea["title"] == [
        {"lang": "uk", "translation": "Відновлення школи D-001"},
        {"lang": "en", "translation": "Restoration of school D-001"},
    ]
    assert idea["description"][1] == {
        "lang": "en",
        "translation": "Major repair of the school building after shelling.",
    }
    assert (idea["type"], idea["purpose"]) == ("rehabilitation", "restoration")
    assert (idea["status"], idea["statusDetails"]) == ("pending", "structuring")
    approach = idea["approaches"][0]
    assert approach["items"][0]["locations"] == [
        {"gazetteer": {"scheme": "UA-CATOTTG", "identifiers": ["UA97000000000000777"]}}
    ]
    breakdown = approach["budget"]["budgetBreakdown"]
    assert [line["classifications"] for line in breakdown] == [
        {"costItem": "design", "costType": "capex", "budgetType": "original"},
        {"costItem": "construction", "costType": "capex", "budgetType": "original"},
    ]
    assert breakdown[0]["amount"] == {"amount": 345678.9, "currency": "UAH"}
    finance = approach["budget"]["finance"]
    assert [(line["financeType"], line["financeCategory"]) for line in finance] == [
        ("stateFunds", "localBudget"),
        ("internationalPartners", "internationalOrganization"),
    ]
    # Parties need an EDRPOU code in DREAM; the designer without one is left out.
    assert idea["parties"] == [
        {
            "id": "UA-EDR-04356789",
            "roles": ["initiator", "balancer"],
            "identifier": {"scheme": "UA-EDR", "id": "04356789", "legalName": "Сільська рада"},
        },
        {
            "id": "UA-EDR-12345678",
            "roles": ["contractingAuthority"],
            "identifier": {"scheme": "UA-EDR", "id": "12345678", "legalName": "Відділ освіти"},
        },
    ]
    observations = idea["metrics"][0]["observations"]
    assert [(item["dimensions"]["characteristic"], item["dimensions"]["targetValue"]) for item in observations] == [
        ("numberOfConsumers", 600),
        ("numberOfIDP", 85),
    ]
    assert [(document["documentType"], document["format"]) for document in idea["documents"]] == [
        ("feasibilityStudy", "application/pdf")
    ]
    assert {"scheme": "UA-DREAM", "id": "DREAM-D-001", "identifier": "DREAM-D-001", "relationship": "idea"} in idea[
        "relatedProcesses"
    ]
    # Identifiers are stable from one export to the next.
    assert _idea(projects["full"]) == idea


def test_amounts_stay_exact(world: World, projects: dict[str, Project]) -> None:
    text = to_json(project_to_dream(select_projects(project=projects["full"].pk).get()))
    assert json.loads(text, parse_float=Decimal)["approaches"][0]["budget"]["finance"][0]["value"] == {
        "amount": Decimal("1234567.89"),
        "currency": "UAH",
    }


@pytest.mark.parametrize("state", list(ProjectState.values))
def test_every_state_validates(world: World, idea_schema: dict[str, Any], state: str) -> None:
    project = make_project(world, code=f"S-{state}", state=state)
    idea = _idea(project)
    assert_valid_idea(idea, idea_schema)
    assert idea["status"] == MAPPING[state].dream_status
    assert idea.get("statusDetails") == MAPPING[state].dream_status_details


def test_sensitive_project_shows_the_hromada_only(
    world: World, projects: dict[str, Project], idea_schema: dict[str, Any]
) -> None:
    idea = _idea(projects["sensitive"])
    assert_valid_idea(idea, idea_schema)
    assert idea["approaches"][0]["items"][0]["locations"] == [
        {"gazetteer": {"scheme": "UA-CATOTTG", "identifiers": [world.hromada.katottg]}}
    ]
    assert "documents" not in idea
    text = json.dumps(idea, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "expert", "editor", "coordinator"])
def test_page_and_api_give_the_download_to_everyone(
    world: World,
    projects: dict[str, Project],
    clients: dict[str, Client],
    idea_schema: dict[str, Any],
    persona: str,
) -> None:
    project = projects["full"]
    page = clients[persona].get(reverse("projects:dream", kwargs={"pk": project.pk}))
    assert page.status_code == 200
    assert page["Content-Disposition"] == 'attachment; filename="dream-D-001.json"'
    assert_valid_idea(json.loads(page.content), idea_schema)
    api = clients[persona].get(reverse("api:project-dream", kwargs={"pk": project.pk}))
    assert api.status_code == 200
    assert json.loads(api.content) == json.loads(page.content)


def test_unknown_project_is_not_found(world: World, clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get(reverse("projects:dream", kwargs={"pk": 999999})).status_code == 404
    assert clients["outsider"].get(reverse("api:project-dream", kwargs={"pk": 999999})).status_code == 404
    assert clients["editor"].post(reverse("projects:dream", kwargs={"pk": 999999})).status_code == 405
