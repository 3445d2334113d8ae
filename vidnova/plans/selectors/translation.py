"""Translation completeness of a plan version: every translatable text in Ukrainian and English.

The texts are the plan's title and summary, each section's body, the Ukrainian/English text cells of
each section's tables, each goal-tree node and each principle's justification. A text counts once it
exists in either language; it is complete when it exists in both. Dutch (summaries only) is optional
and not counted. Three queries (sections, goal nodes, principle checks), whatever the plan's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext

from vidnova.plans import catalogue, principles, tables, text
from vidnova.plans.models import PlanVersion, PrincipleCheck, Section
from vidnova.plans.selectors.goals import flatten, goal_tree

UK = "uk"
EN = "en"


def percent(complete: int, total: int) -> int | None:
    """Whole per cent, rounded down so that 100 means everything (None when there is nothing)."""
    if total == 0:
        return None
    return complete * 100 // total


@dataclass(frozen=True)
class TextPair:
    """One text in both languages, as stored (``rich``: sanitised HTML of a section body)."""

    key: str  # stable identifier, e.g. "section:profile:key_figures:2:indicator"
    label: str  # what the text is, in the interface language
    uk: str
    en: str
    rich: bool = False
    detail: str = ""  # a second line for the label (the column of a table cell)

    def _present(self, value: str) -> bool:
        return not text.is_empty(value) if self.rich else bool(value.strip())

    @property
    def has_uk(self) -> bool:
        return self._present(self.uk)

    @property
    def has_en(self) -> bool:
        return self._present(self.en)

    @property
    def counted(self) -> bool:
        """Something is written in at least one language, so there is something to translate."""
        return self.has_uk or self.has_en

    @property
    def is_complete(self) -> bool:
        return self.has_uk and self.has_en

    @property
    def missing(self) -> list[str]:
        """The languages still missing ("uk", "en") of a text that is written in the other one."""
        if not self.counted:
            return []
        return [language for language, present in ((UK, self.has_uk), (EN, self.has_en)) if not present]


@dataclass
class TranslationGroup:
    key: str  # "plan", "section:<code>", "goals", "principles"
    title: str
    pairs: list[TextPair] = field(default_factory=list)
    section: Section | None = None

    @property
    def total(self) -> int:
        return sum(1 for pair in self.pairs if pair.counted)

    @property
    def complete(self) -> int:
        return sum(1 for pair in self.pairs if pair.is_complete)

    @property
    def missing_uk(self) -> int:
        return sum(1 for pair in self.pairs if UK in pair.missing)

    @property
    def missing_en(self) -> int:
        return sum(1 for pair in self.pairs if EN in pair.missing)

    @property
    def percent(self) -> int | None:
        return percent(self.complete, self.total)

    @property
    def incomplete_pairs(self) -> list[TextPair]:
        return [pair for pair in self.pairs if pair.missing]


@dataclass
class TranslationReport:
    version: PlanVersion
    groups: list[TranslationGroup]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def complete(self) -> int:
        return sum(group.complete for group in self.groups)

    @property
    def missing_uk(self) -> int:
        return sum(group.missing_uk for group in self.groups)

    @property
    def missing_en(self) -> int:
        return sum(group.missing_en for group in self.groups)

    @property
    def percent(self) -> int | None:
        return percent(self.complete, self.total)

    def group(self, key: str) -> TranslationGroup:
        return next(group for group in self.groups if group.key == key)

    @property
    def section_percentages(self) -> dict[str, int | None]:
        """Per cent complete per section code (None: nothing written in the section yet)."""
        return {group.section.code: group.percent for group in self.groups if group.section is not None}


def _table_pairs(section: Section, spec: catalogue.SectionSpec) -> list[TextPair]:
    """The Ukrainian/English text cells of the section's tables, paired by column (``x_uk``/``x_en``)."""
    pairs: list[TextPair] = []
    for table_code in spec.tables:
        table = tables.TABLES[table_code]
        keys = {column.key for column in table.columns}
        language_pairs = [
            (column.key.removesuffix("_uk"), column, table.column(column.key.removesuffix("_uk") + "_en"))
            for column in table.columns
            if column.language == UK and column.key.endswith("_uk") and column.key.removesuffix("_uk") + "_en" in keys
        ]
        for row_number, row in enumerate(section.tables.get(table_code) or [], start=1):
            for base, uk_column, en_column in language_pairs:
                pairs.append(
                    TextPair(
                        key=f"section:{section.code}:{table_code}:{row_number}:{base}",
                        label=gettext("%(table)s, row %(row)s") % {"table": table.title, "row": row_number},
                        detail=str(uk_column.label),
                        uk=str(row.get(uk_column.key) or ""),
                        en=str(row.get(en_column.key) or ""),
                    )
                )
    return pairs


def translation_report(version: PlanVersion) -> TranslationReport:
    """Every translatable text of ``version`` and its plan, grouped as the plan reads: the plan's
    description, each section in order (body and table cells), the goal tree, the principles."""
    plan = version.plan
    groups: list[TranslationGroup] = [
        TranslationGroup(
            key="plan",
            title=gettext("Title and summary"),
            pairs=[
                TextPair(key="plan:title", label=gettext("Title"), uk=plan.title_uk, en=plan.title_en),
                TextPair(key="plan:summary", label=gettext("Summary"), uk=plan.summary_uk, en=plan.summary_en),
            ],
        )
    ]
    for section in Section.objects.filter(plan_version=version).order_by("position", "pk"):
        spec = catalogue.spec_for(section.code)
        group = TranslationGroup(key=f"section:{section.code}", title=str(section.get_code_display()), section=section)
        group.pairs.append(
            TextPair(
                key=f"section:{section.code}:body",
                label=gettext("Text"),
                uk=section.body_uk,
                en=section.body_en,
                rich=True,
            )
        )
        group.pairs.extend(_table_pairs(section, spec))
        groups.append(group)
    goals = TranslationGroup(key="goals", title=gettext("Goal tree"))
    for item in flatten(goal_tree(version)):
        node = item.node
        level = str(node.get_level_display())
        goals.pairs.append(
            TextPair(
                key=f"goal:{node.pk}",
                label=f"{item.code} {level}".strip() if item.code else level.capitalize(),
                uk=node.text_uk,
                en=node.text_en,
            )
        )
    groups.append(goals)
    checks = TranslationGroup(key="principles", title=gettext("Principles checklist"))
    for check in PrincipleCheck.objects.filter(plan_version=version).order_by("pk"):
        principle = principles.BY_CODE.get(check.principle)
        checks.pairs.append(
            TextPair(
                key=f"principle:{check.principle}",
                label=str(principle.label).capitalize() if principle else check.principle,
                uk=check.justification_uk,
                en=check.justification_en,
            )
        )
    groups.append(checks)
    return TranslationReport(version=version, groups=groups)
