"""Exchange rates: set by programme staff, imported from CSV all-or-nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vidnova.audit.models import AuditEntry
from vidnova.core.exceptions import ImportRejected
from vidnova.projects import money
from vidnova.projects.models import ExchangeRate
from vidnova.projects.services.rates import exchange_rate_set, exchange_rates_import

D = Decimal


def test_staff_set_a_rate_and_setting_it_again_replaces_it(world: Any) -> None:
    rate = exchange_rate_set(
        acting_user=world.coordinator, currency="eur", valid_on="2025-03-31", uah_per_unit="45,1234", source="NBU"
    )
    assert (rate.currency, rate.valid_on, rate.uah_per_unit, rate.entered_by) == (
        "EUR",
        datetime.date(2025, 3, 31),
        D("45.1234"),
        world.coordinator,
    )
    again = exchange_rate_set(
        acting_user=world.admin, currency="EUR", valid_on=datetime.date(2025, 3, 31), uah_per_unit=D("45.2")
    )
    assert again.pk == rate.pk
    assert ExchangeRate.objects.get().uah_per_unit == D("45.200000")
    entries = list(AuditEntry.objects.filter(action="projects.rate.set").order_by("pk"))
    assert entries[0].changes["uah_per_unit"] == [None, "45.123400"]
    assert entries[1].changes["uah_per_unit"] == ["45.123400", "45.200000"]
    assert money.convert(D("10"), "EUR", "UAH", datetime.date(2025, 4, 1)) == D("452.00")


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"currency": "UAH"}, "currency"),
        ({"currency": "GBP"}, "currency"),
        ({"uah_per_unit": "0"}, "uah_per_unit"),
        ({"uah_per_unit": "-41"}, "uah_per_unit"),
        ({"uah_per_unit": "forty"}, "uah_per_unit"),
        ({"uah_per_unit": "41.1234567"}, "uah_per_unit"),
        ({"uah_per_unit": "1000000"}, "uah_per_unit"),
        ({"valid_on": "31/03/2025"}, "valid_on"),
    ],
)
def test_bad_rates_are_refused(world: Any, kwargs: dict[str, Any], key: str) -> None:
    arguments = {"currency": "USD", "valid_on": "2025-03-31", "uah_per_unit": "41.5", **kwargs}
    with pytest.raises(ValidationError) as error:
        exchange_rate_set(acting_user=world.coordinator, **arguments)
    assert key in error.value.message_dict
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize("persona", ["editor", "viewer", "expert", "outsider"])
def test_only_programme_staff_keep_rates(world: Any, persona: str) -> None:
    user = getattr(world, persona)
    with pytest.raises(PermissionDenied):
        exchange_rate_set(acting_user=user, currency="USD", valid_on="2025-03-31", uah_per_unit="41.5")
    with pytest.raises(PermissionDenied):
        exchange_rates_import(
            acting_user=user, data=b"currency,date,uah_per_unit\nUSD,2025-03-31,41.5\n", filename="r.csv"
        )
    assert not ExchangeRate.objects.exists()


def test_import_csv(world: Any) -> None:
    ExchangeRate.objects.create(currency="USD", valid_on=datetime.date(2025, 3, 31), uah_per_unit=D("40"))
    data = "\ufeffCurrency,Date,UAH_per_unit,Source\nUSD,2025-03-31,41.4,NBU\nEUR,31.03.2025,44.9876,NBU\n\nEUR,2025-04-01,45,\n".encode()
    saved = exchange_rates_import(acting_user=world.coordinator, data=data, filename="nbu.csv")
    assert len(saved) == 3
    assert ExchangeRate.objects.count() == 3
    assert ExchangeRate.objects.get(currency="USD").uah_per_unit == D("41.400000")
    assert ExchangeRate.objects.get(currency="EUR", valid_on=datetime.date(2025, 3, 31)).source == "NBU"
    entry = AuditEntry.objects.get(action="projects.rate.imported")
    assert entry.data["count"] == 3
    assert entry.data["filename"] == "nbu.csv"
    assert entry.data["currencies"] == ["EUR", "USD"]


def test_import_semicolons_and_decimal_commas(world: Any) -> None:
    data = b"currency;date;uah_per_unit\nEUR;2025-03-31;44,5\n"
    assert exchange_rates_import(acting_user=world.admin, data=data, filename="r.csv")[0].uah_per_unit == D("44.5")


def test_import_names_every_bad_row_and_saves_nothing(world: Any) -> None:
    data = (
        b"currency,date,uah_per_unit\n"
        b"USD,2025-03-31,41.4\n"
        b"UAH,2025-03-31,1\n"
        b"EUR,2025-13-01,45\n"
        b"EUR,2025-03-30,-1\n"
        b"USD,2025-03-31,41.5\n"
    )
    with pytest.raises(ImportRejected) as error:
        exchange_rates_import(acting_user=world.coordinator, data=data, filename="r.csv")
    rows = error.value.row_errors
    assert [row for row, _message in rows] == [3, 4, 5, 6]
    assert rows[0][1].startswith("currency:")
    assert rows[1][1].startswith("date:")
    assert rows[2][1].startswith("uah_per_unit:")
    assert "row 2" in rows[3][1]
    assert not ExchangeRate.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"currency,date\nUSD,2025-01-01\n",
        b"currency,date,uah_per_unit\n",
        "currency,date,uah_per_unit\nUSD,2025-01-01,41\n".encode("utf-16"),
    ],
)
def test_import_refuses_unusable_files(world: Any, data: bytes) -> None:
    with pytest.raises(ImportRejected) as error:
        exchange_rates_import(acting_user=world.coordinator, data=data, filename="r.csv")
    assert error.value.row_errors
    assert not ExchangeRate.objects.exists()
