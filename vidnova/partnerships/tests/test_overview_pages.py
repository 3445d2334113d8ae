"""The public list of partnerships: what it shows to whom, its filters, status counts, pages, and a
query count that does not grow with the rows."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from vidnova.partnerships.models import Activity, ActivityKind, PartnerRole, Partnership, PartnershipPartner
from vidnova.partnerships.views import overview
from vidnova.programmes.models import Organisation
from vidnova.registry.models import DutchMunicipality, Hromada
from vidnova.testing import factories
from vidnova.testing.partnerships import make_partnership

LIST_URL = "/partnerships/"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _rheden() -> Organisation:
    return factories.OrganisationFactory(
        kind="dutch_municipality",
        name_en="Municipality of Rheden",
        name_uk="Муніципалітет Реден",
        country="NL",
        dutch_municipality=DutchMunicipality.objects.get(cbs_code="GM0275"),
    )


def _minsk() -> Organisation:
    return factories.OrganisationFactory(
        kind="eu_municipality", name_en="Town of Mińsk Mazowiecki", name_uk="Місто Мінськ-Мазовецький", country="PL"
    )


def _log_visit(partnership: Partnership) -> Activity:
    return Activity.objects.create(
        partnership=partnership,
        kind=ActivityKind.VISIT_TO_HROMADA,
        title="First visit",
        starts_on=datetime.date(2026, 3, 2),
    )


@pytest.fixture
def records(world: World) -> dict[str, Partnership]:
    """Three partnerships: the world hromada with the expert's safety region (active, one activity),
    a Kherson-oblast hromada with Rheden (agreed, field 2), and with Mińsk Mazowiecki (closed, field 3)."""
    kherson_hromada = Hromada.objects.get(katottg="UA65100010000048953")  # Білозерська
    factories.ParticipationFactory(phase=world.phase, hromada=kherson_hromada)
    safety = make_partnership(
        world.programme,
        world.hromada,
        world.organisation,
        status="active",
        themes=("crisis-planning", "civil-protection"),
        title="Crisis planning with the safety region",
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2027, 1, 31),
    )
    _log_visit(safety)
    rheden = make_partnership(
        world.programme,
        kherson_hromada,
        _rheden(),
        status="agreed",
        themes=("local-economy",),
        title="Local economy with Rheden",
    )
    minsk = make_partnership(
        world.programme,
        kherson_hromada,
        _minsk(),
        status="closed",
        themes=("eu-integration",),
        title="EU integration with Mińsk Mazowiecki",
    )
    return {"safety": safety, "rheden": rheden, "minsk": minsk}


def test_the_url_names() -> None:
    assert reverse("partnerships:partnership-list") == LIST_URL
    assert reverse("partnerships:partnership-map") == "/partnerships/map/"


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "editor", "viewer", "expert", "coordinator", "admin"])
def test_the_list_is_public(clients: dict[str, Client], records: dict[str, Partnership], persona: str) -> None:
    response = clients[persona].get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    for partnership in records.values():
        assert partnership.title in text
        assert reverse("partnerships:partnership-detail", args=[partnership.pk]) in html
    assert "Білозерська" in text
    assert "Херсонська" in text  # the oblast
    assert "Municipality of Rheden" in text
    assert '<abbr class="country-code" title="Netherlands">NL</abbr>' in html
    assert '<abbr class="country-code" title="Poland">PL</abbr>' in html
    assert "Crisis planning and crisis management" in text  # a theme's name
    assert "Field 1" in text
    assert "Field 2" in text
    assert "Field 3" in text
    assert "3 partnerships" in text
    assert 'aria-current="page">Partnerships</a>' in html  # the area's own navigation


def test_the_list_is_read_only(clients: dict[str, Client], records: dict[str, Partnership]) -> None:
    for persona in ("anonymous", "viewer", "coordinator"):
        assert clients[persona].post(LIST_URL, {"status": "active"}).status_code == 405
        assert clients[persona].post("/partnerships/map/", {}).status_code == 405


def _activity_cells(html: str) -> dict[str, str]:
    """Partnership title → the text of its activities cell (rows whose table has that column)."""
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        title = re.search(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', row)
        numbers = re.findall(r'<td class="num">(.*?)</td>', row, flags=re.S)
        if title and numbers:
            cells[title.group(1)] = _text(numbers[-1])
    return cells


def test_activity_counts_only_for_insiders(clients: dict[str, Client], records: dict[str, Partnership]) -> None:
    safety, rheden = records["safety"].title, records["rheden"].title
    # Anonymous visitors and outsiders see no activity column at all.
    for persona in ("anonymous", "outsider"):
        html = clients[persona].get(LIST_URL).content.decode()
        assert "Activities</th>" not in html
        assert _activity_cells(html) == {}
    # Staff see every count.
    cells = _activity_cells(clients["coordinator"].get(LIST_URL).content.decode())
    assert cells[safety] == "1"
    assert cells[rheden] == "0"
    # Members of the hromada and the partner's experts see their own partnerships' counts only.
    for persona in ("viewer", "editor", "expert"):
        cells = _activity_cells(clients[persona].get(LIST_URL).content.decode())
        assert cells[safety] == "1", persona
        assert cells[rheden] == "— not shown", persona


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "agreed"}, {"rheden"}),
        ({"theme": "crisis-planning"}, {"safety"}),
        ({"field": "3"}, {"minsk"}),
        ({"field": "1"}, {"safety"}),
        ({"country": "PL"}, {"minsk"}),
        ({"country": "NL"}, {"rheden"}),
        ({"oblast": "UA65000000000030969"}, {"rheden", "minsk"}),  # Kherson oblast
        ({"q": "білозерська"}, {"rheden", "minsk"}),  # hromada name, any case
        ({"q": "Bilozerska"}, {"rheden", "minsk"}),  # its Latin name
        ({"q": "Rheden"}, {"rheden"}),  # partner name
        ({"q": "Mińsk"}, {"minsk"}),
        ({"q": "nothing like this"}, set()),
        ({"programme": "test-programme", "status": "active"}, {"safety"}),
    ],
)
def test_filters(
    clients: dict[str, Client], records: dict[str, Partnership], query: dict[str, str], expected: set[str]
) -> None:
    html = clients["anonymous"].get(LIST_URL, query).content.decode()
    shown = {key for key, partnership in records.items() if partnership.title in html}
    assert shown == expected
    if not expected:
        assert "No partnership matches these filters." in html


def test_an_other_programme_filters_out(
    clients: dict[str, Client], world: World, records: dict[str, Partnership]
) -> None:
    other = factories.ProgrammeFactory(slug="other-programme")
    html = clients["anonymous"].get(LIST_URL, {"programme": other.slug}).content.decode()
    assert not any(partnership.title in html for partnership in records.values())


def test_a_bad_filter_is_reported_and_ignored(clients: dict[str, Client], records: dict[str, Partnership]) -> None:
    html = clients["anonymous"].get(LIST_URL, {"status": "finished", "theme": "crisis-planning"}).content.decode()
    assert 'id="filter-errors"' in html
    assert "Select a valid choice. finished is not one of the available choices." in html
    assert records["safety"].title in html  # the valid theme filter still applies
    assert records["rheden"].title not in html
    # What the user chose stays selected in the form.
    assert '<option value="crisis-planning" selected>' in html


def test_status_counts_follow_the_other_filters(clients: dict[str, Client], records: dict[str, Partnership]) -> None:
    response = clients["anonymous"].get(LIST_URL, {"oblast": "UA65000000000030969", "status": "agreed"})
    counts = {item.value: item.count for item in response.context["status_counts"]}
    assert counts == {"proposed": 0, "agreed": 1, "active": 0, "closed": 1}
    current = [item for item in response.context["status_counts"] if item.current]
    assert [item.value for item in current] == ["agreed"]
    assert "oblast=UA65000000000030969" in current[0].url
    assert "status=closed" in next(item.url for item in response.context["status_counts"] if item.value == "closed")


def test_the_country_choices_are_the_partners_countries(
    clients: dict[str, Client], records: dict[str, Partnership]
) -> None:
    form = clients["anonymous"].get(LIST_URL).context["form"]
    values = [value for value, _label in form.fields["country"].choices]
    assert values == ["", "NL", "PL", "UA"]  # by name: Netherlands, Poland, Ukraine (the safety region's UA default)
    labels = dict(form.fields["country"].choices)
    assert labels["PL"] == "Poland (PL)"


def test_pages_of_fifty(clients: dict[str, Client], world: World) -> None:
    for number in range(overview.PARTNERSHIPS_PER_PAGE + 1):
        make_partnership(world.programme, world.hromada, world.organisation, title=f"Partnership {number:03d}")
    first = clients["anonymous"].get(LIST_URL)
    assert len(first.context["rows"]) == overview.PARTNERSHIPS_PER_PAGE
    assert "Page 1 of 2" in first.content.decode()
    second = clients["anonymous"].get(LIST_URL, {"page": "2"})
    assert len(second.context["rows"]) == 1
    assert "Partnership 000" in second.content.decode()  # newest first: the first one made is last


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", [LIST_URL, "/partnerships/map/"])
def test_queries_do_not_grow_with_rows(clients: dict[str, Client], world: World, url: str) -> None:
    rheden, minsk = _rheden(), _minsk()

    def add(count: int) -> None:
        for number in range(count):
            partnership = make_partnership(
                world.programme, world.hromada, world.organisation, themes=("crisis-planning", "local-finance")
            )
            PartnershipPartner.objects.create(
                partnership=partnership, organisation=rheden if number % 2 else minsk, role=PartnerRole.PARTNER
            )
            _log_visit(partnership)

    add(2)
    few = {persona: _queries(clients[persona], url) for persona in ("anonymous", "coordinator", "expert")}
    add(8)
    many = {persona: _queries(clients[persona], url) for persona in ("anonymous", "coordinator", "expert")}
    assert many == few


def test_empty_list(clients: dict[str, Client], world: World) -> None:
    html = clients["anonymous"].get(LIST_URL).content.decode()
    assert "No partnerships have been recorded yet." in html
