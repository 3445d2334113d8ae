"""Reads of review comments for the comment pages, the plan overview, the section pages and the API.

Every function costs a fixed number of queries whatever the number of threads and comments: threads
come with their section, starter and resolver in one query, and all their comments with their authors
in one more. Callers have already checked that the user may read the plan's comments
(``Action.VIEW_PRIVATE``); comments are never public.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet

from vidnova.plans import catalogue
from vidnova.plans.catalogue import SectionSpec
from vidnova.plans.models import Comment, CommentThread, PlanVersion, Section
from vidnova.plans.services.comments import quote_in_section, section_plain_text


class ThreadStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ALL = "all"


# Open threads first (the oldest, waiting longest, on top), then resolved ones, latest resolved first.
THREAD_ORDER = (F("resolved_at").desc(nulls_first=True), "created_at", "pk")


@dataclass
class SectionThreads:
    """The threads of one section, for pages that group them in document order."""

    section: Section
    threads: list[CommentThread] = field(default_factory=list)

    @property
    def spec(self) -> SectionSpec:
        return catalogue.spec_for(self.section.code)

    @property
    def open_count(self) -> int:
        return sum(1 for thread in self.threads if thread.is_open)


def _threads() -> QuerySet[CommentThread]:
    """Threads with what a page shows of them. The section's text is left out (it can be long and
    would repeat on every row); ``outdated_quotes`` reads it once per section."""
    return (
        CommentThread.objects.select_related("section", "section__plan_version", "created_by", "resolved_by")
        .defer("section__body_uk", "section__body_en", "section__tables")
        .prefetch_related(
            Prefetch("comments", queryset=Comment.objects.select_related("author").order_by("created_at", "pk"))
        )
    )


def _with_status(threads: QuerySet[CommentThread], status: str) -> QuerySet[CommentThread]:
    if status == ThreadStatus.OPEN:
        return threads.filter(resolved_at__isnull=True)
    if status == ThreadStatus.RESOLVED:
        return threads.filter(resolved_at__isnull=False)
    return threads


def section_threads(section: Section, *, status: str = ThreadStatus.ALL) -> QuerySet[CommentThread]:
    """The threads of one section: open first, then resolved, each with its comments and authors."""
    return _with_status(_threads().filter(section=section), status).order_by(*THREAD_ORDER)


def version_threads(
    version: PlanVersion, *, status: str = ThreadStatus.ALL, section_code: str = ""
) -> QuerySet[CommentThread]:
    """Every thread of a version in document order (by section), open first within each section."""
    threads = _threads().filter(section__plan_version=version)
    if section_code:
        threads = threads.filter(section__code=section_code)
    return _with_status(threads, status).order_by("section__position", *THREAD_ORDER)


def thread_detail(thread_id: int) -> QuerySet[CommentThread]:
    """One thread with its comments (for the API and htmx responses); access is checked by the caller
    (or by ``access.get_for_user`` on this queryset)."""
    return _threads().select_related("section__plan_version__plan__hromada").filter(pk=thread_id)


def group_by_section(threads: Iterable[CommentThread], sections: Iterable[Section]) -> list[SectionThreads]:
    """``threads`` grouped under their sections, in document order; sections without threads left out."""
    groups = {section.pk: SectionThreads(section=section) for section in sections}
    for thread in threads:
        group = groups.get(thread.section_id)
        if group is not None:
            group.threads.append(thread)
    return [group for group in sorted(groups.values(), key=lambda g: g.section.position) if group.threads]


def version_sections(version: PlanVersion) -> list[Section]:
    """The sections of a version in document order, without their (possibly long) text (one query)."""
    return list(Section.objects.filter(plan_version=version).defer("body_uk", "body_en", "tables").order_by("position"))


def open_threads_by_section(version: PlanVersion) -> list[SectionThreads]:
    """The open threads of a version grouped by section in document order (for the plan overview)."""
    return group_by_section(version_threads(version, status=ThreadStatus.OPEN), version_sections(version))


def open_counts(version: PlanVersion) -> dict[str, int]:
    """Open threads per section code ({"profile": 2, ...}; sections without open threads are absent),
    in one query: for the overview's section list and the section pages."""
    rows = (
        CommentThread.objects.filter(section__plan_version=version, resolved_at__isnull=True)
        .values("section__code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["section__code"]: row["count"] for row in rows}


def status_counts(version: PlanVersion, *, section: Section | None = None) -> dict[str, int]:
    """How many threads are open, resolved and in all, for the filter (one query)."""
    threads = CommentThread.objects.filter(section__plan_version=version)
    if section is not None:
        threads = threads.filter(section=section)
    counts = threads.aggregate(
        open=Count("pk", filter=Q(resolved_at__isnull=True)),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        all=Count("pk"),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def outdated_quotes(threads: Iterable[CommentThread]) -> set[int]:
    """Ids of the threads whose quoted passage is no longer in their section's text (it was edited
    since), so a reviewer sees at a glance that the text they commented on has changed. Reads the
    text of the sections concerned in one query (none when no thread quotes anything)."""
    quoting = [thread for thread in threads if thread.quote]
    if not quoting:
        return set()
    sections = Section.objects.filter(pk__in={thread.section_id for thread in quoting}).only(
        "pk", "body_uk", "body_en", "tables"
    )
    texts = {section.pk: (section, section_plain_text(section)) for section in sections}
    outdated: set[int] = set()
    for thread in quoting:
        section, plain = texts[thread.section_id]
        if not quote_in_section(thread.quote, section, plain=plain):
            outdated.add(thread.pk)
    return outdated
