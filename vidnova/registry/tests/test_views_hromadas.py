"""The hromada list (search, filters, pagination, htmx) and the hromada page.

The test database holds the real registry (1,772 hromadas), so searches use real names and codes.
"""

from __future__ import annotations

import datetime
import gzip
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.programmes.models import Organisation
from vidnova.registry.models import Hromada, SecurityStatus, UnitFormerName
from vidnova.testing.factories import SecurityStatusPeriodFactory
from vidnova.testing.partnerships import make_partnership

BUCHANSKA = "UA32080070000050759"
SAMARIVSKA = "UA12100070000011492"  # formerly Новомосковська (Novomoskovska)
AROMATNENSKA = "UA01020030000085835"  # Autonomous Republic of Crimea
KYIV_OBLAST = "UA32000000000030281"
BUCHA_RAION = "UA32080000000084076"
SAMARIVSKYI_RAION = "UA12100000000039307"  # Dnipropetrovsk oblast

LIST_URL = "/hromadas/"


pytestmark = pytest.mark.usefixtures("english_pages")


def _names(response: Any) -> list[str]:
    """The hromada names linked in the results table, in order."""
    return re.findall(r'<td><a href="/hromadas/UA\d{17}/">([^<]+)</a></td>', response.content.decode())


def _codes(response: Any) -> list[str]:
    return re.findall(r'<td><a href="/hromadas/(UA\d{17})/">', response.content.decode())


# --- list ----------------------------------------------------------------------------------------


def test_url_name() -> None:
    assert reverse("registry:hromada-list") == LIST_URL


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "viewer", "editor", "coordinator", "admin"])
def test_everyone_sees_the_public_list(clients: dict[str, Client], persona: str) -> None:
    response = clients[persona].get(LIST_URL)
    assert response.status_code == 200
    assert response.context["nav"] == "hromadas"
    assert response.context["page_obj"].paginator.count == Hromada.objects.count()
    assert len(_codes(response)) == 50


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Buchanska", BUCHANSKA),
        ("бучанська", BUCHANSKA),
        ("Бучанська", BUCHANSKA),
        ("Novomoskovska", SAMARIVSKA),
        ("Новомосковська", SAMARIVSKA),
        ("Samarivska", SAMARIVSKA),
        (BUCHANSKA, BUCHANSKA),
    ],
)
def test_search_by_ukrainian_latin_and_former_name_and_code(
    clients: dict[str, Client], query: str, expected: str
) -> None:
    response = clients["anonymous"].get(LIST_URL, {"q": query})
    assert response.status_code == 200
    assert expected in _codes(response)


def test_search_with_nothing_found_says_so(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL, {"q": "Zzyzx"})
    assert response.context["page_obj"].paginator.count == 0
    assert "No hromada matches these filters" in response.content.decode()


def test_oblast_filter_and_raion_choices(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL, {"oblast": KYIV_OBLAST})
    hromadas = list(response.context["page_obj"].object_list)
    assert response.context["page_obj"].paginator.count == Hromada.objects.filter(oblast__katottg=KYIV_OBLAST).count()
    assert {hromada.oblast.katottg for hromada in hromadas} == {KYIV_OBLAST}
    raion_choices = dict(response.context["form"].fields["raion"].choices)
    assert BUCHA_RAION in raion_choices
    assert SAMARIVSKYI_RAION not in raion_choices  # raions of the chosen oblast only


def test_raion_filter(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL, {"oblast": KYIV_OBLAST, "raion": BUCHA_RAION})
    codes = _codes(response)
    assert BUCHANSKA in codes
    assert set(Hromada.objects.filter(katottg__in=codes).values_list("raion__katottg", flat=True)) == {BUCHA_RAION}


def test_a_raion_of_another_oblast_is_dropped_not_applied(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL, {"oblast": KYIV_OBLAST, "raion": SAMARIVSKYI_RAION})
    assert response.context["form"].value("raion") == ""
    assert response.context["page_obj"].paginator.count == Hromada.objects.filter(oblast__katottg=KYIV_OBLAST).count()


def test_without_an_oblast_there_is_no_raion_to_choose(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL)
    assert list(response.context["form"].fields["raion"].choices) == [("", "Choose an oblast first")]


def test_type_filter(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL, {"type": "urban", "oblast": KYIV_OBLAST})
    assert {hromada.hromada_type for hromada in response.context["page_obj"].object_list} == {"urban"}
    assert BUCHANSKA in _codes(response)


