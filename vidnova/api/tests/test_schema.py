"""The OpenAPI schema: generated without warnings, valid, and documenting every endpoint with its
parameters (and their allowed values), bodies, responses and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from vidnova.api.docs import generate_schema
from vidnova.registry.models import HromadaType, SecurityStatus

PATHS = {
    "/api/v1/match-runs/": {"get", "post"},
    "/api/v1/match-runs/{id}/": {"get"},
    "/api/v1/match-runs/{id}/suggestions/{suggestion_id}/accept/": {"post"},
    "/api/v1/match-runs/{id}/suggestions/{suggestion_id}/reject/": {"post"},
    "/api/v1/pair-constraints/": {"get", "post"},
    "/api/v1/pair-constraints/{id}/": {"delete"},
    "/api/v1/partner-contacts/": {"get", "post"},
    "/api/v1/partner-contacts/{id}/": {"delete", "get", "patch"},
    "/api/v1/partner-offers/": {"get", "post"},
    "/api/v1/partner-offers/{id}/": {"get", "patch"},
    "/api/v1/partner-offers/{id}/status/": {"post"},
    "/api/v1/partnership-activities/": {"get", "post"},
    "/api/v1/partnership-activities/{id}/": {"get", "patch"},
    "/api/v1/partnership-follow-ups/{id}/": {"get", "patch"},
    "/api/v1/partnership-needs/": {"get", "post"},
    "/api/v1/partnership-needs/{id}/": {"get", "patch"},
    "/api/v1/partnership-profiles/{programme}/{katottg}/": {"get", "put"},
    "/api/v1/partnership-themes/": {"get"},
    "/api/v1/partnership-themes/{code}/": {"get"},
    "/api/v1/partnerships/": {"get", "post"},
    "/api/v1/partnerships/{id}/": {"get", "patch"},
    "/api/v1/partnerships/{id}/agreements/": {"get", "post"},
    "/api/v1/partnerships/{id}/transition/": {"post"},
    "/api/v1/assessments/": {"get"},
    "/api/v1/assessments/{id}/": {"get"},
    "/api/v1/assessments/{id}/answers/{question}/": {"get", "put"},
    "/api/v1/assessments/{id}/evidence/": {"post"},
    "/api/v1/assessments/{id}/evidence/{evidence_pk}/": {"delete"},
    "/api/v1/assessments/{id}/return-notes/{note_pk}/resolve/": {"post"},
    "/api/v1/assessments/{id}/return/": {"post"},
    "/api/v1/assessments/{id}/scores/": {"get"},
    "/api/v1/assessments/{id}/start-validation/": {"post"},
    "/api/v1/assessments/{id}/submit/": {"post"},
    "/api/v1/assessments/{id}/validate/": {"post"},
    "/api/v1/classifications/": {"get"},
    "/api/v1/classifications/{scheme}/": {"get"},
    "/api/v1/exchange-rates/": {"get", "post"},
    "/api/v1/exchange-rates/import/": {"post"},
    "/api/v1/hromadas/": {"get"},
    "/api/v1/hromadas/{katottg}/": {"get"},
    "/api/v1/hromadas/{katottg}/security-status/": {"get", "post"},
    "/api/v1/hromadas/{katottg}/training-needs/": {"get"},
    "/api/v1/imports/{id}/": {"get"},
    "/api/v1/imports/{id}/apply/": {"post"},
    "/api/v1/instruments/": {"get", "post"},
    "/api/v1/instruments/{code}/": {"get"},
    "/api/v1/instruments/{code}/versions/{number}/": {"get"},
    "/api/v1/oblasts/": {"get"},
    "/api/v1/oblasts/{katottg}/": {"get"},
    "/api/v1/oc4ids/": {"get"},
    "/api/v1/partner-municipalities/": {"get"},
    "/api/v1/partner-municipalities/{cbs_code}/": {"get"},
    "/api/v1/plan-exports/{id}/": {"get"},
    "/api/v1/plans/": {"get", "post"},
    "/api/v1/plans/{id}/": {"get", "patch"},
    "/api/v1/plans/{plan_pk}/adoption/": {"post"},
    "/api/v1/plans/{plan_pk}/amendments/": {"post"},
    "/api/v1/plans/{plan_pk}/comments/": {"get", "post"},
    "/api/v1/plans/{plan_pk}/comments/{thread_pk}/": {"get"},
    "/api/v1/plans/{plan_pk}/comments/{thread_pk}/reopen/": {"post"},
    "/api/v1/plans/{plan_pk}/comments/{thread_pk}/replies/": {"post"},
    "/api/v1/plans/{plan_pk}/comments/{thread_pk}/resolve/": {"post"},
    "/api/v1/plans/{plan_pk}/exports/": {"get", "post"},
    "/api/v1/plans/{plan_pk}/higher-level-documents/": {"post"},
    "/api/v1/plans/{plan_pk}/higher-level-documents/{id}/": {"delete"},
    "/api/v1/plans/{plan_pk}/principles/": {"get"},
    "/api/v1/plans/{plan_pk}/principles/{code}/": {"get", "patch"},
    "/api/v1/plans/{plan_pk}/registration/": {"post"},
    "/api/v1/plans/{plan_pk}/transitions/": {"get", "post"},
    "/api/v1/plans/{plan_pk}/versions/": {"get"},
    "/api/v1/plans/{plan_pk}/versions/{number}/": {"get"},
    "/api/v1/plans/{plan_pk}/versions/{number}/goals/": {"get", "post"},
    "/api/v1/plans/{plan_pk}/versions/{number}/goals/reorder/": {"post"},
    "/api/v1/plans/{plan_pk}/versions/{number}/goals/{node_pk}/": {"delete", "get", "patch"},
    "/api/v1/plans/{plan_pk}/versions/{number}/goals/{node_pk}/move/": {"post"},
    "/api/v1/plans/{plan_pk}/versions/{number}/sections/": {"get"},
    "/api/v1/plans/{plan_pk}/versions/{number}/sections/{code}/": {"get", "patch", "put"},
    "/api/v1/plans/{plan_pk}/versions/{number}/sections/{code}/registry-profile/": {"post"},
    "/api/v1/plans/{plan_pk}/versions/{number}/sections/{code}/revisions/": {"get"},
    "/api/v1/plans/{plan_pk}/versions/{number}/sections/{code}/revisions/{revision}/": {"get"},
    "/api/v1/plans/{plan_pk}/versions/{number}/sections/{code}/revisions/{revision}/restore/": {"post"},
    "/api/v1/plans/{plan_pk}/versions/{number}/sections/{code}/tables/{table}/": {"put"},
    "/api/v1/prioritisation-rounds/": {"get", "post"},
    "/api/v1/prioritisation-rounds/{id}/": {"get", "patch"},
    "/api/v1/prioritisation-rounds/{id}/close/": {"post"},
    "/api/v1/prioritisation-rounds/{id}/conflicts/": {"post"},
    "/api/v1/prioritisation-rounds/{id}/criteria/": {"put"},
    "/api/v1/prioritisation-rounds/{id}/projects/": {"put"},
    "/api/v1/prioritisation-rounds/{id}/publish/": {"post"},
    "/api/v1/prioritisation-rounds/{id}/ranking/": {"get"},
    "/api/v1/prioritisation-rounds/{id}/scorers/": {"get", "post"},
    "/api/v1/prioritisation-rounds/{id}/scores/": {"get", "post"},
    "/api/v1/prioritisation-rounds/{id}/what-if/": {"post"},
    "/api/v1/projects/": {"get", "post"},
    "/api/v1/projects/{id}/": {"get", "patch"},
    "/api/v1/projects/{id}/documents/": {"post"},
    "/api/v1/projects/{id}/documents/{document_pk}/": {"delete"},
    "/api/v1/projects/{id}/dream/": {"get"},
    "/api/v1/projects/{id}/oc4ids/": {"get"},
    "/api/v1/projects/{id}/transitions/": {"get", "post"},
    "/api/v1/raions/": {"get"},
    "/api/v1/raions/{katottg}/": {"get"},
    "/api/v1/rounds/": {"get", "post"},
    "/api/v1/rounds/{id}/": {"get", "patch"},
    "/api/v1/rounds/{id}/close/": {"post"},
    "/api/v1/rounds/{id}/hromadas/": {"post"},
    "/api/v1/rounds/{id}/imports/": {"post"},
    "/api/v1/rounds/{id}/reopen/": {"post"},
    "/api/v1/selection-calls/": {"get", "post"},
    "/api/v1/selection-calls/{id}/": {"get", "patch"},
    "/api/v1/selection-calls/{id}/candidates/": {"get"},
    "/api/v1/selection-calls/{id}/candidates/{katottg}/decision/": {"post"},
    "/api/v1/selection-calls/{id}/criteria/": {"put"},
    "/api/v1/selection-calls/{id}/decide/": {"post"},
    "/api/v1/selection-calls/{id}/lock/": {"post"},
    "/api/v1/selection-calls/{id}/manual-scores/": {"get", "post"},
    "/api/v1/selection-calls/{id}/rank/": {"post"},
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result: dict[str, Any] = generate_schema()
    return result


def parameters(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {parameter["name"]: parameter for parameter in operation["parameters"]}


def test_schema_generates_without_warnings_and_is_valid(tmp_path: Path) -> None:
    # Fails on any drf-spectacular warning or error, and validates against the OpenAPI 3 JSON schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text(encoding="utf-8").startswith("openapi: 3.")


def test_every_endpoint_is_documented(schema: dict[str, Any]) -> None:
    documented = {path: set(methods) - {"parameters"} for path, methods in schema["paths"].items()}
    assert documented == PATHS
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation.get("summary"), f"{method} {path} has no summary"


def test_hromada_list_parameters(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/hromadas/"]["get"]
    params = parameters(operation)
    assert set(params) == {
        "q",
        "oblast",
        "raion",
        "type",
        "security_status",
        "programme",
        "as_of",
        "include_crimea",
        "page",
        "page_size",
    }
    assert params["security_status"]["schema"]["enum"] == SecurityStatus.values
    assert params["type"]["schema"]["enum"] == HromadaType.values
    assert params["as_of"]["schema"]["format"] == "date"
    assert params["include_crimea"]["schema"] == {"type": "boolean", "default": True}
    assert params["oblast"]["schema"]["pattern"] == r"^UA\d{17}$"
    assert all(param["in"] == "query" and param.get("description") for param in params.values())
    assert set(operation["responses"]) == {"200", "400"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PaginatedHromadaList"
    )


def test_security_status_write_is_documented(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/hromadas/{katottg}/security-status/"]["post"]
    assert parameters(operation)["katottg"]["in"] == "path"
    body = operation["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/SecurityStatusSetRequest")
    assert body["examples"]
    assert set(operation["responses"]) == {"201", "400", "401", "403", "404"}
    request = schema["components"]["schemas"]["SecurityStatusSetRequest"]
    assert set(request["required"]) == {"status", "starts_on"}
    assert schema["components"]["schemas"]["SecurityStatusEnum"]["enum"] == SecurityStatus.values
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_response_fields_are_described(schema: dict[str, Any]) -> None:
    hromada = schema["components"]["schemas"]["HromadaDetail"]["properties"]
    for name in ["katottg", "oblast", "admin_center", "area_km2", "security_status", "former_names", "url"]:
        assert hromada[name].get("description"), name
    assert hromada["area_km2"]["type"] == "string"
    assert hromada["latitude"]["type"] == "number"
    oblast = schema["components"]["schemas"]["Oblast"]["properties"]
    assert {"iso_3166_2", "category", "raion_count", "hromada_count"} <= set(oblast)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_schema_is_served_to_anyone(fmt: str) -> None:
    response = Client().get(reverse("api-schema"), {"format": fmt})
    assert response.status_code == 200
    text = response.content.decode()
    if fmt == "json":
        assert set(json.loads(text)["paths"]) == set(PATHS)
    else:
        assert text.startswith("openapi: 3.")
        assert "/api/v1/hromadas/{katottg}/security-status/:" in text
