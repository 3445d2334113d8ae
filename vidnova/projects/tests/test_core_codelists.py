"""The project code lists: counts from the shipped standards, labels in the three languages."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from django.utils import translation

from vidnova.projects import codelists

DATA = Path(codelists.__file__).resolve().parent / "data"


def test_oc4ids_lists_are_complete_and_translated() -> None:
    assert len(codelists.SECTORS) == 23
    assert list(codelists.PROJECT_TYPES) == [
        "construction",
        "rehabilitation",
        "replacement",
        "expansion",
        "decommissioning",
    ]
    assert "naturalResources.floodProtection" in codelists.SECTORS
    for code in [*codelists.SECTORS, *codelists.PROJECT_TYPES]:
        with translation.override("en"):
            english = codelists.label("sectors" if code in codelists.SECTORS else "project_types", code)
        with translation.override("uk"):
            ukrainian = codelists.label("sectors" if code in codelists.SECTORS else "project_types", code)
        with translation.override("nl"):
            dutch = codelists.label("sectors" if code in codelists.SECTORS else "project_types", code)
        assert re.search("[А-Яа-яІіЇїЄєҐґ]", ukrainian), code
        assert english != ukrainian != dutch, code
    with translation.override("en"):
        assert codelists.label("sectors", "waterAndWaste") == "Water and waste"
    with translation.override("uk"):
        assert codelists.label("SECTORS", "education") == "Освіта"


def test_purpose_codes_are_the_active_dac_codes() -> None:
    with (DATA / "dac_sector.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 325
    assert len(codelists.PURPOSE_CODES) == 295
    assert all(re.fullmatch(r"\d{5}", code) for code in codelists.PURPOSE_CODES)
    assert codelists.PURPOSE_CODES["73010"] == "Immediate post-emergency reconstruction and rehabilitation"
    assert str(codelists.PURPOSE_CODES["15112"]).startswith("Decentralisation")
    # Withdrawn codes (domain.md 7.3) are not offered.
    for withdrawn in ("74010", "41050"):
        assert withdrawn not in codelists.PURPOSE_CODES
        assert withdrawn in codelists.WITHDRAWN_PURPOSE_CODES
    assert codelists.PURPOSE_CODE_CATEGORY["73010"] == "730"
    assert ("73010", "73010 Immediate post-emergency reconstruction and rehabilitation") in codelists.choices(
        "purpose_codes"
    )


def test_dream_lists_match_the_api_description() -> None:
    assert len(codelists.COST_ITEMS) == 17
    assert "landAcquisition" in codelists.COST_ITEMS
    assert list(codelists.FINANCE_TYPES) == ["internationalPartners", "stateFunds", "privateInvestments"]
    assert len(codelists.FINANCE_CATEGORIES) == 13
    assert codelists.LOCAL_BUDGET in codelists.FINANCE_CATEGORIES
    assert {"initiator", "balancer", "implementer", "procuringEntity", "designer"} <= set(codelists.PARTY_ROLES)
    assert len(codelists.PARTY_ROLES) == 11
    assert len(codelists.DOCUMENT_TYPES) == 14
    assert "feasibilityStudy" in codelists.DOCUMENT_TYPES
    assert len(codelists.BBB_FEATURES) == 9
    assert "bbb_o_and_m_plan" in codelists.BBB_FEATURES
    assert list(codelists.POLICY_MARKERS) == [str(n) for n in range(1, 13)]
    assert list(codelists.POLICY_SIGNIFICANCE) == ["0", "1", "2", "3", "4"]


def test_label_helpers() -> None:
    assert codelists.label("finance_categories", "localBudget") == "local budget"
    assert codelists.label("policy_markers", 10) == "disaster risk reduction"
    # An unknown (for example withdrawn) code is shown as it is, not hidden.
    assert codelists.label("purpose_codes", "74010") == "74010"
    assert codelists.code_label("purpose_codes", "43030") == "43030 Urban development and management"
    assert codelists.is_valid("cost_items", "design")
    assert not codelists.is_valid("cost_items", "Design")
    assert codelists.choices("currencies")[0][0] == "UAH"
    with pytest.raises(LookupError):
        codelists.get_list("nonsense")


def test_data_files_have_their_sources() -> None:
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for name in ("projectSector.csv", "projectType.csv", "dac_sector.csv"):
        assert name in sources
    assert "7b507576315717da94ed86585ed06144861e13f9" in sources
    assert "7aeece773c60afa0265eb95e988d5e61e96d8482" in sources
    assert "Apache" in sources
    assert "CC BY 4.0" in sources
    assert (DATA / "LICENSE-OC4IDS-Apache-2.0.txt").exists()
