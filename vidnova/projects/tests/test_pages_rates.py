"""The exchange-rates page (projects:rates): public list, a form and a CSV import for programme staff."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import World
from vidnova.audit.models import AuditEntry
from vidnova.projects.models import ExchangeRate
from vidnova.projects.tests.test_pages_support import rate

URL = reverse("projects:rates")
pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(clients: dict[str, Client]) -> dict[str, Client]:
    for client in clients.values():
        client.cookies["vidnova_language"] = "en"
    return clients


def _set(**values: str) -> dict[str, str]:
    return {"set": "1", "rate-currency": "EUR", "rate-valid_on": "2025-03-31", "rate-uah_per_unit": "44.8871", **values}


def test_list_is_public_forms_for_staff_only(world: World, clients: dict[str, Client]) -> None:
    rate("EUR", "44.1234", datetime.date(2025, 2, 1))
    for name in ("anonymous", "outsider", "viewer", "editor", "expert"):
        response = clients[name].get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "44.123400" in html, name
        assert "Record a rate" not in html, name
    for name in ("coordinator", "admin"):
        assert "Record a rate" in clients[name].get(URL).content.decode()


def test_writes_refused_to_everyone_but_staff(world: World, clients: dict[str, Client]) -> None:
    assert clients["anonymous"].post(URL, _set()).status_code == 302
    for name in ("outsider", "viewer", "editor", "expert"):
        assert clients[name].post(URL, _set()).status_code == 403, name
    assert not ExchangeRate.objects.exists()


def test_staff_record_a_rate(world: World, clients: dict[str, Client]) -> None:
    response = clients["coordinator"].post(URL, _set(**{"rate-source": "NBU"}))
    assert response.status_code == 302
    saved = ExchangeRate.objects.get()
    assert (saved.currency, saved.valid_on, saved.uah_per_unit, saved.source) == (
        "EUR",
        datetime.date(2025, 3, 31),
        Decimal("44.8871"),
        "NBU",
    )
    assert AuditEntry.objects.filter(action="projects.rate.set").count() == 1


def test_bad_rate_is_refused_next_to_the_field(world: World, clients: dict[str, Client]) -> None:
    for value in ("0", "-1", "abc"):
        response = clients["coordinator"].post(URL, _set(**{"rate-uah_per_unit": value}))
        assert response.status_code == 400
        assert "uah_per_unit" in response.context["rate_form"].errors, value
    response = clients["coordinator"].post(URL, _set(**{"rate-currency": "UAH"}))
    assert "currency" in response.context["rate_form"].errors
    assert not ExchangeRate.objects.exists()


def test_csv_import(world: World, clients: dict[str, Client]) -> None:
    good = SimpleUploadedFile(
        "rates.csv", b"currency,date,uah_per_unit,source\nEUR,2025-01-01,43.5,NBU\nUSD,31.01.2025,41.9,NBU\n"
    )
    response = clients["coordinator"].post(URL, {"import": "1", "import-file": good})
    assert response.status_code == 302
    assert ExchangeRate.objects.count() == 2
    bad = SimpleUploadedFile(
        "rates.csv", b"currency,date,uah_per_unit\nEUR,2025-02-01,44\nGBP,2025-02-01,50\nUSD,2025-13-01,40\n"
    )
    response = clients["coordinator"].post(URL, {"import": "1", "import-file": bad})
    assert response.status_code == 400
    rows = [row for row, _reason in response.context["import_errors"]]
    assert rows == [3, 4]
    html = response.content.decode()
    assert "Row 3" in html
    assert "Row 4" in html
    assert "Nothing was imported" in html
    assert ExchangeRate.objects.count() == 2  # all or nothing
    for name in ("editor", "viewer"):
        upload = SimpleUploadedFile("rates.csv", b"currency,date,uah_per_unit\nEUR,2025-02-01,44\n")
        assert clients[name].post(URL, {"import": "1", "import-file": upload}).status_code == 403
