"""Helpers of the project page tests: projects made directly in the database (the services have their
own tests), with their financing lines and locations."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from vidnova.projects.models import ExchangeRate, FinancingLine, Project, ProjectLocation
from vidnova.registry.models import Hromada

_counter = {"n": 0}


def make_project(hromada: Hromada, *, financing: list[tuple[str, str, str, str]] = (), **values: Any) -> Project:  # type: ignore[assignment]
    """A project of ``hromada``; ``financing`` rows are (amount, currency, status, category)."""
    _counter["n"] += 1
    values.setdefault("code", f"T-{hromada.pk}-{_counter['n']}")
    values.setdefault("title_uk", f"Проєкт {_counter['n']}")
    location = values.pop("location", True)
    project = Project.objects.create(hromada=hromada, **values)
    for amount, currency, status, category in financing:
        FinancingLine.objects.create(
            project=project,
            finance_type="stateFunds",
            finance_category=category,
            amount=Decimal(amount),
            currency=currency,
            status=status,
        )
    if location:
        ProjectLocation.objects.create(project=project, katottg=hromada.katottg, name=hromada.name_uk)
    return project


def rate(currency: str, uah: str, day: datetime.date = datetime.date(2025, 1, 1)) -> ExchangeRate:
    return ExchangeRate.objects.create(currency=currency, valid_on=day, uah_per_unit=Decimal(uah))
