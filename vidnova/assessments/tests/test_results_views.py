"""A hromada's results page (scores of validated assessments only, SVG chart with a table, weakest
first, baseline against later rounds, training needs) and the assessment section of the hromada page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.assessments.models import Assessment, AssessmentState, InstrumentVersion, Round
from vidnova.assessments.selectors.results import bar_chart, dimension_rows
from vidnova.assessments.services import instrument_load_default
from vidnova.assessments.services.answers import answer_save
from vidnova.assessments.services.rounds import round_open
from vidnova.assessments.services.workflow import assessment_validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db: None) -> InstrumentVersion:
    return instrument_load_default()


def make_round(world: World, version: InstrumentVersion, kind: str, opens_on: datetime.date, name: str) -> Round:
    return round_open(
        acting_user=world.coordinator,
        programme=world.programme,
        instrument_version=version,
        name_uk=name,
        name_en=name,
        kind=kind,
        opens_on=opens_on,
        deadline=opens_on + datetime.timedelta(days=30),
        hromadas=[world.hromada],
    )


def answer_and_validate(world: World, assessment: Assessment, answers: dict[str, str]) -> Assessment:
    for question, value in answers.items():
        answer_save(acting_user=world.editor, assessment=assessment, question=question, value=value, expected_version=0)
    Assessment.objects.filter(pk=assessment.pk).update(state=AssessmentState.SUBMITTED)
    assessment.refresh_from_db()
    return assessment_validate(acting_user=world.coordinator, assessment=assessment)


@pytest.fixture
def baseline(world: World, version: InstrumentVersion) -> Assessment:
    round_ = make_round(world, version, "baseline", datetime.date(2026, 1, 1), "Baseline 2026")
    return answer_and_validate(world, round_.assessments.get(), {"f1_org_commission": "1", "f2_pim_ideas": "4"})


def results_url(world: World) -> str:
    return reverse("assessments:hromada-results", args=[world.hromada.katottg])


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 200), ("editor", 200), ("viewer", 200), ("expert", 200), ("outsider", 404), ("anonymous", 404)],
)
def test_results_access(
    clients: dict[str, Client], world: World, baseline: Assessment, persona: str, status: int
) -> None:
    assert clients[persona].get(results_url(world)).status_code == status


def test_results_of_a_hromada_without_visible_assessments_is_404(clients: dict[str, Client], world: World) -> None:
    url = reverse("assessments:hromada-results", args=[world.other_hromada.katottg])
    assert clients["coordinator"].get(url).status_code == 404
    assert clients["coordinator"].get(reverse("assessments:hromada-results", args=["UA00"])).status_code == 404


def test_results_show_chart_table_weakest_first_and_needs(
    clients: dict[str, Client], world: World, baseline: Assessment
) -> None:
    client = clients["viewer"]
    client.cookies["vidnova_language"] = "en"
    html = client.get(results_url(world)).content.decode()
    assert "<svg" in html
    assert 'role="img"' in html
    assert "<rect" in html
    assert "<table" in html
    assert 'style="' not in html  # strict CSP: no inline styles
    rows = dimension_rows(baseline)
    scored = [r for r in rows if r.normalised is not None]
    assert scored[0].normalised is not None
    assert scored[-1].normalised is not None
    assert scored[0].normalised <= scored[-1].normalised
    # The weakest dimension appears before the strongest in the table.
    assert html.index(scored[0].label) < html.index(scored[-1].label)
    assert "Training needs" in html
    assert scored[0].label in html.split("Training needs", 1)[1]


def test_unvalidated_assessment_shows_no_scores(
    clients: dict[str, Client], world: World, version: InstrumentVersion
) -> None:
    round_ = make_round(world, version, "baseline", datetime.date(2026, 1, 1), "Baseline 2026")
    assessment = round_.assessments.get()
    answer_save(
        acting_user=world.editor, assessment=assessment, question="f1_org_commission", value="3", expected_version=0
    )
    client = clients["editor"]
    client.cookies["vidnova_language"] = "en"
    html = client.get(results_url(world)).content.decode()
    assert "not yet validated" in html
    assert "<svg" not in html


def test_baseline_against_midline(
    clients: dict[str, Client], world: World, version: InstrumentVersion, baseline: Assessment
) -> None:
    midline = make_round(world, version, "midline", datetime.date(2027, 1, 1), "Midline 2027")
    answer_and_validate(world, midline.assessments.get(), {"f1_org_commission": "3", "f2_pim_ideas": "4"})
    client = clients["coordinator"]
    client.cookies["vidnova_language"] = "en"
    html = client.get(results_url(world)).content.decode()
    assert "Baseline and later rounds" in html
    comparison = html.split("Baseline and later rounds", 1)[1]
    assert "Baseline 2026" in comparison
    assert "Midline 2027" in comparison
    assert "+50.0" in comparison  # 1 → 3 on the 0–4 scale of a one-question dimension


def test_bar_chart_geometry(baseline: Assessment) -> None:
    rows = dimension_rows(baseline)
    chart = bar_chart(rows)
    assert len(chart.bars) == len(rows)
    widths = {bar.label: bar.width for bar in chart.bars if bar.value is not None}
    assert all(0 <= width <= chart.plot_width for width in widths.values())
    full = [bar for bar in chart.bars if bar.value == 100]
    assert all(bar.width == chart.plot_width for bar in full)


# --- the hromada page ----------------------------------------------------------------------------


def test_hromada_page_section_for_insiders(clients: dict[str, Client], world: World, baseline: Assessment) -> None:
    page = reverse("registry:hromada-detail", args=[world.hromada.katottg])
    html = clients["viewer"].get(page).content.decode()
    assert 'id="assessment"' in html
    assert results_url(world) in html
    assert reverse("assessments:assessment-detail", args=[baseline.pk]) in html
    for persona in ("outsider", "anonymous"):
        other = clients[persona].get(page).content.decode()
        assert 'id="assessment"' not in other
        assert results_url(world) not in other
