"""Reads of plans for pages, the API and exports: permission-filtered, with a fixed number of queries."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vidnova.accounts import access
from vidnova.accounts.access import Action, AnyUser, roles_of
from vidnova.plans import catalogue, text
from vidnova.plans.catalogue import SectionSpec
from vidnova.plans.models import CommentThread, GoalLevel, GoalNode, Plan, PlanVersion, Section
from vidnova.programmes.models import Programme
from vidnova.registry.models import Hromada, search_key

# --- who sees which plans -----------------------------------------------------------------------


def plans_visible_to(user: AnyUser) -> QuerySet[Plan]:
    """Every plan the user may open: all of them for programme staff; otherwise the plans of their
    hromadas and of their organisations' programmes, plus every plan with an adopted version."""
    plans = Plan.objects.select_related("hromada", "programme", "public_version")
    if user.is_authenticated and user.is_active and user.is_superuser:
        return plans
    roles = roles_of(user)
    if roles.is_programme_staff:
        return plans
    return plans.filter(
        Q(public_version__isnull=False)
        | Q(hromada_id__in=roles.hromada_member_of)
        | Q(programme_id__in=roles.expert_programme_of)
    )


def current_version(plan: Plan) -> PlanVersion:
    """The version being worked on: the newest one (the adopted one when no amendment is open)."""
    return plan.versions.order_by("-number").select_related("plan").first()  # type: ignore[return-value]


def versions_visible_to(user: AnyUser, plan: Plan) -> list[PlanVersion]:
    """The plan's versions the user may read, newest first: all of them for insiders, the adopted
    ones for everyone else (one query)."""
    versions = list(plan.versions.order_by("-number"))
    for version in versions:
        version.plan = plan  # the rule reads the plan: no query per version
    return [version for version in versions if access.can(user, Action.VIEW, version)]


# --- the plan list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFilter:
    hromada: str = ""  # KATOTTG code
    plan_type: str = ""
    state: str = ""
    programme: str = ""  # programme slug
    query: str = ""  # words of the title (Ukrainian or English) or of the hromada's name


def _case_variants(word: str) -> set[str]:
    """Spellings of ``word`` to match on every database: SQLite folds the case of ASCII letters only,
    so Cyrillic words are also tried in lower case, capitalised and upper case, with each apostrophe."""
    variants: set[str] = set()
    for apostrophe in ("'", "’", "ʼ"):
        spelled = word.replace("'", apostrophe)
        variants |= {spelled, spelled.lower(), spelled.capitalize(), spelled.upper()}
    return variants


def _title_matches(query: str) -> Q:
    condition = Q()
    for word in search_key(query).split():
        word_condition = Q(hromada__search_text__contains=word)
        for variant in _case_variants(word):
            word_condition |= Q(title_uk__icontains=variant) | Q(title_en__icontains=variant)
        condition &= word_condition
    return condition


def open_comments_of_current_version() -> Coalesce:
    """Correlated subquery: open comment threads on the plan's newest version (one query per list)."""
    threads = (
        CommentThread.objects.filter(
            resolved_at__isnull=True,
            section__plan_version=Subquery(
                PlanVersion.objects.filter(plan=OuterRef(OuterRef("pk"))).order_by("-number").values("pk")[:1]
            ),
        )
        .order_by()
        .values("section__plan_version")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(threads, output_field=IntegerField()), Value(0))


def plan_list(user: AnyUser, filters: PlanFilter | None = None) -> QuerySet[Plan]:
    """The plans ``user`` may open that match ``filters``, with the hromada, programme and public
    version joined, and annotated with ``open_comment_count`` (open threads on the newest version;
    show it to insiders only) and ``latest_version_number``. Ordered by hromada, then newest period."""
    filters = filters or PlanFilter()
    plans = plans_visible_to(user).annotate(
        open_comment_count=open_comments_of_current_version(),
        latest_version_number=Subquery(
            PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number").values("number")[:1]
        ),
    )
    if filters.hromada:
        plans = plans.filter(hromada__katottg=filters.hromada)
    if filters.plan_type:
        plans = plans.filter(plan_type=filters.plan_type)
    if filters.state:
        plans = plans.filter(state=filters.state)
    if filters.programme:
        plans = plans.filter(programme__slug=filters.programme)
    if filters.query.strip():
        plans = plans.filter(_title_matches(filters.query))
    return plans.order_by("hromada__name_sort", "-starts_on", "pk")


@dataclass(frozen=True)
class HromadaPlan:
    plan: Plan
    insider: bool  # may open the working version (otherwise: the public page)


def plans_of_hromada(user: AnyUser, hromada: Hromada) -> list[HromadaPlan]:
    """The hromada's plans the user may open (its adopted plans for everyone, all of them for
    insiders), newest period first: one query."""
    plans = plans_visible_to(user).filter(hromada=hromada).order_by("-starts_on", "pk")
    return [HromadaPlan(plan=plan, insider=access.can(user, Action.VIEW_PRIVATE, plan)) for plan in plans]


# --- creating plans and linking documents ----------------------------------------------------------


