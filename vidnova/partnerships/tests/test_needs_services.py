"""Hromada needs: derivation from assessments, project ideas and hand-typed needs (batched), the needs
and profile services (refusals, access, conflicts, the audit log)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import EditConflict
from vidnova.partnerships.models import HromadaPartnerProfile, Need, Theme
from vidnova.partnerships.selectors.needs import (
    needs_for,
    needs_of,
    profile_of,
    profiles_for,
    programme_hromadas,
)
from vidnova.partnerships.services.needs import need_create, need_set_status, need_update, profile_save
from vidnova.projects.models import Project
from vidnova.testing import factories
from vidnova.testing.partnerships import validated_assessment


def _project(world: Any, hromada: Any = None, **fields: Any) -> Project:
    defaults: dict[str, Any] = {
        "hromada": hromada or world.hromada,
        "programme": world.programme,
        "code": f"UA-TEST-{Project.objects.count() + 1}",
        "title_uk": "Укриття для школи",
        "title_en": "Shelter for the school",
        "seeks_partner_expertise": True,
        "assessment_dimensions": ["f1_prep"],
    }
    defaults.update(fields)
    return Project.objects.create(**defaults)


# --- derivation -----------------------------------------------------------------------------------


def test_weak_dimensions_of_the_latest_validated_assessment_become_needs(world: Any) -> None:
    validated_at = datetime.datetime(2026, 5, 3, 12, 0, tzinfo=datetime.UTC)
    validated_assessment(
        world.programme, world.hromada, {"f1_prep": 22, "f2_pim": 70, "f3_integrity": 49}, validated_at=validated_at
    )
    older = validated_assessment(
        factories.ProgrammeFactory(slug="earlier"),
        world.hromada,
        {"f1_prep": 10},
        validated_at=validated_at - datetime.timedelta(days=400),
    )
    needs = needs_of(world.programme, world.hromada)
    by_theme = {(need.theme.code, need.source): need for need in needs}
    # f1_prep answers civil-protection and fire-rescue; f3_integrity answers anti-corruption.
    assert set(by_theme) == {
        ("civil-protection", "assessment"),
        ("fire-rescue", "assessment"),
        ("anti-corruption", "assessment"),
    }
    shelters = by_theme[("civil-protection", "assessment")]
    assert shelters.severity == pytest.approx(0.78)
    assert shelters.facts["dimension"] == "f1_prep"
    assert shelters.facts["score"] == 22
    assert shelters.facts["threshold"] == 50
    assert shelters.facts["dimension_label"]["en"].startswith("1.3 Preparedness")
    assert shelters.facts["dimension_label"]["uk"].startswith("1.3 Готовність")
    assert shelters.facts["assessment_id"] != older.pk
    assert shelters.facts["validated_on"] == "2026-05-03"
    assert shelters.need is None
    assert by_theme[("anti-corruption", "assessment")].severity == pytest.approx(0.51)
    assert needs[0].severity >= needs[-1].severity  # strongest first


def test_project_ideas_seeking_partners_become_needs(world: Any) -> None:
    validated_assessment(world.programme, world.hromada, {"f1_prep": 80, "f2_pim": 40})
    project = _project(world, assessment_dimensions=["f1_prep", "f2_finance"])
    _project(world, seeks_partner_expertise=False, assessment_dimensions=["f3_participation"])
    _project(world, state="cancelled", assessment_dimensions=["f3_transparency"])
    other_programme = factories.ProgrammeFactory(slug="other")
    _project(world, programme=other_programme, assessment_dimensions=["f2_led"])
    needs = [need for need in needs_of(world.programme, world.hromada) if need.source == "project"]
    by_theme = {need.theme.code: need for need in needs}
    assert set(by_theme) == {"civil-protection", "fire-rescue", "local-finance"}
    assert by_theme["civil-protection"].severity == pytest.approx(0.2)  # scored 80
    assert by_theme["local-finance"].severity == 0.5  # not assessed
    assert by_theme["civil-protection"].facts == {
        "project_id": project.pk,
        "project_code": project.code,
        "project_title": "Укриття для школи",
        "project_title_en": "Shelter for the school",
        "dimension": "f1_prep",
        "score": 80.0,
    }


def test_open_hand_typed_needs_are_included_with_their_severity(world: Any) -> None:
    need = need_create(
        acting_user=world.editor, programme=world.programme, hromada=world.hromada, theme="local-economy", severity=3
    )
    closed = need_create(
        acting_user=world.editor, programme=world.programme, hromada=world.hromada, theme="procurement", severity=1
    )
    need_set_status(acting_user=world.editor, need=closed, status="addressed")
    needs = needs_of(world.programme, world.hromada)
    assert [(n.theme.code, n.source, n.severity) for n in needs] == [("local-economy", "manual", 1.0)]
    assert needs[0].need == need
    assert needs[0].facts == {"need_id": need.pk, "severity_level": 3, "description": ""}


def test_same_theme_from_several_sources_gives_several_rows(world: Any) -> None:
    validated_assessment(world.programme, world.hromada, {"f1_prep": 30})
    _project(world, assessment_dimensions=["f1_prep"])
    need_create(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=world.hromada,
        theme="civil-protection",
        severity=2,
    )
    sources = sorted(n.source for n in needs_of(world.programme, world.hromada) if n.theme.code == "civil-protection")
    assert sources == ["assessment", "manual", "project"]


def test_needs_for_takes_a_constant_number_of_queries(world: Any, django_assert_max_num_queries: Any) -> None:
    hromadas = [world.hromada, *[factories.HromadaFactory() for _ in range(12)]]
    procurement = Theme.objects.get(code="procurement")
    for index, hromada in enumerate(hromadas):
        if hromada != world.hromada:
            factories.ParticipationFactory(phase=world.phase, hromada=hromada)
        validated_assessment(world.programme, hromada, {"f1_prep": 10 + index, "f2_led": 20})
        _project(world, hromada, assessment_dimensions=["f3_participation"])
        Need.objects.create(programme=world.programme, hromada=hromada, theme=procurement, severity=2)
    with django_assert_max_num_queries(6):
        few = needs_for(world.programme, hromadas[:2])
    with django_assert_max_num_queries(6):
        many = needs_for(world.programme, hromadas)
    assert set(many) == {h.pk for h in hromadas}
    assert len(few[hromadas[0].pk]) == len(many[hromadas[0].pk])
    assert all({n.source for n in needs} == {"assessment", "project", "manual"} for needs in many.values())
    assert needs_for(world.programme, []) == {}


def test_programme_hromadas_and_profiles(world: Any) -> None:
    phase_two = factories.PhaseFactory(programme=world.programme, number=2)
    later = factories.HromadaFactory()
    factories.ParticipationFactory(phase=phase_two, hromada=later)
    factories.ParticipationFactory(phase=phase_two, hromada=world.hromada)
    assert set(programme_hromadas(world.programme)) == {world.hromada, later}
    assert programme_hromadas(world.programme).count() == 2  # distinct
    assert list(programme_hromadas(world.programme, world.phase)) == [world.hromada]
    default = profile_of(world.programme, world.hromada)
    assert default.pk is None
    assert (default.seeks_partner, default.languages, default.preferred_modes) == (True, ["uk"], [])
    saved = profile_save(
        acting_user=world.editor,
        programme=world.programme,
        hromada=world.hromada,
        data={"seeks_partner": False, "languages": ["uk", "en"]},
        expected_version=1,
    )
    profiles = profiles_for(world.programme, [world.hromada, later])
    assert profiles[world.hromada.pk] == saved
    assert profiles[later.pk].pk is None


# --- need services --------------------------------------------------------------------------------


def test_need_create_logs_and_refuses_bad_input(world: Any) -> None:
    need = need_create(
        acting_user=world.editor,
        programme=world.programme,
        hromada=world.hromada,
        theme="energy-resilience",
        severity=2,
        description=" Generators for the water utility ",
    )
    assert need.description == "Generators for the water utility"
    entry = AuditEntry.objects.get(action="partnerships.need.created")
    assert entry.hromada == world.hromada
    assert entry.data["theme"] == "energy-resilience"

    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"theme": "nope", "severity": 2}, "theme", "Unknown theme"),
        ({"theme": "", "severity": 2}, "theme", "Choose a theme"),
        ({"theme": "procurement", "severity": 4}, "severity", "1 (low), 2 (medium) or 3 (high)"),
        ({"theme": "energy-resilience", "severity": 1}, "theme", "already an open need"),
    ]
    for kwargs, field, message in cases:
        with pytest.raises(ValidationError) as caught:
            need_create(acting_user=world.editor, programme=world.programme, hromada=world.hromada, **kwargs)
        assert message in " ".join(caught.value.message_dict[field])
    assert Need.objects.count() == 1


def test_need_for_a_hromada_outside_the_programme_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        need_create(
            acting_user=world.coordinator,
            programme=world.programme,
            hromada=world.other_hromada,
            theme="procurement",
            severity=2,
        )
    assert "does not take part in" in caught.value.message_dict["hromada"][0]
    with pytest.raises(ValidationError):
        profile_save(
            acting_user=world.coordinator,
            programme=world.programme,
            hromada=world.other_hromada,
            data={},
            expected_version=None,
        )
    assert not Need.objects.exists()
    assert not HromadaPartnerProfile.objects.exists()


def test_need_access(world: Any) -> None:
    kwargs: dict[str, Any] = {
        "programme": world.programme,
        "hromada": world.hromada,
        "theme": "procurement",
        "severity": 2,
    }
    for user in (world.viewer, world.expert):
        with pytest.raises(PermissionDenied):
            need_create(acting_user=user, **kwargs)
    with pytest.raises(Http404):
        need_create(acting_user=world.outsider, **kwargs)
    assert need_create(acting_user=world.coordinator, **kwargs).created_by == world.coordinator


def test_need_update_and_status(world: Any) -> None:
    need = need_create(
        acting_user=world.editor, programme=world.programme, hromada=world.hromada, theme="procurement", severity=1
    )
    updated = need_update(
        acting_user=world.editor, need=need, data={"severity": "3", "description": "Tenders"}, expected_version=1
    )
    assert (updated.severity, updated.description, updated.version) == (3, "Tenders", 2)
    assert AuditEntry.objects.get(action="partnerships.need.updated").changes["severity"] == [1, 3]
    with pytest.raises(EditConflict):
        need_update(acting_user=world.editor, need=need, data={"severity": 2}, expected_version=1)
    with pytest.raises(ValidationError) as caught:
        need_update(acting_user=world.editor, need=need, data={"severity": 7}, expected_version=2)
    assert "severity" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        need_update(acting_user=world.viewer, need=need, data={"severity": 2}, expected_version=2)
    closed = need_set_status(acting_user=world.editor, need=need, status="withdrawn", expected_version=2)
    assert closed.status == "withdrawn"
    assert AuditEntry.objects.get(action="partnerships.need.status_changed").changes == {
        "status": ["open", "withdrawn"]
    }
    # A new open need for the same theme, then reopening the old one would make two.
    need_create(
        acting_user=world.editor, programme=world.programme, hromada=world.hromada, theme="procurement", severity=2
    )
    with pytest.raises(ValidationError) as caught:
        need_set_status(acting_user=world.editor, need=need, status="open")
    assert "already an open need" in caught.value.message_dict["theme"][0]
    with pytest.raises(ValidationError):
        need_set_status(acting_user=world.editor, need=need, status="finished")


# --- profile --------------------------------------------------------------------------------------


def test_profile_save_creates_then_updates_with_versions(world: Any) -> None:
    profile = profile_save(
        acting_user=world.editor,
        programme=world.programme,
        hromada=world.hromada,
        data={"languages": "uk, en", "preferred_modes": ["remote_coaching"], "note": "Online first"},
        expected_version=1,
    )
    assert (profile.seeks_partner, profile.languages, profile.preferred_modes) == (
        True,
        ["uk", "en"],
        ["remote_coaching"],
    )
    profile = profile_save(
        acting_user=world.coordinator,
        programme=world.programme,
        hromada=world.hromada,
        data={"seeks_partner": "false"},
        expected_version=profile.version,
    )
    assert profile.seeks_partner is False
    assert profile.languages == ["uk", "en"]
    with pytest.raises(EditConflict):
        profile_save(
            acting_user=world.editor,
            programme=world.programme,
            hromada=world.hromada,
            data={"note": "x"},
            expected_version=1,
        )
    entries = AuditEntry.objects.filter(action="partnerships.profile.saved").order_by("pk")
    assert [entry.data["created"] for entry in entries] == [True, False]
    assert entries[1].changes == {"seeks_partner": [True, False]}


def test_profile_refusals_and_access(world: Any) -> None:
    base = {"programme": world.programme, "hromada": world.hromada, "expected_version": None}
    with pytest.raises(ValidationError) as caught:
        profile_save(acting_user=world.editor, data={"languages": [], "preferred_modes": ["flying"]}, **base)
    assert set(caught.value.message_dict) == {"languages", "preferred_modes"}
    with pytest.raises(ValidationError) as caught:
        profile_save(acting_user=world.editor, data={"languages": ["tlh"]}, **base)
    assert "Unknown language code" in caught.value.message_dict["languages"][0]
    for user in (world.viewer, world.expert):
        with pytest.raises(PermissionDenied):
            profile_save(acting_user=user, data={}, **base)
    with pytest.raises(Http404):
        profile_save(acting_user=world.outsider, data={}, **base)
    assert not HromadaPartnerProfile.objects.exists()
