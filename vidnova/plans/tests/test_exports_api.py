"""API: /api/v1/plans/<plan_pk>/exports/ (list, ask) and /api/v1/plan-exports/<id>/ (status)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from conftest import World
from vidnova.plans.models import ExportStatus, Plan, PlanExport, PlanVersion
from vidnova.plans.services.exports import export_request
from vidnova.plans.tests.exports_support import adopt
from vidnova.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(world: World) -> Callable[[str], Client]:
    """A client with the API token of the named persona; "anonymous" sends none."""

    def make(persona: str) -> Client:
        if persona == "anonymous":
            return Client()
        token, _created = Token.objects.get_or_create(user=getattr(world, persona))
        return Client(headers={"authorization": f"Token {token.key}", "accept-language": "en"})

    return make


@pytest.fixture
def plan(world: World) -> Plan:
    return factories.make_plan(world.hromada, programme=world.programme)


def _list(plan: Plan) -> str:
    return reverse("api:plan-export-list", kwargs={"plan_pk": plan.pk})


def _detail(export: PlanExport) -> str:
    return reverse("api:plan-export-detail", kwargs={"pk": export.pk})


def test_urls_are_the_documented_ones(plan: Plan) -> None:
    assert _list(plan) == f"/api/v1/plans/{plan.pk}/exports/"
    assert reverse("api:plan-export-detail", kwargs={"pk": 5}) == "/api/v1/plan-exports/5/"


def test_insider_asks_polls_and_downloads(
    api: Callable[[str], Client], world: World, plan: Plan, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = api("viewer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _list(plan), {"version": 1, "file_format": "docx", "language": "en"}, content_type="application/json"
        )
    assert response.status_code == 201
    body = response.json()
    export = PlanExport.objects.get()
    assert response["Location"] == _detail(export)
    assert body["status"] == "queued"  # the answer is written before the task runs
    assert body["version"] == 1
    assert body["file_format"] == "docx"
    assert body["language"] == "en"
    detail = client.get(_detail(export)).json()
    assert detail["status"] == "done"
    assert detail["status_label"] == "ready"
    assert detail["filename"] == f"plan-{world.hromada.katottg}-v1-en.docx"
    assert detail["download_url"] == f"http://testserver/plans/exports/{export.pk}/download/"
    listing = client.get(_list(plan)).json()
    assert listing["count"] == 1
    assert listing["results"][0]["id"] == export.pk


def test_version_defaults_to_the_newest_one_you_may_see(api: Callable[[str], Client], plan: Plan) -> None:
    adopted = adopt(plan)
    PlanVersion.objects.create(plan=plan, number=2, based_on=adopted)
    editor = api("editor").post(_list(plan), {"file_format": "pdf", "language": "uk"}, content_type="application/json")
    assert editor.json()["version"] == 2
    public = api("outsider").post(
        _list(plan), {"file_format": "pdf", "language": "uk"}, content_type="application/json"
    )
    assert public.json()["version"] == 1
    assert public.json()["version_adopted"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"file_format": "odt", "language": "uk"}, "file_format"),
        ({"file_format": "pdf", "language": "de"}, "language"),
        ({"file_format": "pdf", "language": "uk", "version": 9}, "version"),
        ({"language": "uk"}, "file_format"),
    ],
)
def test_bad_requests_name_the_field(
    api: Callable[[str], Client], plan: Plan, payload: dict[str, Any], field: str
) -> None:
    response = api("editor").post(_list(plan), payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PlanExport.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_drafts_are_404_to_outsiders(api: Callable[[str], Client], world: World, plan: Plan, persona: str) -> None:
    export = export_request(acting_user=world.editor, version=plan.versions.get(), file_format="pdf", language="uk")
    client = api(persona)
    assert client.get(_list(plan)).status_code == 404
    assert (
        client.post(_list(plan), {"file_format": "pdf", "language": "uk"}, content_type="application/json").status_code
        == 404
    )
    assert client.get(_detail(export)).status_code == 404
    assert PlanExport.objects.count() == 1


def test_adopted_documents_are_public_and_made_once(
    api: Callable[[str], Client], world: World, plan: Plan, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    adopted = adopt(plan)
    draft = PlanVersion.objects.create(plan=plan, number=2, based_on=adopted)
    hidden = export_request(acting_user=world.editor, version=draft, file_format="pdf", language="uk")
    failed = PlanExport.objects.create(
        plan_version=adopted, file_format="pdf", language="en", status=ExportStatus.FAILED, error="OSError: x"
    )
    client = api("anonymous")
    payload = {"version": 1, "file_format": "docx", "language": "en"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_list(plan), payload, content_type="application/json")
    second = client.post(_list(plan), payload, content_type="application/json")
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["status"] == "done"
    assert second.json()["download_url"]
    ids = [row["id"] for row in client.get(_list(plan)).json()["results"]]
    assert ids == [first.json()["id"]]  # not the draft's document, not the failed one
    assert client.get(_detail(hidden)).status_code == 404
    assert client.get(_detail(failed)).status_code == 404
    insider = api("viewer").get(_detail(failed)).json()
    assert insider["status"] == "failed"
    assert insider["error"] == "OSError: x"


def test_errors_are_hidden_from_the_public(api: Callable[[str], Client], world: World, plan: Plan) -> None:
    adopted = adopt(plan)
    export = export_request(acting_user=world.editor, version=adopted, file_format="pdf", language="uk")
    PlanExport.objects.filter(pk=export.pk).update(error="leftover")
    assert api("anonymous").get(_detail(export)).json()["error"] == ""
    assert api("viewer").get(_detail(export)).json()["error"] == "leftover"


def test_other_methods_are_refused(api: Callable[[str], Client], world: World, plan: Plan) -> None:
    export = export_request(acting_user=world.editor, version=plan.versions.get(), file_format="pdf", language="uk")
    assert api("editor").delete(_detail(export)).status_code == 405
    assert api("editor").put(_list(plan), {}, content_type="application/json").status_code == 405


def test_the_schema_documents_the_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/schema/", headers={"accept": "application/json"})
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/plans/{plan_pk}/exports/" in text
    assert "/api/v1/plan-exports/{id}/" in text
