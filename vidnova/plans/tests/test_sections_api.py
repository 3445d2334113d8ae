"""The sections API: reading (private drafts, public adopted versions), saving with 409 conflicts,
tables, registry figures, revisions and restores, with the same access as the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.plans import text
from vidnova.plans.models import Plan
from vidnova.plans.services.sections import section_save
from vidnova.plans.tests.test_sections_support import adopt, new_plan, section_of

pytestmark = pytest.mark.django_db


def url(name: str, plan: Plan, number: int = 1, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs={"plan_pk": plan.pk, "number": number, **kwargs})


def section_url(plan: Plan, code: str = "profile", number: int = 1) -> str:
    return url("plan-section-detail", plan, number, code=code)


def send(client: Client, method: str, address: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(address, data=json.dumps(body), content_type="application/json")


def test_sections_of_a_working_version_are_private(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    for persona in ("outsider", "anonymous"):
        assert clients[persona].get(url("plan-section-list", plan)).status_code == 404
        assert clients[persona].get(section_url(plan)).status_code == 404
    for persona in ("viewer", "expert", "editor", "coordinator"):
        response = clients[persona].get(url("plan-section-list", plan))
        assert response.status_code == 200
        assert [row["code"] for row in response.json()][:3] == ["profile", "war_impact", "resources"]


def test_an_adopted_version_is_public_but_its_history_is_not(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    section_save(
        acting_user=world.editor, section=section_of(plan), expected_version=1, body_uk="<p>Так</p>", body_en=""
    )
    adopt(plan)
    body = clients["anonymous"].get(section_url(plan)).json()
    assert body["body_uk"] == "<p>Так</p>"
    assert body["updated_by"] is None  # names are for insiders
    assert clients["editor"].get(section_url(plan)).json()["updated_by"] == str(world.editor)
    revisions = url("plan-section-revision-list", plan, code="profile")
    assert clients["anonymous"].get(revisions).status_code == 404
    assert clients["outsider"].get(revisions).status_code == 404
    assert clients["viewer"].get(revisions).status_code == 200


def test_a_section_reads_with_its_tables_and_whether_it_is_required(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world, plan_type="development_strategy")
    body = clients["viewer"].get(section_url(plan, "war_impact")).json()
    assert body["is_required"] is False
    assert body["table_codes"] == ["damage_by_sector", "displacement"]
    assert body["version"] == 1
    assert body["url"] == section_url(plan, "war_impact")


def test_saving_sanitises_and_returns_the_section(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    response = send(
        clients["editor"],
        "put",
        section_url(plan),
        {"version": 1, "body_uk": '<p onclick="x()">А<script>b</script></p>', "body_en": "<p>A</p>"},
    )
    assert response.status_code == 200
    assert response.json()["body_uk"] == "<p>А</p>"
    assert response.json()["version"] == 2
    patched = send(clients["coordinator"], "patch", section_url(plan), {"version": 2, "body_en": "<p>B</p>"})
    assert patched.status_code == 200
    assert (patched.json()["body_uk"], patched.json()["body_en"]) == ("<p>А</p>", "<p>B</p>")
    missing = send(clients["editor"], "patch", section_url(plan), {"body_en": "<p>C</p>"})
    assert missing.status_code == 400
    assert "version" in missing.json()


def test_a_stale_version_is_409_with_the_current_text_and_nothing_is_saved(
    world: World, clients: dict[str, Client]
) -> None:
    plan = new_plan(world)
    send(clients["coordinator"], "put", section_url(plan), {"version": 1, "body_uk": "<p>Їхнє</p>", "body_en": ""})
    response = send(clients["editor"], "put", section_url(plan), {"version": 1, "body_uk": "<p>Моє</p>", "body_en": ""})
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 2
    assert body["current"]["body_uk"] == "<p>Їхнє</p>"
    assert section_of(plan).body_uk == "<p>Їхнє</p>"


def test_over_size_text_is_400_naming_the_field(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    response = send(
        clients["editor"],
        "put",
        section_url(plan),
        {"version": 1, "body_uk": "", "body_en": "e" * (text.MAX_RICH_TEXT_CHARS + 1)},
    )
    assert response.status_code == 400
    assert response.json()["body_en"][0].startswith("Text (English) is too long")
    assert section_of(plan).version == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 403), ("expert", 403), ("outsider", 404), ("anonymous", 401)]
)
def test_writes_are_refused_for_those_who_may_not_edit(
    world: World, clients: dict[str, Client], persona: str, status: int
) -> None:
    plan = new_plan(world)
    client = clients[persona]
    assert send(client, "put", section_url(plan), {"version": 1, "body_uk": "x", "body_en": ""}).status_code == status
    table = url("plan-section-table", plan, code="profile", table="key_figures")
    assert send(client, "put", table, {"version": 1, "rows": []}).status_code == status
    profile = url("plan-section-registry-profile", plan, code="profile")
    assert send(client, "post", profile, {"version": 1}).status_code == status
    assert section_of(plan).version == 1


def test_a_frozen_version_refuses_writes_with_403(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    adopt(plan)
    response = send(clients["editor"], "put", section_url(plan), {"version": 1, "body_uk": "x", "body_en": ""})
    assert response.status_code == 403
    assert section_of(plan).version == 1


def test_tables_are_validated_with_row_and_column_named(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    table = url("plan-section-table", plan, code="financing", table="financing")
    bad = send(
        clients["editor"],
        "put",
        table,
        {"version": 1, "rows": [{"source": "local_budget", "amount": "багато", "currency": "UAH"}]},
    )
    assert bad.status_code == 400
    assert bad.json() == {"non_field_errors": ["Financing by source, row 1, column “amount”: enter a number."]}
    good = send(
        clients["editor"],
        "put",
        table,
        {"version": 1, "rows": [{"source": "local_budget", "amount": 1500000, "currency": "UAH", "year": 2026}]},
    )
    assert good.status_code == 200
    assert good.json()["tables"]["financing"][0]["amount"] == "1500000"
    other = url("plan-section-table", plan, code="financing", table="swot")
    assert send(clients["editor"], "put", other, {"version": 2, "rows": []}).status_code == 404


def test_registry_figures_through_the_api(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    address = url("plan-section-registry-profile", plan, code="profile")
    response = send(clients["editor"], "post", address, {"version": 1})
    assert response.status_code == 200
    rows = response.json()["tables"]["key_figures"]
    assert rows[0]["value"] == str(world.hromada.population_2022)
    assert send(clients["editor"], "post", address, {"version": 1}).status_code == 409


def test_revisions_list_read_and_restore(world: World, clients: dict[str, Client]) -> None:
    plan = new_plan(world)
    for version, body in enumerate(["<p>Один</p>", "<p>Два</p>"], start=1):
        send(clients["editor"], "put", section_url(plan), {"version": version, "body_uk": body, "body_en": ""})
    listing = clients["expert"].get(url("plan-section-revision-list", plan, code="profile")).json()
    assert listing["count"] == 2
    assert [(row["number"], row["author"]) for row in listing["results"]] == [
        (3, str(world.editor)),
        (2, str(world.editor)),
    ]
    one = clients["viewer"].get(url("plan-section-revision-detail", plan, code="profile", revision=2)).json()
    assert one["body_uk"] == "<p>Один</p>"
    restore = url("plan-section-revision-restore", plan, code="profile", revision=2)
    assert send(clients["viewer"], "post", restore, {"version": 3}).status_code == 403
    restored = send(clients["editor"], "post", restore, {"version": 3})
    assert restored.status_code == 200
    assert (restored.json()["body_uk"], restored.json()["version"]) == ("<p>Один</p>", 4)
    assert send(clients["editor"], "post", restore, {"version": 3}).status_code == 409
    missing = url("plan-section-revision-detail", plan, code="profile", revision=99)
    assert clients["editor"].get(missing).status_code == 404


def test_the_schema_documents_the_section_endpoints(clients: dict[str, Client]) -> None:
    schema = clients["anonymous"].get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    detail = paths["/api/v1/plans/{plan_pk}/versions/{number}/sections/{code}/"]
    assert set(detail) >= {"get", "put", "patch"}
    assert "409" in detail["put"]["responses"]
    assert "/api/v1/plans/{plan_pk}/versions/{number}/sections/{code}/revisions/{revision}/restore/" in paths
