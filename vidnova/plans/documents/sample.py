"""A realistic, fully written plan version for tests and benchmarks of the documents.

``fill_version`` writes every section in Ukrainian and English (headings, paragraphs, lists, a table,
links, emphasis), fills every structured table, grows a goal tree of a given size and completes the
principles checklist. It writes the rows directly (no services, no audit): it makes test data, not
history.
"""

from __future__ import annotations

import datetime
import itertools

from vidnova.plans import catalogue, tables
from vidnova.plans.models import GoalLevel, GoalNode, PlanVersion, PrincipleCheck, Section
from vidnova.plans.text import sanitize

_UK_PARAGRAPHS = (
    "Громада розташована на перетині важливих транспортних шляхів і має розвинену мережу закладів освіти "
    "та охорони здоров'я. Після деокупації значна частина житла та інфраструктури потребує відновлення.",
    "Робоча група зібрала пропозиції мешканців, внутрішньо переміщених осіб, ветеранів і підприємців; "
    "їхні потреби враховано в цілях і завданнях плану.",
    "Пріоритетом є безпечне повернення людей: житло, тепло, вода, школи та робочі місця.",
)
_EN_PARAGRAPHS = (
    "The hromada lies where important transport routes cross and has a developed network of schools and "
    "health facilities. After de-occupation a large part of its housing and infrastructure needs rebuilding.",
    "The working group collected proposals from residents, displaced people, veterans and entrepreneurs; "
    "their needs are reflected in the plan's goals and tasks.",
    "The priority is a safe return of people: housing, heating, water, schools and jobs.",
)


def _rich(paragraphs: tuple[str, ...], heading: str, items: tuple[str, ...], table_caption: str) -> str:
    html = (
        f"<h2>{heading}</h2><p>{paragraphs[0]} <strong>{paragraphs[2]}</strong></p>"
        f'<p>{paragraphs[1]} <a href="https://decentralization.ua/">decentralization.ua</a>.</p>'
        "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
        "<ol><li>" + items[0] + "</li><li>" + items[1] + "<ul><li><em>" + items[2] + "</em></li></ul></li></ol>"
        f"<h3>{heading} (2)</h3><p>{paragraphs[2]}</p>"
        f'<table><caption>{table_caption}</caption><thead><tr><th scope="col">2024</th><th scope="col">2025</th>'
        '<th scope="col">2026</th></tr></thead><tbody><tr><td>120</td><td>340</td><td>560</td></tr></tbody></table>'
    )
    return sanitize(html)


BODY_UK = _rich(_UK_PARAGRAPHS, "Основні положення", ("житло", "енергетика", "освіта"), "Показники за роками")
BODY_EN = _rich(_EN_PARAGRAPHS, "Main points", ("housing", "energy", "education"), "Figures by year")


def _sample_row(table_code: str, index: int) -> dict[str, str]:
    spec = tables.TABLES[table_code]
    row: dict[str, str] = {}
    for column in spec.columns:
        if column.kind == "choice":
            row[column.key] = column.choices[index % len(column.choices)][0]
        elif column.kind == "integer":
            row[column.key] = str(2025 + index % 3) if column.key == "year" else str(100 + index * 7)
        elif column.kind == "decimal":
            row[column.key] = f"{150000 + index * 12500}.50"
        elif column.kind == "date":
            row[column.key] = (datetime.date(2025, 1, 15) + datetime.timedelta(days=30 * (index % 12))).isoformat()
        elif column.language == "en":
            row[column.key] = f"Row {index + 1}: item described in English"
        elif column.language == "uk":
            row[column.key] = f"Рядок {index + 1}: опис українською мовою"
        else:
            row[column.key] = f"Джерело {index + 1}" if column.key == "source" else f"note {index + 1}"
    return tables.clean_rows(table_code, [row])[0]


def fill_version(
    version: PlanVersion, *, goal_nodes: int = 60, financing_rows: int = 100, rows_per_table: int = 6
) -> None:
    """Write every section, table, a goal tree of ``goal_nodes`` nodes and the principles checklist."""
    sections = {section.code: section for section in Section.objects.filter(plan_version=version)}
    for spec in catalogue.SECTIONS:
        section = sections.get(spec.code)
        if section is None:
            continue
        section.body_uk = BODY_UK
        section.body_en = BODY_EN
        section.tables = {
            code: [
                _sample_row(code, index) for index in range(financing_rows if code == "financing" else rows_per_table)
            ]
            for code in spec.tables
        }
        section.save(update_fields=["body_uk", "body_en", "tables", "updated_at"])
    build_goal_tree(version, goal_nodes)
    PrincipleCheck.objects.filter(plan_version=version).update(
        is_met=True,
        justification_uk="Принцип враховано в цілях 1 і 2 та в порядку відбору проєктів.",
        justification_en="The principle is reflected in goals 1 and 2 and in how projects are selected.",
    )


def build_goal_tree(version: PlanVersion, total: int) -> list[GoalNode]:
    """A vision, four strategic goals, three operational goals under each and tasks for the rest."""
    GoalNode.objects.filter(plan_version=version).delete()
    created: list[GoalNode] = []

    def add(parent: GoalNode | None, level: str, position: int, label: str) -> GoalNode:
        node = GoalNode.objects.create(
            plan_version=version,
            parent=parent,
            level=level,
            position=position,
            text_uk=f"{label}: безпечна, енергоефективна та згуртована громада",
            text_en=f"{label}: a safe, energy-efficient and cohesive hromada",
            sdg_targets=["11.1", "7.3"] if level != GoalLevel.TASK else ["11.1"],
            acquis_chapters=["22", "27"] if level == GoalLevel.STRATEGIC_GOAL else [],
            charter_articles=["4"] if level == GoalLevel.OPERATIONAL_GOAL else [],
        )
        created.append(node)
        return node

    if total <= 0:
        return created
    vision = add(None, GoalLevel.VISION, 0, "Vision")
    strategic = [add(vision, GoalLevel.STRATEGIC_GOAL, i, f"SG{i + 1}") for i in range(min(4, total - 1))]
    operational = [
        add(goal, GoalLevel.OPERATIONAL_GOAL, j, f"OG{i + 1}.{j + 1}")
        for i, goal in enumerate(strategic)
        for j in range(3)
        if len(created) < total
    ]
    positions: dict[int, int] = {}
    for parent in itertools.cycle(operational or strategic or [vision]):
        if len(created) >= total:
            break
        position = positions.get(parent.pk, 0)
        positions[parent.pk] = position + 1
        add(parent, GoalLevel.TASK, position, f"T{len(created)}")
    return created
