"""Selection pages: access (staff only, everyone else 404), the whole flow through the forms, the
explanations on the page and the export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.urls import reverse

from vidnova.assessments.models import Candidate, CriterionKind, Decision, SelectionCall, SelectionStatus
from vidnova.assessments.services import selection as services
from vidnova.assessments.tests.test_selection_services import (
    CRITERIA,
    Setup,
    assessment_of,
    build,
    make_assessment,
)
from vidnova.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

NOT_STAFF = ["editor", "viewer", "expert", "outsider"]


def _ranked_setup(world: Any) -> Setup:
    setup = build(world)
    for index in range(4):
        make_assessment(assessment_of(setup, index), overall=str(30 + 10 * index), fields={1: "40"}, damage="minor")
    services.criteria_set(acting_user=world.coordinator, call=setup.call, criteria=CRITERIA)
    call = services.selection_lock(acting_user=world.coordinator, call=setup.call)
    services.selection_rank(acting_user=world.coordinator, call=call)
    return setup


def test_access(world, clients):  # type: ignore[no-untyped-def]
    setup = _ranked_setup(world)
    call = setup.call
    urls = [
        reverse("assessments:selection-list", kwargs={"slug": world.programme.slug}),
        reverse("assessments:selection-detail", kwargs={"pk": call.pk}),
        reverse("assessments:selection-export", kwargs={"pk": call.pk}) + "?format=csv",
    ]
    for url in urls:
        assert clients["coordinator"].get(url).status_code == 200
        assert clients["admin"].get(url).status_code == 200
        for name in NOT_STAFF:
            assert clients[name].get(url).status_code == 404, (name, url)
        assert clients["anonymous"].get(url).status_code == 302
    posts = [
        reverse("assessments:selection-rank", kwargs={"pk": call.pk}),
        reverse("assessments:selection-decide", kwargs={"pk": call.pk}),
        reverse("assessments:selection-lock", kwargs={"pk": call.pk}),
        reverse("assessments:selection-list", kwargs={"slug": world.programme.slug}),
    ]
    for url in posts:
        for name in NOT_STAFF:
            assert clients[name].post(url, {}).status_code == 404, (name, url)
    assert clients["coordinator"].get("/assessments/selection/999999/").status_code == 404


def test_create_edit_criteria_lock_flow(world, clients):  # type: ignore[no-untyped-def]
    setup = build(world)
    client = clients["coordinator"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assert on the English source texts
    list_url = reverse("assessments:selection-list", kwargs={"slug": world.programme.slug})
    page = client.get(list_url)
    assert "Selection" in page.content.decode()
    bad = client.post(
        list_url,
        {
            "round": setup.round.pk,
            "name_uk": "",
            "security_date": "2026-12-01",
            "min_completeness": "120",
            "places": "3",
        },
    )
    assert bad.status_code == 400
    assert SelectionCall.objects.count() == 1
    response = client.post(
        list_url,
        {
            "round": setup.round.pk,
            "name_uk": "Новий відбір",
            "security_date": "2026-12-01",
            "exclude_active_hostilities": "on",
            "min_completeness": "75",
            "require_validated": "on",
            "places": "3",
        },
    )
    assert response.status_code == 302
    call = SelectionCall.objects.get(name_uk="Новий відбір")
    detail = reverse("assessments:selection-detail", kwargs={"pk": call.pk})
    # Gates edit with the version; a stale version is a conflict.
    edit = reverse("assessments:selection-edit", kwargs={"pk": call.pk})
    gates = {"name_uk": "Новий відбір", "security_date": "2026-12-01", "min_completeness": "70", "places": "4"}
    assert client.post(edit, {**gates, "version": str(call.version)}).status_code == 302
    assert client.post(edit, {**gates, "version": "1"}).status_code == 409
    call.refresh_from_db()
    assert call.places == 4
    assert call.min_completeness == Decimal(70)
    assert not call.exclude_active_hostilities
    # Criteria through the formset.
    criteria_url = reverse("assessments:selection-criteria", kwargs={"pk": call.pk})
    form = {
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-code": "gap",
        "criteria-0-name_uk": "Розрив",
        "criteria-0-kind": CriterionKind.CAPACITY_GAP,
        "criteria-0-weight": "60",
        "criteria-1-code": "damage",
        "criteria-1-name_uk": "Руйнування",
        "criteria-1-kind": CriterionKind.ANSWER_POINTS,
        "criteria-1-weight": "40",
        "criteria-1-question": "ctx_damage_level",
        "criteria-1-points": "none = 0\nminor = 30\nhuge = 100",
    }
    refused = client.post(criteria_url, form)
    assert refused.status_code == 400
    assert "“huge” is not a choice of “ctx_damage_level”" in refused.content.decode()
    form["criteria-1-points"] = "none = 0\nminor = 30"
    assert client.post(criteria_url, form).status_code == 302
    assert list(call.criteria.values_list("code", flat=True)) == ["gap", "damage"]
    page = client.get(detail).content.decode()
    assert "60%" in page
    assert "Lock the criteria and weights" in page
    assert client.post(reverse("assessments:selection-lock", kwargs={"pk": call.pk})).status_code == 302
    assert AuditEntry.objects.filter(action="assessments.selection.locked", object_id=str(call.pk)).exists()
    locked = client.post(criteria_url, form)
    assert locked.status_code == 400
    assert "can no longer change" in locked.content.decode()
    page = client.get(detail).content.decode()
    assert str(world.coordinator) in page  # who locked


def test_rank_explain_decide_and_export(world, clients):  # type: ignore[no-untyped-def]
    setup = _ranked_setup(world)
    call = setup.call
    client = clients["coordinator"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assert on the English source texts
    detail = reverse("assessments:selection-detail", kwargs={"pk": call.pk})
    # Manual score through the form.
    score_url = reverse("assessments:selection-score", kwargs={"pk": call.pk})
    commitment = call.criteria.get(code="commitment")
    assert (
        client.post(
            score_url, {"criterion": commitment.pk, "hromada": setup.hromadas[1].pk, "value": "90", "note": ""}
        ).status_code
        == 400
    )
    assert (
        client.post(
            score_url,
            {"criterion": commitment.pk, "hromada": setup.hromadas[1].pk, "value": "90", "note": "Signed letter"},
        ).status_code
        == 302
    )
    assert client.post(reverse("assessments:selection-rank", kwargs={"pk": call.pk})).status_code == 302
    page = client.get(detail).content.decode()
    assert "Total" in page
    assert "rank 1 of 4" in page
    assert "Gap" in page
    assert "× weight 40% =" in page
    assert "Not eligible" in page  # the fifth hromada has no validated assessment
    first = Candidate.objects.get(call=call, rank=1)
    decide_url = reverse("assessments:selection-candidate-decide", kwargs={"pk": call.pk, "candidate": first.pk})
    prefix = f"c{first.pk}"
    assert client.post(decide_url, {f"{prefix}-decision": "selected", f"{prefix}-justification": ""}).status_code == 400
    assert (
        client.post(decide_url, {f"{prefix}-decision": "shortlisted", f"{prefix}-justification": "Best"}).status_code
        == 302
    )
    response = client.post(reverse("assessments:selection-decide", kwargs={"pk": call.pk}))
    assert response.status_code == 400
    assert "every shortlisted hromada" in response.content.decode()
    client.post(decide_url, {f"{prefix}-decision": "selected", f"{prefix}-justification": "Best"})
    assert client.post(reverse("assessments:selection-decide", kwargs={"pk": call.pk})).status_code == 302
    call.refresh_from_db()
    assert call.status == SelectionStatus.DECIDED
    assert Candidate.objects.get(pk=first.pk).decision == Decision.SELECTED

    export = reverse("assessments:selection-export", kwargs={"pk": call.pk})
    response = client.get(export + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # rank, KATOTTG, hromada, oblast, eligible, 4 criteria, total, decision, justification, explanation
    assert len(rows[0]) == 13
    assert rows[0][:3] == ["Rank", "KATOTTG", "Hromada"]
    assert rows[1][1] == first.hromada.katottg
    assert rows[1][0] == "1"
    assert rows[1][11] == "Best"
    assert len(rows) == 6
    response = client.get(export + "?format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[3][1] == first.hromada.katottg
    assert values[0][0] == str(call)
    assert len(values[2]) == 13
    assert values[3][0] == 1
    assert values[3][12].startswith("Eligible: ")


def test_viewer_cannot_see_ranking_anywhere(world, clients):  # type: ignore[no-untyped-def]
    setup = _ranked_setup(world)
    for name in ("editor", "viewer"):
        response = clients[name].get(reverse("assessments:selection-detail", kwargs={"pk": setup.call.pk}))
        assert response.status_code == 404
        assert setup.hromadas[1].name_uk not in response.content.decode()