def hromadas_for_new_plan(user: AnyUser) -> QuerySet[Hromada]:
    """Hromadas to offer when someone starts a plan without naming one: those they edit, plus, for
    programme staff, the hromadas taking part in their programmes. (Staff may start a plan for any
    hromada through its page; this keeps the choice short.)"""
    hromadas = Hromada.objects.select_related("oblast").order_by("name_sort", "katottg")
    if not user.is_authenticated or not user.is_active:
        return hromadas.none()
    if user.is_superuser:
        return hromadas.filter(programme_phases__isnull=False).distinct()
    roles = roles_of(user)
    condition = Q(pk__in=roles.hromada_editor_of)
    if roles.is_programme_staff:
        condition |= Q(programme_phases__programme_id__in=roles.programme_staff_of)
    return hromadas.filter(condition).distinct()


def programmes_of_hromada(hromada: Hromada) -> QuerySet[Programme]:
    """The programmes in which the hromada takes part (in any phase): the ones that may review its plans."""
    return Programme.objects.filter(phases__hromadas=hromada).distinct().order_by("name_uk")


def programmes_of_hromadas(hromadas: QuerySet[Hromada]) -> QuerySet[Programme]:
    return Programme.objects.filter(phases__hromadas__in=hromadas).distinct().order_by("name_uk")


def linkable_plans(user: AnyUser, plan: Plan) -> QuerySet[Plan]:
    """Plans of the same hromada the user may see, other than ``plan``: the candidates for a
    higher-level document that is itself in Vidnova (a ПКВ follows the hromada's strategy)."""
    return plans_visible_to(user).filter(hromada_id=plan.hromada_id).exclude(pk=plan.pk).order_by("-starts_on", "pk")


# --- the plan overview: sections and their state ------------------------------------------------------


class SectionStatus(enum.StrEnum):
    EMPTY = "empty"
    DATA_ONLY = "data_only"  # tables or goal tree filled in, no text yet
    UKRAINIAN_ONLY = "uk_only"
    ENGLISH_ONLY = "en_only"
    BOTH = "both"


SECTION_STATUS_LABELS: dict[SectionStatus, Promise] = {
    SectionStatus.EMPTY: _("empty"),
    SectionStatus.DATA_ONLY: _("data only, no text yet"),
    SectionStatus.UKRAINIAN_ONLY: _("Ukrainian only"),
    SectionStatus.ENGLISH_ONLY: _("English only"),
    SectionStatus.BOTH: _("Ukrainian and English"),
}


@dataclass
class SectionRow:
    section: Section
    spec: SectionSpec
    required: bool
    has_uk: bool  # text in Ukrainian
    has_en: bool  # text in English
    table_rows: int  # rows in the section's tables
    goal_count: int  # goal-tree nodes (the goals section only)
    filled: bool  # as the workflow counts it: Ukrainian text, table rows, or a vision and a strategic goal
    open_comment_count: int

    @property
    def code(self) -> str:
        return self.section.code

    @property
    def title(self) -> str:
        return str(self.section.get_code_display())

    @property
    def status(self) -> SectionStatus:
        if self.has_uk and self.has_en:
            return SectionStatus.BOTH
        if self.has_uk:
            return SectionStatus.UKRAINIAN_ONLY
        if self.has_en:
            return SectionStatus.ENGLISH_ONLY
        if self.table_rows or self.goal_count:
            return SectionStatus.DATA_ONLY
        return SectionStatus.EMPTY

    @property
    def status_label(self) -> str:
        return str(SECTION_STATUS_LABELS[self.status])


def section_overview(version: PlanVersion) -> list[SectionRow]:
    """Every section of ``version`` in document order, with whether it is required for the plan's
    type, which languages have text, how much structured data it holds and its open comment threads.
    Two queries whatever the number of sections."""
    plan_type = version.plan.plan_type
    required = set(catalogue.required_codes(plan_type))
    sections = list(
        Section.objects.filter(plan_version=version)
        .annotate(open_threads=Count("threads", filter=Q(threads__resolved_at__isnull=True)))
        .order_by("position", "pk")
    )
    levels = list(GoalNode.objects.filter(plan_version=version).values_list("level", flat=True))
    tree_complete = GoalLevel.VISION in levels and GoalLevel.STRATEGIC_GOAL in levels
    rows: list[SectionRow] = []
    for section in sections:
        section.plan_version = version
        spec = catalogue.spec_for(section.code)
        table_rows = sum(len(section.tables.get(code) or []) for code in spec.tables)
        goal_count = len(levels) if spec.goal_tree else 0
        has_uk = not text.is_empty(section.body_uk)
        rows.append(
            SectionRow(
                section=section,
                spec=spec,
                required=section.code in required,
                has_uk=has_uk,
                has_en=not text.is_empty(section.body_en),
                table_rows=table_rows,
                goal_count=goal_count,
                filled=has_uk or table_rows > 0 or (spec.goal_tree and tree_complete),
                open_comment_count=getattr(section, "open_threads", 0),
            )
        )
    return rows
