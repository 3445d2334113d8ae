"""Exchange rates: the hryvnia value of a euro or a dollar on a date, entered or imported by programme
staff (for example the NBU official rate). No live rate is fetched; conversions in money.py use the
latest rate on or before the date they need."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser
from vidnova.accounts.models import User
from vidnova.audit.services import record
from vidnova.core.exceptions import ImportRejected
from vidnova.projects.models import Currency, ExchangeRate

FOREIGN_CURRENCIES = tuple(code for code in Currency.values if code != Currency.UAH)
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
RATE_PLACES = 6
RATE_MAX = Decimal("999999")  # 12 digits, 6 after the point
IMPORT_COLUMNS = ("currency", "date", "uah_per_unit")


def _actor(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) else None


def require_rate_manager(user: AnyUser | None) -> None:
    """Only programme staff (administrators and coordinators) keep the rates."""
    if user is not None and not access.can(user, Action.VIEW_PRIVATE):
        raise PermissionDenied


def parse_date(value: Any) -> datetime.date | None:
    """A date as 2025-03-31 or 31.03.2025 (the NBU's format); None when it is neither."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _clean(currency: Any, valid_on: Any, uah_per_unit: Any, source: Any) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    code = str(currency or "").strip().upper()
    if code not in FOREIGN_CURRENCIES:
        errors["currency"] = gettext("Choose EUR or USD; the hryvnia is the base and has no rate.")
    day = parse_date(valid_on)
    if day is None:
        errors["valid_on"] = gettext("Give the date as YYYY-MM-DD or DD.MM.YYYY.")
    rate: Decimal | None = None
    try:
        rate = (
            Decimal(str(uah_per_unit).strip().replace(",", "."))
            if not isinstance(uah_per_unit, Decimal)
            else uah_per_unit
        )
        if not rate.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["uah_per_unit"] = gettext("Give the rate as a number, for example 44.1234.")
        rate = None
    if rate is not None:
        exponent = rate.as_tuple().exponent
        if rate <= 0:
            errors["uah_per_unit"] = gettext("The rate must be greater than zero.")
        elif rate >= RATE_MAX:
            errors["uah_per_unit"] = gettext("The rate is too large: at most 999,999 hryvnias per unit.")
        elif isinstance(exponent, int) and -exponent > RATE_PLACES:
            errors["uah_per_unit"] = gettext("At most 6 digits after the decimal point.")
        else:
            rate = rate.quantize(Decimal(1).scaleb(-RATE_PLACES))
    text = str(source or "").strip()
    if len(text) > 200:
        errors["source"] = gettext("At most 200 characters.")
    return {"currency": code, "valid_on": day, "uah_per_unit": rate, "source": text}, errors


def _save(values: Mapping[str, Any], user: User | None) -> tuple[ExchangeRate, dict[str, list[Any]]]:
    rate = (
        ExchangeRate.objects.select_for_update()
        .filter(currency=values["currency"], valid_on=values["valid_on"])
        .first()
    )
    before = None if rate is None else [str(rate.uah_per_unit), rate.source]
    if rate is None:
        rate = ExchangeRate(currency=values["currency"], valid_on=values["valid_on"])
    rate.uah_per_unit = values["uah_per_unit"]
    rate.source = values["source"]
    rate.entered_by = user
    rate.save()
    changes: dict[str, list[Any]] = {}
    if before is None or before[0] != str(values["uah_per_unit"]):
        changes["uah_per_unit"] = [None if before is None else before[0], str(values["uah_per_unit"])]
    if before is None or before[1] != values["source"]:
        changes["source"] = [None if before is None else before[1], values["source"]]
    return rate, changes


def exchange_rate_set(
    *,
    acting_user: AnyUser | None,
    currency: str,
    valid_on: datetime.date | str,
    uah_per_unit: Decimal | str,
    source: str = "",
) -> ExchangeRate:
    """Record the rate of ``currency`` on ``valid_on`` (replacing the one for that day, if any).

    Programme staff only; the rate must be positive and the currency EUR or USD.
    """
    with transaction.atomic():
        require_rate_manager(acting_user)
        values, errors = _clean(currency, valid_on, uah_per_unit, source)
        if errors:
            raise ValidationError(errors)
        rate, changes = _save(values, _actor(acting_user))
        record(
            actor=_actor(acting_user),
            action="projects.rate.set",
            target=rate,
            changes=changes,
            data={"currency": rate.currency, "valid_on": rate.valid_on, "uah_per_unit": rate.uah_per_unit},
        )
    return rate


def _rows(data: bytes) -> list[dict[str, str]]:
    """The CSV rows as dictionaries with lower-case column names (comma or semicolon separated)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([(1, gettext("The file is not UTF-8 text (CSV).").rstrip(".") + ".")]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        table = list(reader)
    except csv.Error as error:
        raise ImportRejected(
            [(1, gettext("The file is not a readable CSV file: %(error)s") % {"error": error})]
        ) from None
    if not table:
        raise ImportRejected([(1, gettext("The file is empty."))])
    header = [cell.strip().lower() for cell in table[0]]
    missing = [column for column in IMPORT_COLUMNS if column not in header]
    if missing:
        raise ImportRejected(
            [
                (
                    1,
                    gettext(
                        "The header row lacks the column(s) %(columns)s; expected currency,date,uah_per_unit[,source]."
                    )
                    % {"columns": ", ".join(missing)},
                )
            ]
        )
    return [
        {header[index]: cell for index, cell in enumerate(row) if index < len(header)}
        for row in table[1:]
        if any(cell.strip() for cell in row)
    ]


def exchange_rates_import(*, acting_user: AnyUser | None, data: bytes, filename: str) -> list[ExchangeRate]:
    """Import rates from a CSV file with the columns ``currency,date,uah_per_unit[,source]``.

    All or nothing: every bad row is named (``ImportRejected.row_errors``: row number as in a
    spreadsheet, the header being row 1, and the problem) and nothing is saved. A rate for a
    currency and day already recorded is replaced.
    """
    with transaction.atomic():
        require_rate_manager(acting_user)
        if len(data) > MAX_IMPORT_BYTES:
            raise ImportRejected([(1, gettext("The file is larger than 2 MB."))])
        rows = _rows(data)
        if not rows:
            raise ImportRejected([(2, gettext("The file has no rates below the header row."))])
        if len(rows) > MAX_IMPORT_ROWS:
            raise ImportRejected([(1, gettext("At most 20,000 rates per file."))])
        problems: list[tuple[int, str]] = []
        cleaned: list[dict[str, Any]] = []
        seen: dict[tuple[str, datetime.date], int] = {}
        columns = {"currency": "currency", "valid_on": "date", "uah_per_unit": "uah_per_unit", "source": "source"}
        for number, row in enumerate(rows, start=2):
            values, errors = _clean(row.get("currency"), row.get("date"), row.get("uah_per_unit"), row.get("source"))
            for field, message in errors.items():
                problems.append((number, f"{columns[field]}: {message}"))
            if not errors:
                key = (values["currency"], values["valid_on"])
                if key in seen:
                    problems.append(
                        (
                            number,
                            gettext("date: %(currency)s on %(date)s is already given in row %(row)s.")
                            % {"currency": key[0], "date": key[1].isoformat(), "row": seen[key]},
                        )
                    )
                else:
                    seen[key] = number
                    cleaned.append(values)
        if problems:
            raise ImportRejected(problems)
        user = _actor(acting_user)
        saved = [_save(values, user)[0] for values in cleaned]
        record(
            actor=user,
            action="projects.rate.imported",
            target=saved[0],
            data={
                "filename": filename[:200],
                "count": len(saved),
                "currencies": sorted({rate.currency for rate in saved}),
                "from": min(rate.valid_on for rate in saved),
                "to": max(rate.valid_on for rate in saved),
            },
        )
    return saved
