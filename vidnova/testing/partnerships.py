"""Test helpers for the partnerships app: offers, partnerships and validated assessments with chosen
dimension scores (written directly, without answering the instrument)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from vidnova.assessments.models import Assessment, AssessmentState, DimensionResult, Round
from vidnova.assessments.services.instruments import instrument_load_default
from vidnova.partnerships.models import (
    ExpertiseOffer,
    PartnerRole,
    Partnership,
    PartnershipPartner,
    PartnershipStatus,
    Theme,
)
from vidnova.programmes.models import Organisation, Programme
from vidnova.registry.models import Hromada

# Dimension name → field, for the default instrument.
DIMENSION_FIELDS = {
    **dict.fromkeys(("f1_org", "f1_risk", "f1_prep", "f1_infra", "f1_society"), 1),
    **dict.fromkeys(("f2_planning", "f2_pim", "f2_finance", "f2_procurement", "f2_led"), 2),
    **dict.fromkeys(("f3_participation", "f3_transparency", "f3_integrity", "f3_capacity", "f3_self_government"), 3),
}


def make_offer(
    organisation: Organisation,
    *,
    themes: Iterable[str] = ("crisis-planning",),
    capacity: int = 2,
    modes: Iterable[str] = ("remote_coaching",),
    languages: Iterable[str] = ("en",),
    title: str = "Crisis planning coaching",
    available_from: datetime.date = datetime.date(2026, 1, 1),
    available_until: datetime.date | None = None,
    **fields: Any,
) -> ExpertiseOffer:
    offer = ExpertiseOffer.objects.create(
        organisation=organisation,
        title=title,
        capacity=capacity,
        modes=list(modes),
        languages=list(languages),
        available_from=available_from,
        available_until=available_until,
        **fields,
    )
    offer.themes.set(Theme.objects.filter(code__in=list(themes)))
    return offer


def make_partnership(
    programme: Programme,
    hromada: Hromada,
    organisation: Organisation,
    *,
    status: str = PartnershipStatus.PROPOSED,
    themes: Iterable[str] = ("crisis-planning",),
    offer: ExpertiseOffer | None = None,
    title: str = "Crisis planning partnership",
    **fields: Any,
) -> Partnership:
    partnership = Partnership.objects.create(
        programme=programme, hromada=hromada, status=status, offer=offer, title=title, **fields
    )
    PartnershipPartner.objects.create(partnership=partnership, organisation=organisation, role=PartnerRole.LEAD)
    partnership.themes.set(Theme.objects.filter(code__in=list(themes)))
    return partnership


def validated_assessment(
    programme: Programme,
    hromada: Hromada,
    scores: Mapping[str, float],
    *,
    threshold: float = 50,
    validated_at: datetime.datetime | None = None,
) -> Assessment:
    """A validated assessment of ``hromada`` in a baseline round of ``programme`` (default instrument)
    whose dimension results are exactly ``scores`` (dimension name → 0–100)."""
    version = instrument_load_default(acting_user=None)
    round_, _ = Round.objects.get_or_create(
        programme=programme,
        instrument_version=version,
        name_uk="Базова оцінка",
        defaults={
            "name_en": "Baseline",
            "opens_on": datetime.date(2026, 1, 1),
            "deadline": datetime.date(2026, 3, 1),
            "training_threshold": Decimal(str(threshold)),
        },
    )
    assessment = Assessment.objects.create(
        round=round_,
        hromada=hromada,
        state=AssessmentState.VALIDATED,
        validated_at=validated_at or timezone.now(),
        scores={"dimensions": {name: {"normalised": value} for name, value in scores.items()}},
    )
    DimensionResult.objects.bulk_create(
        DimensionResult(
            assessment=assessment,
            dimension=name,
            field=DIMENSION_FIELDS.get(name, 1),
            normalised=Decimal(str(value)),
            raw=Decimal(str(value)),
            scale_max=Decimal(100),
        )
        for name, value in scores.items()
    )
    return assessment
