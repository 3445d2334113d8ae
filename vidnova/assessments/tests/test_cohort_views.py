"""The cohort page of a round: access, columns, sorting, filters, heat-map bands, pages, query count."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.assessments.models import Assessment
from vidnova.assessments.tests.test_cohort_support import CohortWorld, cohort_world, set_dimension
from vidnova.assessments.views import cohort as cohort_views

__all__ = ["cohort_world"]  # the fixture, imported for pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def url(cw: CohortWorld, **params: str) -> str:
    base = reverse("assessments:cohort", kwargs={"pk": cw.round.pk})
    if params:
        base += "?" + "&".join(f"{name}={value}" for name, value in params.items())
    return base


def html(response: Any) -> str:
    return str(response.content.decode())


def hromada_order(page: str) -> list[str]:
    """The hromada names of the table body, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<th scope="row">(.*?)</th>', body)]


def test_coordinator_and_admin_see_every_hromada(
    world: World, clients: dict[str, Client], cohort_world: CohortWorld
) -> None:
    for persona in ("coordinator", "admin"):
        response = clients[persona].get(url(cohort_world))
        assert response.status_code == 200
        page = html(response)
        assert set(hromada_order(page)) == {"Ананьївська", "Бориспільська", "Вишнева", world.hromada.name_uk}
    assert "Альфівська область" in page
    assert "4 hromadas." in page


