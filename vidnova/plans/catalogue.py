"""The section catalogue: what each section of a plan must contain, which legal content item it
satisfies, and for which plan types it is required (domain.md 3.2).

Guidance is English source text translated through the catalogues, so it reads in Ukrainian, English
and Dutch like the rest of the interface.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vidnova.plans.models import PlanType, SectionCode

LRP = PlanType.LOCAL_RECOVERY_PLAN
PKV = PlanType.COMPREHENSIVE_RECOVERY_PROGRAMME
STRATEGY = PlanType.DEVELOPMENT_STRATEGY


@dataclass(frozen=True)
class SectionSpec:
    code: SectionCode
    guidance: Promise
    maps_to: str  # the legal or methodological content item, as cited in domain.md 3.2
    required_for: frozenset[PlanType]
    tables: tuple[str, ...] = ()  # codes in vidnova.plans.tables
    goal_tree: bool = False  # the section shows the goal tree
    registry_profile: bool = False  # "insert from the registry" is offered


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        SectionCode.PROFILE,
        _(
            "Describe the hromada as it is today: geography and settlements, population and its structure, "
            "economy and jobs, public services, and how the hromada is governed. Insert the registry figures "
            "rather than retyping them. Satisfies item 1 of the comprehensive recovery programme (general "
            "description of the territory) and the analytical part of a development strategy."
        ),
        "ПКВ-1; Strategy-analysis",
        frozenset({LRP, PKV, STRATEGY}),
        tables=("key_figures",),
        registry_profile=True,
    ),
    SectionSpec(
        SectionCode.WAR_IMPACT,
        _(
            "Record the damage and losses caused by the war: buildings, infrastructure, services, environment, "
            "cultural heritage, contamination by mines and explosive remnants, and displacement (people who left, "
            "displaced people hosted). Give figures by sector in the table, with their source and date. "
            "Satisfies items 3 and 4 of the comprehensive recovery programme."
        ),
        "ПКВ-3/4",
        frozenset({LRP, PKV}),
        tables=("damage_by_sector", "displacement"),
    ),
    SectionSpec(
        SectionCode.RESOURCES,
        _(
            "Describe the resources and potential the recovery can build on: people and skills, land, the "
            "budget and other finance, institutions and partners. Satisfies item 5 of the comprehensive "
            "recovery programme (resources needed to restore the territory's livelihood)."
        ),
        "ПКВ-5",
        frozenset({LRP, PKV}),
        tables=("resources",),
    ),
    SectionSpec(
        SectionCode.NEEDS,
        _(
            "Set out the needs by sector and by population group: veterans, displaced people, women, young "
            "people, older people and people with disabilities. Say how each need was identified (assessment, "
            "survey, hearing). Follows the recovery and development plan of CMU Resolution 731."
        ),
        "Res. 731 plan",
        frozenset({LRP, PKV}),
    ),
    SectionSpec(
        SectionCode.SWOT,
        _(
            "List strengths, weaknesses, opportunities and threats, and the main risks with their likelihood, "
            "impact and mitigation, including the security risk profile. Required by development-strategy "
            "practice (Minregion Order 265)."
        ),
        "Strategy",
        frozenset({LRP, STRATEGY}),
        tables=("swot", "risks"),
    ),
    SectionSpec(
        SectionCode.VISION,
        _(
            "State in a few sentences what the hromada wants to be at the end of the plan period. The vision is "
            "the root of the goal tree."
        ),
        "IDC / Strategy",
        frozenset({LRP, STRATEGY}),
    ),
    SectionSpec(
        SectionCode.GOALS,
        _(
            "Build the goal tree: strategic goals, the operational goals under each, and the tasks that deliver "
            "them. Tag goals with the SDG targets, EU acquis chapters and Charter articles they serve. Required "
            "by development-strategy practice (goal tree)."
        ),
        "Strategy goal tree",
        frozenset({LRP, PKV, STRATEGY}),
        goal_tree=True,
    ),
    SectionSpec(
        SectionCode.PROJECTS,
        _(
            "List the projects that carry out the tasks, each with its estimated cost and sources of funding. "
            "Satisfies the project list of the comprehensive recovery programme and feeds the hromada's single "
            "project portfolio of public investments."
        ),
        "ПКВ list; ЄПП",
        frozenset({LRP, PKV}),
    ),
    SectionSpec(
        SectionCode.FINANCING,
        _(
            "Show how the plan will be paid for, by source: local budget, state budget and funds, international "
            "partners, private investment and others, with amounts and years."
        ),
        "ЄПП",
        frozenset({LRP, PKV}),
        tables=("financing",),
    ),
    SectionSpec(
        SectionCode.PARTICIPATION,
        _(
            "Describe how residents took part: proposals received, public hearings, surveys and consultations, "
            "who took part, and how their input changed the plan. Covers stages 3 and 6 of the comprehensive "
            "recovery programme procedure and Lugano principle 4 (democratic participation)."
        ),
        "ПКВ stages 3 and 6",
        frozenset({LRP, PKV, STRATEGY}),
        tables=("engagement_events",),
    ),
    SectionSpec(
        SectionCode.IMPLEMENTATION,
        _(
            "Explain the sequence of work, who is responsible for what, and the timeline, including how the plan "
            "is coordinated with the programme and partners."
        ),
        "—",
        frozenset({LRP, PKV}),
    ),
    SectionSpec(
        SectionCode.MONITORING,
        _(
            "Give the results framework: indicators with baseline, target and means of verification, and who "
            "reports on them and when."
        ),
        "Strategy monitoring",
        frozenset({LRP, STRATEGY}),
        tables=("indicators",),
    ),
    SectionSpec(
        SectionCode.EU_ALIGNMENT,
        _(
            "Show how the plan's measures relate to the EU acquis chapters, the European Charter of Local "
            "Self-Government and the Lugano principles, on the way to EU accession."
        ),
        "—",
        frozenset({LRP}),
    ),
)

BY_CODE: dict[str, SectionSpec] = {spec.code.value: spec for spec in SECTIONS}


def spec_for(code: str) -> SectionSpec:
    return BY_CODE[code]


def required_codes(plan_type: str) -> list[str]:
    return [spec.code.value for spec in SECTIONS if plan_type in spec.required_for]
