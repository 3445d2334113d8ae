"""Round pages: the start page per persona, a programme's rounds, opening a round, a round's progress
with edit (and its conflict), close / reopen and adding hromadas; outsiders 404, read-only 403."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.assessments.models import Assessment, InstrumentVersion, Round, RoundStatus
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.rounds import round_open
from vidnova.audit.models import AuditEntry
from vidnova.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db: None) -> InstrumentVersion:
    return instrument_load_default()


@pytest.fixture
def round_(world: World, version: InstrumentVersion) -> Round:
    return round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk="Базове оцінювання",
        name_en="Baseline assessment",
        opens_on=datetime.date(2026, 12, 1),
        deadline=datetime.date(2027, 1, 31),
        hromadas=[world.hromada],
    )


def open_data(world: World, version: InstrumentVersion, **changes: Any) -> dict[str, Any]:
    data = {
        "name_uk": "Проміжне оцінювання",
        "name_en": "Midline",
        "name_nl": "",
        "kind": "midline",
        "instrument_version": version.pk,
        "opens_on": "2027-02-01",
        "deadline": "2027-03-01",
        "training_threshold": "60",
        "hromadas": [world.hromada.pk],
    }
    data.update(changes)
    return data


# --- start page ----------------------------------------------------------------------------------


def test_index_for_staff_lists_programme_rounds_with_counts(clients: dict[str, Client], round_: Round) -> None:
    response = clients["coordinator"].get(reverse("assessments:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Базове оцінювання" in html
    assert reverse("assessments:round-open", args=["test-programme"]) in html
    assert reverse("assessments:selection-list", args=["test-programme"]) in html


def test_index_for_hromada_member_lists_own_assessment(clients: dict[str, Client], round_: Round) -> None:
    assessment = round_.assessments.get()
    html = clients["viewer"].get(reverse("assessments:index")).content.decode()
    assert reverse("assessments:assessment-detail", args=[assessment.pk]) in html
    assert reverse("assessments:round-open", args=["test-programme"]) not in html


def test_index_for_expert_links_the_cohort(clients: dict[str, Client], round_: Round) -> None:
    html = clients["expert"].get(reverse("assessments:index")).content.decode()
    assert reverse("assessments:cohort", args=[round_.pk]) in html
    assert reverse("assessments:round-open", args=["test-programme"]) not in html


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_index_for_outsiders_shows_nothing_private(clients: dict[str, Client], round_: Round, persona: str) -> None:
    response = clients[persona].get(reverse("assessments:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Базове оцінювання" not in html
    assert reverse("assessments:instrument-list") in html


# --- round list and opening ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 200), ("expert", 200), ("viewer", 404), ("outsider", 404), ("anonymous", 404)],
)
def test_round_list_access(clients: dict[str, Client], round_: Round, persona: str, status: int) -> None:
    response = clients[persona].get(reverse("assessments:round-list", args=["test-programme"]))
    assert response.status_code == status
    if status == 200:
        assert "Базове оцінювання" in response.content.decode()


def test_round_list_unknown_programme_is_404(clients: dict[str, Client]) -> None:
    assert clients["coordinator"].get(reverse("assessments:round-list", args=["nope"])).status_code == 404


def test_open_round_form_offers_participating_hromadas_only(
    clients: dict[str, Client], world: World, version: InstrumentVersion
) -> None:
    response = clients["coordinator"].get(reverse("assessments:round-open", args=["test-programme"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.hromada.name_uk in html
    assert f'value="{world.other_hromada.pk}"' not in html
    assert str(version.instrument.name) in html


def test_open_round_creates_assessments(clients: dict[str, Client], world: World, version: InstrumentVersion) -> None:
    response = clients["coordinator"].post(
        reverse("assessments:round-open", args=["test-programme"]), open_data(world, version)
    )
    round_ = Round.objects.get(name_uk="Проміжне оцінювання")
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:round-detail", args=[round_.pk])
    assert round_.kind == "midline"
    assert str(round_.training_threshold) == "60.00"
    assert list(round_.assessments.values_list("hromada", flat=True)) == [world.hromada.pk]
    assert AuditEntry.objects.filter(action="assessments.round.opened").exists()


def test_open_round_select_all_ticks_every_hromada_and_keeps_input(
    clients: dict[str, Client], world: World, version: InstrumentVersion
) -> None:
    second = factories.HromadaFactory()
    factories.ParticipationFactory(phase=world.phase, hromada=second)
    data = open_data(world, version, hromadas=[], select_all="1")
    response = clients["coordinator"].post(reverse("assessments:round-open", args=["test-programme"]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("checked") >= 2
    assert "Проміжне оцінювання" in html
    assert not Round.objects.exists()


def test_open_round_bad_input_names_the_field(
    clients: dict[str, Client], world: World, version: InstrumentVersion
) -> None:
    data = open_data(world, version, deadline="2027-01-01", hromadas=[])
    response = clients["coordinator"].post(reverse("assessments:round-open", args=["test-programme"]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The deadline cannot be before the round opens." in html or "Кінцевий" in html or "deadline" in html
    assert not Round.objects.exists()


def test_open_round_refuses_hromada_outside_programme(
    clients: dict[str, Client], world: World, version: InstrumentVersion
) -> None:
    data = open_data(world, version, hromadas=[world.other_hromada.pk])
    response = clients["coordinator"].post(reverse("assessments:round-open", args=["test-programme"]), data)
    assert response.status_code == 400
    assert not Round.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("expert", 403), ("viewer", 404), ("editor", 404), ("outsider", 404)])
def test_open_round_refused(
    clients: dict[str, Client], world: World, version: InstrumentVersion, persona: str, status: int
) -> None:
    url = reverse("assessments:round-open", args=["test-programme"])
    assert clients[persona].post(url, open_data(world, version)).status_code == status
    assert not Round.objects.exists()


def test_open_round_anonymous_goes_to_sign_in(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(reverse("assessments:round-open", args=["test-programme"]))
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- round detail --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("admin", 200),
        ("expert", 200),
        ("viewer", 404),
        ("editor", 404),
        ("outsider", 404),
        ("anonymous", 404),
    ],
)
def test_round_detail_access(clients: dict[str, Client], round_: Round, persona: str, status: int) -> None:
    response = clients[persona].get(reverse("assessments:round-detail", args=[round_.pk]))
    assert response.status_code == status


def test_round_detail_shows_hromadas_states_and_links(clients: dict[str, Client], world: World, round_: Round) -> None:
    assessment = round_.assessments.get()
    html = clients["coordinator"].get(reverse("assessments:round-detail", args=[round_.pk])).content.decode()
    assert world.hromada.name_uk in html
    assert reverse("assessments:assessment-detail", args=[assessment.pk]) in html
    assert reverse("assessments:review", args=[assessment.pk]) in html
    assert "Save the round" in html or 'name="version"' in html
    expert_html = clients["expert"].get(reverse("assessments:round-detail", args=[round_.pk])).content.decode()
    assert 'name="version"' not in expert_html
    assert reverse("assessments:review", args=[assessment.pk]) not in expert_html


def test_round_update_and_conflict(clients: dict[str, Client], round_: Round) -> None:
    url = reverse("assessments:round-detail", args=[round_.pk])
    data = {
        "name_uk": "Базове оцінювання 2027",
        "name_en": "",
        "name_nl": "",
        "kind": "baseline",
        "opens_on": "2026-12-01",
        "deadline": "2027-02-28",
        "training_threshold": "55",
        "version": round_.version,
    }
    response = clients["coordinator"].post(url, data)
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.name_uk == "Базове оцінювання 2027"
    assert round_.deadline == datetime.date(2027, 2, 28)
    # A second save based on the old version is refused and shows the conflict.
    data["name_uk"] = "Інша назва"
    response = clients["admin"].post(url, data)
    assert response.status_code == 409
    round_.refresh_from_db()
    assert round_.name_uk == "Базове оцінювання 2027"


@pytest.mark.parametrize(("persona", "status"), [("expert", 403), ("viewer", 404), ("outsider", 404)])
def test_round_writes_refused(
    clients: dict[str, Client], world: World, round_: Round, persona: str, status: int
) -> None:
    client = clients[persona]
    assert client.post(reverse("assessments:round-detail", args=[round_.pk]), {"name_uk": "x"}).status_code == status
    assert (
        client.post(reverse("assessments:round-status", args=[round_.pk]), {"status": "closed"}).status_code == status
    )
    add = client.post(reverse("assessments:round-add-hromadas", args=[round_.pk]), {"hromadas": [world.hromada.pk]})
    assert add.status_code == status
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    assert round_.name_uk == "Базове оцінювання"


def test_close_and_reopen(clients: dict[str, Client], round_: Round) -> None:
    url = reverse("assessments:round-status", args=[round_.pk])
    assert clients["coordinator"].post(url, {"status": "closed"}).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert round_.closed_at is not None
    assert clients["coordinator"].post(url, {"status": "open"}).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    assert AuditEntry.objects.filter(action="assessments.round.reopened").exists()


def test_add_hromadas(clients: dict[str, Client], world: World, round_: Round) -> None:
    second = factories.HromadaFactory()
    factories.ParticipationFactory(phase=world.phase, hromada=second)
    url = reverse("assessments:round-add-hromadas", args=[round_.pk])
    # A hromada outside the programme is not a choice.
    response = clients["coordinator"].post(url, {"hromadas": [world.other_hromada.pk]})
    assert response.status_code == 400
    response = clients["coordinator"].post(url, {"hromadas": [second.pk]})
    assert response.status_code == 302
    assert Assessment.objects.filter(round=round_, hromada=second).exists()
