"""Reads of plan sections for pages, the API and exports: a section with what its page shows, its
revision history, and the current user's unsaved drafts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from vidnova.accounts.access import AnyUser
from vidnova.accounts.models import User
from vidnova.plans import catalogue, tables
from vidnova.plans.models import PlanVersion, Section, SectionDraft, SectionRevision


def sections_of(version: PlanVersion) -> QuerySet[Section]:
    """The sections of a version in document order, each with its number of open comment threads."""
    return (
        Section.objects.filter(plan_version=version)
        .select_related("updated_by")
        .annotate(open_thread_count=Count("threads", filter=Q(threads__resolved_at__isnull=True)))
        .order_by("position")
    )


def section_of(version: PlanVersion, code: str) -> Section | None:
    """One section of a version (with its open comment count), or None for an unknown code."""
    return sections_of(version).filter(code=code).select_related("plan_version", "plan_version__plan").first()


def revisions_of(section: Section) -> QuerySet[SectionRevision]:
    """The revision history of a section, newest first, with authors."""
    return SectionRevision.objects.filter(section=section).select_related("author").order_by("-number")


def revision_numbers(section: Section) -> list[int]:
    """Every revision number of a section, newest first (for the comparison choosers)."""
    return list(SectionRevision.objects.filter(section=section).order_by("-number").values_list("number", flat=True))


def revision(section: Section, number: int) -> SectionRevision | None:
    return revisions_of(section).filter(number=number).first()


@dataclass(frozen=True)
class SavedState:
    """What a section said at one of its versions."""

    body_uk: str
    body_en: str
    tables: dict[str, Any]


def section_state_at(section: Section, version: int) -> SavedState | None:
    """The texts and tables the section had at ``version`` (None when that cannot be known).

    Every save leaves a revision with the new version's number. Version 1 is the section as it was
    created: empty in a plan's first version, a copy of the adopted version's section in an amendment.
    """
    found = SectionRevision.objects.filter(section=section, number=version).first()
    if found is not None:
        return SavedState(found.body_uk, found.body_en, dict(found.tables or {}))
    if version != 1:
        return None
    based_on = section.plan_version.based_on_id
    if based_on is None:
        return SavedState("", "", {})
    source = Section.objects.filter(plan_version_id=based_on, code=section.code).first()
    return SavedState(source.body_uk, source.body_en, dict(source.tables or {})) if source is not None else None


@dataclass(frozen=True)
class PendingDraft:
    """Text a person typed and never saved, and whether the section changed since they started."""

    draft: SectionDraft
    is_stale: bool  # someone saved the section after the version the draft was typed on


def pending_draft(section: Section, user: AnyUser) -> PendingDraft | None:
    """The user's autosaved draft of the section if it is newer than the saved text.

    Saving deletes the author's draft, so a draft that remains is unsaved work. It is offered unless it
    says exactly what is saved. If the section was saved by someone else in the meantime the draft is
    still offered (``is_stale``): restoring it leads to the side-by-side merge, so nothing typed is lost.
    """
    if not isinstance(user, User):
        return None
    draft = SectionDraft.objects.filter(section=section, author=user).first()
    if draft is None or (draft.body_uk.strip(), draft.body_en.strip()) == (
        section.body_uk.strip(),
        section.body_en.strip(),
    ):
        return None
    return PendingDraft(draft=draft, is_stale=draft.based_on_version < section.version)


def unsaved_drafts(version: PlanVersion, user: AnyUser) -> QuerySet[SectionDraft]:
    """The user's autosaved drafts in the sections of a version (for a reminder on the plan page)."""
    if not isinstance(user, User):
        return SectionDraft.objects.none()
    return (
        SectionDraft.objects.filter(section__plan_version=version, author=user)
        .select_related("section")
        .order_by("section__position")
    )


@dataclass(frozen=True)
class TableCell:
    value: str
    numeric: bool  # right-aligned figures


@dataclass(frozen=True)
class TableView:
    """A table of a section as pages show it: columns and rows with choice labels translated."""

    code: str
    title: str
    columns: list[tables.Column]
    rows: list[list[TableCell]]


def table_view(table_code: str, rows: list[dict[str, str]]) -> TableView:
    spec = tables.TABLES[table_code]
    columns = list(spec.columns)
    return TableView(
        code=table_code,
        title=str(spec.title),
        columns=columns,
        rows=[
            [
                TableCell(
                    tables.choice_label(table_code, column.key, str(row.get(column.key, "")))
                    if column.kind == "choice" and row.get(column.key)
                    else str(row.get(column.key, "")),
                    column.kind in {"integer", "decimal"},
                )
                for column in columns
            ]
            for row in rows
        ],
    )


def table_views(section: Section) -> list[TableView]:
    """Every table the catalogue lists for the section, in order, even when it has no rows yet."""
    return [table_view(code, section.tables.get(code, [])) for code in catalogue.spec_for(section.code).tables]