def test_security_status_filter_and_badge(clients: dict[str, Client], world: World) -> None:
    bucha = Hromada.objects.get(katottg=BUCHANSKA)
    SecurityStatusPeriodFactory.create(
        hromada=bucha, status=SecurityStatus.ACTIVE_HOSTILITIES, starts_on=datetime.date(2024, 1, 1)
    )
    response = clients["anonymous"].get(LIST_URL, {"status": "active_hostilities", "oblast": KYIV_OBLAST})
    assert _codes(response) == [BUCHANSKA]
    assert '<span class="badge status-active_hostilities">active hostilities</span>' in response.content.decode()

    none = clients["anonymous"].get(LIST_URL, {"status": "none", "oblast": KYIV_OBLAST})
    assert BUCHANSKA not in _codes(none)
    assert none.context["page_obj"].paginator.count == Hromada.objects.filter(oblast__katottg=KYIV_OBLAST).count() - 1

    occupied = clients["anonymous"].get(LIST_URL, {"status": "temporarily_occupied"})
    # The loaded registry records Crimea (and parts of Donbas) as occupied since 2014.
    assert occupied.context["page_obj"].paginator.count >= Hromada.objects.filter(in_crimea=True).count()


def test_programme_filter_and_mark(clients: dict[str, Client], world: World) -> None:
    response = clients["anonymous"].get(LIST_URL, {"programme": world.programme.slug})
    assert _codes(response) == [world.hromada.katottg]
    assert "takes part" in response.content.decode()
    unknown = clients["anonymous"].get(LIST_URL, {"programme": "no-such-programme"})
    assert unknown.context["form"].errors["programme"]  # shown next to the field, filter not applied


def test_pagination_keeps_the_filters(clients: dict[str, Client]) -> None:
    first = clients["anonymous"].get(LIST_URL, {"oblast": KYIV_OBLAST})
    second = clients["anonymous"].get(LIST_URL, {"oblast": KYIV_OBLAST, "page": "2"})
    assert first.context["page_obj"].paginator.num_pages == 2
    assert set(_codes(first)).isdisjoint(_codes(second))
    assert f'href="/hromadas/?oblast={KYIV_OBLAST}&amp;page=2"' in first.content.decode()
    beyond = clients["anonymous"].get(LIST_URL, {"oblast": KYIV_OBLAST, "page": "99"})
    assert beyond.context["page_obj"].number == 2


def test_the_page_works_without_javascript_and_offers_live_updates(clients: dict[str, Client]) -> None:
    html = clients["anonymous"].get(LIST_URL).content.decode()
    assert '<form method="get" action="/hromadas/"' in html
    assert '<button type="submit">' in html
    assert 'hx-trigger="input changed delay:400ms, search"' in html
    assert 'id="hromada-results"' in html
    assert '<label for="id_q">' in html