def test_partner_expert_reads_the_cohort(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    response = clients["expert"].get(url(cohort_world))
    assert response.status_code == 200
    assert "Бориспільська" in html(response)
    export = clients["expert"].get(
        reverse("assessments:cohort-export", kwargs={"pk": cohort_world.round.pk}) + "?format=csv"
    )
    assert export.status_code == 200


@pytest.mark.parametrize("persona", ["editor", "viewer", "outsider"])
def test_hromada_members_and_outsiders_get_404(
    clients: dict[str, Client], cohort_world: CohortWorld, persona: str
) -> None:
    assert clients[persona].get(url(cohort_world)).status_code == 404
    export = reverse("assessments:cohort-export", kwargs={"pk": cohort_world.round.pk})
    assert clients[persona].get(export + "?format=xlsx").status_code == 404


def test_unknown_round_is_404(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    assert (
        clients["coordinator"].get(reverse("assessments:cohort", kwargs={"pk": cohort_world.round.pk + 99})).status_code
        == 404
    )


def test_anonymous_is_sent_to_sign_in(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    response = clients["anonymous"].get(url(cohort_world))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    export = clients["anonymous"].get(reverse("assessments:cohort-export", kwargs={"pk": cohort_world.round.pk}))
    assert export.status_code == 302


def test_writes_are_not_allowed(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    assert clients["coordinator"].post(url(cohort_world)).status_code == 405


def test_columns_show_the_stored_numbers(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    page = html(clients["coordinator"].get(url(cohort_world)))
    # Headers: fixed columns, three fields, a short code per dimension with its full label.
    assert '<abbr title="1.1 Organisation of civil protection and crisis management">1.1</abbr>' in page
    assert '<abbr title="Local economic development and project management">Field 2</abbr>' in page
    assert page.count("<abbr ") == 3 + 15
    # The highest row: 100 everywhere, overall 100.0, completeness 100; the blank row has dashes only.
    high_row = _row(page, "Ананьївська")
    assert high_row.count('<td class="h3">100</td>') == 15
    assert '<td class="num">100.0</td>' in high_row
    assert "Settlement" in high_row or "settlement" in high_row
    assert "none recorded" in high_row
    assert "validated" in high_row
    blank_row = _row(page, "Вишнева")
    assert blank_row.count('<td class="hn">—</td>') == 15
    assert "not started" in blank_row
    # Possible hostilities ended before today: no status in force.
    assert "none recorded" in blank_row
    low_row = _row(page, "Бориспільська")
    assert 'class="badge status-active_hostilities">active hostilities</span>' in low_row
    assert low_row.count('<td class="h0">0</td>') == 15


def test_hromada_links_to_its_results_and_the_round(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    page = html(clients["coordinator"].get(url(cohort_world)))
    katottg = cohort_world.high.hromada.katottg
    results = reverse("assessments:hromada-results", kwargs={"katottg": katottg})
    assert f'<th scope="row"><a href="{results}">Ананьївська</a></th>' in page
    assert f'href="{reverse("assessments:round-detail", kwargs={"pk": cohort_world.round.pk})}"' in page


def _row(page: str, name: str) -> str:
    for row in page.split("<tr>"):
        if f">{name}<" in row:
            return row.split("</tr>", 1)[0]
    raise AssertionError(f"{name} is not in the table")


def test_heat_map_bands_follow_the_printed_score(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    middle = cohort_world.middle
    set_dimension(middle, "f1_org", "24.49")
    set_dimension(middle, "f1_risk", "24.50")  # printed as 25, so in the 25–49 band
    set_dimension(middle, "f1_prep", "74.99")  # printed as 75
    set_dimension(middle, "f1_infra", "50.00")
    set_dimension(middle, "f1_society", None)
    row = _row(html(clients["coordinator"].get(url(cohort_world))), middle.hromada.name_uk)
    cells = re.findall(r'<td class="(h[0-3n])">([^<]*)</td>', row)
    assert cells[:5] == [("h0", "24"), ("h1", "25"), ("h3", "75"), ("h2", "50"), ("hn", "—")]


def test_legend_names_every_band_and_dimension(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    page = html(clients["coordinator"].get(url(cohort_world)))
    for css, label in (("h0", "0–24"), ("h1", "25–49"), ("h2", "50–74"), ("h3", "75–100")):
        assert f'<span class="{css} band-sample">{label}</span>' in page
    assert "<dt>2.4</dt><dd>Procurement and project delivery</dd>" in page
    assert "<dd>Safety, security and resilience</dd>" in page
    assert 'href="/static/assessments/cohort.css' in page or "assessments/cohort" in page


def test_default_order_is_by_name(clients: dict[str, Client], world: World, cohort_world: CohortWorld) -> None:
    page = html(clients["coordinator"].get(url(cohort_world)))
    names = hromada_order(page)
    assert names[:3] == ["Ананьївська", "Бориспільська", "Вишнева"]
    assert 'aria-sort="ascending"><a href="?sort=hromada&amp;dir=desc">Hromada</a>' in page


def test_sort_by_overall_score(clients: dict[str, Client], world: World, cohort_world: CohortWorld) -> None:
    page = html(clients["coordinator"].get(url(cohort_world, sort="overall", dir="desc")))
    # Missing scores last in either direction.
    assert hromada_order(page) == ["Ананьївська", world.hromada.name_uk, "Бориспільська", "Вишнева"]
    assert 'aria-sort="descending"><a href="?sort=overall&amp;dir=asc">Overall score</a>' in page
    assert page.count("aria-sort=") == 1
    ascending = html(clients["coordinator"].get(url(cohort_world, sort="overall", dir="asc")))
    assert hromada_order(ascending) == ["Бориспільська", world.hromada.name_uk, "Ананьївська", "Вишнева"]


def test_sort_by_a_dimension_and_a_field(clients: dict[str, Client], world: World, cohort_world: CohortWorld) -> None:
    set_dimension(cohort_world.low, "f2_pim", "90")
    page = html(clients["coordinator"].get(url(cohort_world, sort="dim:f2_pim", dir="desc")))
    assert hromada_order(page)[:2] == ["Ананьївська", "Бориспільська"]
    assert 'aria-sort="descending"><a href="?sort=dim%3Af2_pim&amp;dir=asc"><abbr' in page
    by_field = html(clients["coordinator"].get(url(cohort_world, sort="field3", dir="asc")))
    assert hromada_order(by_field) == ["Бориспільська", world.hromada.name_uk, "Ананьївська", "Вишнева"]


def test_sort_by_text_columns(clients: dict[str, Client], world: World, cohort_world: CohortWorld) -> None:
    by_state = hromada_order(html(clients["coordinator"].get(url(cohort_world, sort="state", dir="asc"))))
    assert by_state[0] == "Вишнева"  # "draft" < "submitted" < "validated"
    assert by_state[1] == world.hromada.name_uk
    by_oblast = hromada_order(html(clients["coordinator"].get(url(cohort_world, sort="oblast", dir="desc"))))
    # "Тестова область …" > "Гамівська" > "Бетівська" > "Альфівська"
    assert by_oblast == [world.hromada.name_uk, "Вишнева", "Ананьївська", "Бориспільська"]


def test_unknown_sort_falls_back_to_name(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    response = clients["coordinator"].get(url(cohort_world, sort="password", dir="sideways"))
    assert response.status_code == 200
    assert hromada_order(html(response))[0] == "Ананьївська"


def test_filters(clients: dict[str, Client], world: World, cohort_world: CohortWorld) -> None:
    client = clients["coordinator"]
    oblast = cohort_world.low.hromada.oblast.katottg
    assert hromada_order(html(client.get(url(cohort_world, oblast=oblast)))) == ["Бориспільська"]
    assert hromada_order(html(client.get(url(cohort_world, type="settlement")))) == ["Ананьївська"]
    assert hromada_order(html(client.get(url(cohort_world, status="active_hostilities")))) == ["Бориспільська"]
    none_today = hromada_order(html(client.get(url(cohort_world, status="none"))))
    assert set(none_today) == {"Ананьївська", "Вишнева", world.hromada.name_uk}
    assert hromada_order(html(client.get(url(cohort_world, state="validated")))) == ["Ананьївська", "Бориспільська"]
    page = html(client.get(url(cohort_world, type="rural", state="draft")))
    assert hromada_order(page) == ["Вишнева"]
    assert "1 hromada." in page


def test_filter_form_has_labels_and_keeps_the_sort(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    page = html(clients["coordinator"].get(url(cohort_world, sort="overall", dir="desc", type="rural")))
    for name, label in (
        ("oblast", "Oblast"),
        ("type", "Type"),
        ("status", "Security status today"),
        ("state", "State of the assessment"),
    ):
        assert f'<label for="id_{name}">{label}:</label>' in page
    assert '<input type="hidden" name="sort" value="overall"><input type="hidden" name="dir" value="desc">' in page
    # The oblast choices are the round's oblasts only.
    assert page.count('<option value="UA') == 4
    # Sort links keep the filters, and the exports take both.
    assert 'href="?type=rural"><abbr' not in page
    assert '<a href="?type=rural">Hromada</a>' in page  # back to the default order, by name
    assert "export/?type=rural&amp;sort=overall&amp;dir=desc&amp;format=xlsx" in page


def test_invalid_filter_values_are_ignored(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    response = clients["coordinator"].get(url(cohort_world, oblast="UA1", state="lost"))
    assert response.status_code == 200
    assert len(hromada_order(html(response))) == 4


def test_no_match(clients: dict[str, Client], cohort_world: CohortWorld) -> None:
    page = html(clients["coordinator"].get(url(cohort_world, type="urban", state="draft")))
    assert "No hromada of this round matches these filters." in page


def test_pages_sort_over_the_whole_cohort(
    clients: dict[str, Client], world: World, cohort_world: CohortWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cohort_views, "ROWS_PER_PAGE", 2)
    first = html(clients["coordinator"].get(url(cohort_world, sort="overall", dir="desc")))
    assert hromada_order(first) == ["Ананьївська", world.hromada.name_uk]
    assert "page 1 of 2" in first
    assert 'href="?sort=overall&amp;dir=desc&amp;page=2"' in first
    second = html(clients["coordinator"].get(url(cohort_world, sort="overall", dir="desc", page="2")))
    assert hromada_order(second) == ["Бориспільська", "Вишнева"]


def test_query_count_does_not_grow_with_the_cohort(
    clients: dict[str, Client],
    world: World,
    cohort_world: CohortWorld,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client = clients["coordinator"]
    client.get(url(cohort_world))  # warm the per-process caches (compiled form)
    with django_assert_max_num_queries(12) as small:
        client.get(url(cohort_world, sort="dim:f1_org"))
    # Twenty more scored hromadas: the same number of queries.
    from vidnova.assessments.services.rounds import round_add_hromadas
    from vidnova.assessments.tests.test_cohort_support import score_at
    from vidnova.testing import factories

    extra = [factories.HromadaFactory() for _ in range(20)]
    for hromada in extra:
        factories.ParticipationFactory(phase=world.phase, hromada=hromada)
    round_add_hromadas(acting_user=world.coordinator, round_=cohort_world.round, hromadas=extra)
    for assessment in Assessment.objects.filter(hromada__in=extra).select_related("round__instrument_version"):
        score_at(assessment, 0.75)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(cohort_world, sort="dim:f1_org"))
    assert len(hromada_order(html(response))) == 24


def test_ukrainian_labels_and_decimal_comma(
    clients: dict[str, Client], cohort_world: CohortWorld, settings: Any
) -> None:
    client = clients["coordinator"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    set_dimension(cohort_world.middle, "f1_org", "24.49")
    page = html(client.get(url(cohort_world)))
    assert '<html lang="uk">' in page
    assert '<abbr title="1.1 Організація цивільного захисту та кризового управління">1.1</abbr>' in page
    row = _row(page, cohort_world.middle.hromada.name_uk)
    overall = cohort_world.middle.overall_normalised
    assert overall is not None
    assert f'<td class="num">{overall:.1f}</td>'.replace(".", ",") in row
    assert '<td class="h0">24</td>' in row
