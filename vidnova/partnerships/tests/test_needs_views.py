"""The needs pages: the programme's list (staff and partner experts), a hromada's page with where each
need came from, needs typed by hand, closing them, and the partner search profile."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse

from vidnova.audit.models import AuditEntry
from vidnova.partnerships.models import HromadaPartnerProfile, Need, Theme
from vidnova.projects.models import Project
from vidnova.testing import factories
from vidnova.testing.partnerships import make_partnership, validated_assessment


def _list_url(world: Any) -> str:
    return reverse("partnerships:need-list", args=[world.programme.slug])


def _hromada_url(world: Any, hromada: Any = None) -> str:
    return reverse("partnerships:hromada-needs", args=[world.programme.slug, (hromada or world.hromada).katottg])


def _manual(world: Any, theme: str = "procurement", severity: int = 2, **fields: Any) -> Need:
    return Need.objects.create(
        programme=world.programme,
        hromada=world.hromada,
        theme=Theme.objects.get(code=theme),
        severity=severity,
        **fields,
    )


# --- the list ------------------------------------------------------------------------------------


def test_need_list_for_staff_and_experts_only(world: Any, clients: dict[str, Client]) -> None:
    validated_assessment(world.programme, world.hromada, {"f1_prep": 22})
    make_partnership(world.programme, world.hromada, world.organisation)
    url = _list_url(world)
    for name in ("coordinator", "admin", "expert"):
        response = clients[name].get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert world.hromada.name_uk in page
        assert "Shelters, warning and civil protection" in page
        assert 'value="78"' in page  # the severity bar
        assert "severity 78/100" in page
    for name in ("anonymous", "outsider"):
        assert clients[name].get(url).status_code == 404
    for name in ("viewer", "editor"):  # hromada members go to their own hromada's page
        response = clients[name].get(url)
        assert response.status_code == 302
        assert response["Location"] == _hromada_url(world)
    elsewhere = factories.ProgrammeFactory(slug="elsewhere")
    assert clients["viewer"].get(reverse("partnerships:need-list", args=[elsewhere.slug])).status_code == 404
    assert clients["coordinator"].get(reverse("partnerships:need-list", args=["nope"])).status_code == 404


def test_need_list_filters(world: Any, clients: dict[str, Client]) -> None:
    second = factories.HromadaFactory(hromada_type="rural")
    factories.ParticipationFactory(phase=world.phase, hromada=second)
    validated_assessment(world.programme, world.hromada, {"f1_prep": 22})
    Need.objects.create(
        programme=world.programme, hromada=second, theme=Theme.objects.get(code="local-finance"), severity=3
    )
    url = _list_url(world)
    client = clients["coordinator"]
    page = client.get(url).content.decode()
    assert world.hromada.name_uk in page
    assert second.name_uk in page
    page = client.get(url, {"source": "manual"}).content.decode()
    assert second.name_uk in page
    assert world.hromada.name_uk not in page
    page = client.get(url, {"field": "1"}).content.decode()
    assert world.hromada.name_uk in page
    assert second.name_uk not in page
    page = client.get(url, {"theme": "local-finance"}).content.decode()
    assert second.name_uk in page
    assert world.hromada.name_uk not in page
    page = client.get(url, {"type": "rural"}).content.decode()
    assert second.name_uk in page
    page = client.get(url, {"oblast": second.oblast.katottg}).content.decode()
    assert second.name_uk in page
    HromadaPartnerProfile.objects.create(
        programme=world.programme, hromada=second, seeks_partner=False, languages=["uk"]
    )
    page = client.get(url, {"seeks": "on"}).content.decode()
    assert second.name_uk not in page


# --- a hromada's page ----------------------------------------------------------------------------


def test_hromada_page_says_where_each_need_came_from(world: Any, clients: dict[str, Client]) -> None:
    validated_assessment(
        world.programme,
        world.hromada,
        {"f1_prep": 22},
        validated_at=datetime.datetime(2026, 5, 3, 12, 0, tzinfo=datetime.UTC),
    )
    project = Project.objects.create(
        hromada=world.hromada,
        programme=world.programme,
        code="UA-TEST-0001",
        title_uk="Укриття",
        title_en="School shelter",
        seeks_partner_expertise=True,
        assessment_dimensions=["f2_finance"],
    )
    _manual(world, description="Tender documents in English")
    partnership = make_partnership(world.programme, world.hromada, world.organisation, title="Crisis pair")
    url = _hromada_url(world)
    for name in ("coordinator", "editor", "viewer", "expert"):
        assert clients[name].get(url).status_code == 200
    page = clients["viewer"].get(url).content.decode()
    assert (
        "Dimension 1.3 Preparedness: response plan, warning, shelters, evacuation at 22/100 in the assessment "
        "validated on May 3, 2026 (threshold 50)"
    ) in page
    assert "UA-TEST-0001</a>: School shelter seeks partner expertise" in page
    assert reverse("projects:project-detail", kwargs={"pk": project.pk}) in page
    assert "Entered by hand: Tender documents in English" in page
    assert reverse("partnerships:partnership-detail", args=[partnership.pk]) in page
    assert "Add a need" not in page
    assert "Edit the profile" not in page
    page = clients["editor"].get(url).content.decode()
    assert "Add a need" in page
    assert "Edit the profile" in page
    assert "Mark as addressed" in page
    for name in ("anonymous", "outsider"):
        assert clients[name].get(url).status_code == 404
    assert clients["coordinator"].get(_hromada_url(world, world.other_hromada)).status_code == 404


# --- needs typed by hand -------------------------------------------------------------------------


def test_editor_adds_a_need(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("partnerships:need-create", args=[world.programme.slug, world.hromada.katottg])
    page = clients["editor"].get(url).content.decode()
    assert '<optgroup label="Local economic development and project management">' in page
    response = clients["editor"].post(url, {"theme": "energy-resilience", "severity": "3", "description": "Generators"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.theme.code, need.severity, need.description, need.created_by) == (
        "energy-resilience",
        3,
        "Generators",
        world.editor,
    )
    response = clients["editor"].post(url, {"theme": "energy-resilience", "severity": "1"})
    assert response.status_code == 400
    assert "There is already an open need for Energy resilience" in response.content.decode()
    response = clients["editor"].post(url, {"theme": "", "description": "Something"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the severity: low, medium or high." in page
    assert "Something" in page
    assert Need.objects.count() == 1


def test_need_writes_refused(world: Any, clients: dict[str, Client]) -> None:
    need = _manual(world)
    create = reverse("partnerships:need-create", args=[world.programme.slug, world.hromada.katottg])
    edit = reverse("partnerships:need-edit", args=[need.pk])
    profile = reverse("partnerships:profile-edit", args=[world.programme.slug, world.hromada.katottg])
    for url in (create, edit, profile):
        assert clients["viewer"].get(url).status_code == 403
        assert clients["expert"].post(url, {"theme": "procurement", "severity": "3"}).status_code == 403
        assert clients["outsider"].get(url).status_code == 404
        assert clients["anonymous"].get(url).status_code == 302
    assert clients["viewer"].post(edit, {"status": "withdrawn", "version": 1}).status_code == 403
    need.refresh_from_db()
    assert (need.severity, need.status) == (2, "open")
    outside = reverse("partnerships:need-create", args=[world.programme.slug, world.other_hromada.katottg])
    assert clients["coordinator"].get(outside).status_code == 404


def test_need_edit_conflict_and_close(world: Any, clients: dict[str, Client]) -> None:
    need = _manual(world)
    url = reverse("partnerships:need-edit", args=[need.pk])
    assert 'name="version" value="1"' in clients["editor"].get(url).content.decode()
    response = clients["coordinator"].post(url, {"theme": "procurement", "severity": "3", "version": 1})
    assert response.status_code == 302
    response = clients["editor"].post(
        url, {"theme": "procurement", "severity": "1", "description": "Mine", "version": 1}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone saved this need while you were editing it." in page
    assert "Mine" in page
    need.refresh_from_db()
    assert need.severity == 3
    response = clients["editor"].post(url, {"status": "addressed", "version": 2})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == "addressed"
    assert AuditEntry.objects.filter(action="partnerships.need.status_changed").exists()
    page = clients["editor"].get(_hromada_url(world)).content.decode()
    assert "1 closed need entered by hand" in page
    assert clients["editor"].post(url, {"status": "open", "version": 3}).status_code == 302
    need.refresh_from_db()
    assert need.status == "open"


# --- profile -------------------------------------------------------------------------------------


def test_profile_edit(world: Any, clients: dict[str, Client]) -> None:
    url = reverse("partnerships:profile-edit", args=[world.programme.slug, world.hromada.katottg])
    page = clients["editor"].get(url).content.decode()
    assert 'name="version" value="1"' in page
    response = clients["editor"].post(
        url, {"seeks_partner": "on", "languages": ["uk", "en"], "preferred_modes": ["remote_coaching"], "version": 1}
    )
    assert response.status_code == 302
    profile = HromadaPartnerProfile.objects.get()
    assert (profile.languages, profile.preferred_modes) == (["uk", "en"], ["remote_coaching"])
    page = clients["viewer"].get(_hromada_url(world)).content.decode()
    assert "Remote coaching" in page
    assert "Ukrainian, English" in page
    response = clients["editor"].post(url, {"languages": [], "note": "Keep me", "version": 2})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose at least one language the hromada&#x27;s team works in." in page
    assert "Keep me" in page
    response = clients["coordinator"].post(url, {"languages": ["uk"], "version": 1})
    assert response.status_code == 409
    assert "Someone saved this profile while you were editing it." in response.content.decode()
    profile.refresh_from_db()
    assert profile.seeks_partner is True