def test_htmx_gets_only_the_results_and_a_clean_address(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(
        LIST_URL, {"q": "Buchanska", "oblast": "", "raion": "", "type": ""}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert BUCHANSKA in html
    assert 'hx-swap-oob="innerHTML"' in html  # the result count, announced by its live region
    assert 'id="raion-field"' not in html
    assert response["HX-Push-Url"] == "/hromadas/?q=Buchanska"
    assert "HX-Request" in response["Vary"]


def test_htmx_oblast_change_refreshes_the_raion_select(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(
        LIST_URL,
        {"oblast": KYIV_OBLAST, "raion": SAMARIVSKYI_RAION},
        headers={"HX-Request": "true", "HX-Trigger": "id_oblast"},
    )
    html = response.content.decode()
    assert 'id="raion-field" hx-swap-oob="true"' in html
    assert BUCHA_RAION in html
    assert response["HX-Push-Url"] == f"/hromadas/?oblast={KYIV_OBLAST}"


def test_history_restore_gets_the_whole_page(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "coordinator"])
def test_list_queries_do_not_grow_with_rows(
    clients: dict[str, Client], persona: str, django_assert_max_num_queries: Any
) -> None:
    # Session and roles (signed in), the count and the page, the oblast, raion and programme choices:
    # the same for 50 rows as for one.
    with django_assert_max_num_queries(10):
        response = clients[persona].get(LIST_URL, {"oblast": KYIV_OBLAST, "programme": "test-programme"})
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = clients[persona].get(LIST_URL, {"oblast": KYIV_OBLAST})
    assert len(_codes(response)) == 50


def test_list_page_stays_small(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(LIST_URL)
    assert len(gzip.compress(response.content)) < 20_000


# --- hromada page --------------------------------------------------------------------------------


def test_profile_of_buchanska(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(f"/hromadas/{BUCHANSKA}/")
    assert response.status_code == 200
    html = response.content.decode()
    hromada = response.context["hromada"]
    assert hromada.katottg == BUCHANSKA
    for text in ("Бучанська", "Buchanska", "Київська", "Бучанський", "Буча", BUCHANSKA, "2018"):
        assert text in html
    assert "58,286" in html or "58 286" in html or "58\xa0286" in html  # localised grouping
    assert response.context["settlement_count"] == 14
    assert len(response.context["settlements"]) == 14
    assert response.context["settlements"][0].name_uk == "Буча"  # the city first
    assert 'class="map-locator"' in html
    assert "Record a new status" not in html
    assert reverse("registry:hromada-history", kwargs={"katottg": BUCHANSKA}) not in html


def test_profile_in_ukrainian_formats_numbers_the_ukrainian_way(client: Client, world: World) -> None:
    client.cookies["vidnova_language"] = "uk"  # this module's pages default to English
    response = client.get(f"/hromadas/{BUCHANSKA}/")
    html = response.content.decode()
    assert '<html lang="uk">' in html
    assert "58\xa0286" in html or "58 286" in html
    assert "260,8" in html  # area with a decimal comma


def test_former_name_is_shown(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(f"/hromadas/{SAMARIVSKA}/")
    assert "Новомосковська" in response.content.decode()
    assert [former.name_uk for former in response.context["former_names"]] == list(
        UnitFormerName.objects.filter(katottg=SAMARIVSKA).values_list("name_uk", flat=True)
    )


def test_crimean_hromada_shows_the_occupation(clients: dict[str, Client]) -> None:
    response = clients["anonymous"].get(f"/hromadas/{AROMATNENSKA}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Temporarily occupied since" in html
    assert 'datetime="2014-02-20"' in html
    assert "badge status-temporarily_occupied" in html


def test_unknown_code_is_404(clients: dict[str, Client]) -> None:
    assert clients["anonymous"].get("/hromadas/UA99999999999999999/").status_code == 404
    assert clients["coordinator"].get("/hromadas/UA99999999999999999/").status_code == 404
    assert clients["anonymous"].get("/hromadas/UA123/").status_code == 404


def test_participation_and_organisations_are_linked(clients: dict[str, Client], world: World) -> None:
    organisation = Organisation.objects.create(
        kind="hromada_council",
        name_uk="Рада тестової громади",
        name_en="Council of the test hromada",
        hromada=world.hromada,
    )
    organisation.programmes.add(world.programme)
    html = clients["anonymous"].get(world.hromada.get_absolute_url()).content.decode()
    assert f'/programmes/{world.programme.slug}/#phase-{world.phase.number}"' in html
    assert f"/programmes/organisations/{organisation.pk}/" in html


def test_a_hromada_without_participation_says_so(clients: dict[str, Client], world: World) -> None:
    html = clients["anonymous"].get(world.other_hromada.get_absolute_url()).content.decode()
    assert "This hromada does not take part in a programme." in html
    assert "Organisations of this hromada" not in html  # no empty sections


def test_no_empty_plans_section(clients: dict[str, Client], world: World) -> None:
    html = clients["coordinator"].get(world.hromada.get_absolute_url()).content.decode().lower()
    assert "coming soon" not in html
    assert "plans and projects" not in html


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_programme_staff_get_the_status_form_and_correction_links(
    clients: dict[str, Client], world: World, persona: str
) -> None:
    period = SecurityStatusPeriodFactory.create(hromada=world.hromada)
    html = clients[persona].get(world.hromada.get_absolute_url()).content.decode()
    assert f'action="/hromadas/{world.hromada.katottg}/security-status/"' in html
    assert f"/hromadas/{world.hromada.katottg}/security-status/{period.pk}/" in html
    assert reverse("accounts:hromada-members", kwargs={"katottg": world.hromada.katottg}) in html
    assert reverse("registry:hromada-history", kwargs={"katottg": world.hromada.katottg}) in html


@pytest.mark.parametrize("persona", ["viewer", "editor"])
def test_members_see_private_links_but_no_status_form(clients: dict[str, Client], world: World, persona: str) -> None:
    SecurityStatusPeriodFactory.create(hromada=world.hromada)
    html = clients[persona].get(world.hromada.get_absolute_url()).content.decode()
    assert "/security-status/" not in html
    assert reverse("accounts:hromada-members", kwargs={"katottg": world.hromada.katottg}) in html
    assert reverse("registry:hromada-history", kwargs={"katottg": world.hromada.katottg}) in html
    # Membership is per hromada: nothing private on another one.
    other = clients[persona].get(world.other_hromada.get_absolute_url()).content.decode()
    assert reverse("registry:hromada-history", kwargs={"katottg": world.other_hromada.katottg}) not in other


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "expert"])
def test_others_see_the_public_profile_only(clients: dict[str, Client], world: World, persona: str) -> None:
    response = clients[persona].get(world.hromada.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "/security-status/" not in html
    assert "/history/" not in html
    assert "/members/" not in html


def test_detail_queries_are_bounded(
    clients: dict[str, Client], world: World, django_assert_max_num_queries: Any
) -> None:
    for year in range(2020, 2024):
        SecurityStatusPeriodFactory.create(
            hromada=world.hromada, starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year + 1, 1, 1)
        )
    for number in range(3):
        organisation = Organisation.objects.create(
            kind="ngo", hromada=world.hromada, name_uk=f"Організація {number}", name_en=f"Organisation {number}"
        )
        organisation.programmes.add(world.programme)
        make_partnership(world.programme, world.hromada, organisation, title=f"Partnership {number}")
    # Three more than before partnerships came: the partnerships with their partners and themes.
    with django_assert_max_num_queries(17):
        response = clients["coordinator"].get(world.hromada.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["periods"]) == 4
