"""The core plan pages: the list, a new plan, the overview, the description, the translation view, the
read-only rendering of a version and the public page of an adopted plan.

Views are thin: parse with a form, call a selector or a service, render. Access is decided by
vidnova.accounts.access (rules in vidnova.plans.rules); private pages load the plan with
``load_plan(..., visible_with=Action.VIEW_PRIVATE)`` so outsiders get 404.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.audit.selectors import history_for
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.plans import catalogue, principles, tables, text
from vidnova.plans.forms.plans import (
    DocumentForm,
    PlanCreateForm,
    PlanEditForm,
    PlanFilterForm,
    content_language,
)
from vidnova.plans.models import GoalNode, HigherLevelDocument, Plan, PlanState, PlanVersion, PrincipleCheck, Section
from vidnova.plans.selectors import plans as selectors
from vidnova.plans.selectors.goals import TreeNode, goal_tree
from vidnova.plans.selectors.translation import translation_report
from vidnova.plans.services import plans as services
from vidnova.plans.views.common import load_plan, plan_context
from vidnova.plans.workflow import workflow_for
from vidnova.registry.models import Hromada

PLANS_PER_PAGE = 25
HISTORY_LIMIT = 15  # the latest changes of the description; the full log is in the administration


# --- helpers -------------------------------------------------------------------------------------


def _url(base: str, params: Mapping[str, Any]) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return f"{base}?{query}" if query else base


def _pagination(page: Page[Any], base: str, params: Mapping[str, str]) -> dict[str, str]:
    """Links to the first, previous, next and last page that keep the filters."""
    links: dict[str, str] = {}
    if page.has_previous():
        links["first"] = _url(base, params)
        links["previous"] = _url(base, {**params, "page": page.previous_page_number()})
    if page.has_next():
        links["next"] = _url(base, {**params, "page": page.next_page_number()})
        links["last"] = _url(base, {**params, "page": page.paginator.num_pages})
    return links


def _add_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    form.add_error(NON_FIELD_ERRORS, error)


def _detail_url(plan: Plan, anchor: str = "") -> str:
    return reverse("plans:plan-detail", kwargs={"pk": plan.pk}) + (f"#{anchor}" if anchor else "")


# --- rendering plan content in one language -------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A text in the content language, or in the other language when it is missing there."""

    value: str | SafeString
    language: str  # the language of ``value``
    fallback: bool  # True: the content language is missing, the other one is shown

    def __str__(self) -> str:
        return str(self.value)


def _present(value: str, *, rich: bool) -> bool:
    return not text.is_empty(value) if rich else bool((value or "").strip())


def pick(uk: str, en: str, language: str, *, rich: bool = False) -> Shown:
    """The text in ``language``; otherwise the other language, marked as a fallback. Rich text is
    sanitised again on the way out (it was on save), so what reaches the page is always the safe subset."""
    first, second = (en, uk) if language == "en" else (uk, en)
    other = "uk" if language == "en" else "en"
    if _present(first, rich=rich):
        chosen, shown_language, fallback = first, language, False
    elif _present(second, rich=rich):
        chosen, shown_language, fallback = second, other, True
    else:
        return Shown("", language, False)
    return Shown(mark_safe(text.sanitize(chosen)) if rich else chosen, shown_language, fallback)  # noqa: S308


def _cell(column: tables.Column, table_code: str, value: str) -> str:
    if not value:
        return ""
    if column.kind == "choice":
        return tables.choice_label(table_code, column.key, value)
    try:
        if column.kind == "integer":
            return number_format(int(value), force_grouping=True)
        if column.kind == "decimal":
            return number_format(decimal.Decimal(value), force_grouping=True)
        if column.kind == "date":
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except (ValueError, decimal.InvalidOperation):
        return value
    return value


@dataclass(frozen=True)
class TableCell:
    value: str
    language: str
    fallback: bool = False
    numeric: bool = False


@dataclass
class RenderedColumn:
    label: str
    numeric: bool


@dataclass
class RenderedTable:
    code: str
    title: str
    columns: list[RenderedColumn]
    rows: list[list[TableCell]]


def _number_or_text(value: str) -> tuple[str, bool]:
    """A free-text cell that holds a plain number is shown as a number (grouped digits)."""
    try:
        number = decimal.Decimal(value.replace(" ", "").replace(",", "."))
    except decimal.InvalidOperation:
        return value, False
    if not number.is_finite():
        return value, False
    return number_format(number, force_grouping=True), True


def render_table(table_code: str, rows: list[dict[str, Any]], language: str) -> RenderedTable:
    """A section's table in ``language``: language-neutral columns, and of each Ukrainian/English pair
    the column of ``language`` (falling back to the other language cell by cell). An English column
    named after a neutral one (``value_en`` beside ``value``) is that cell's English wording: it
    replaces the neutral value in English and is not a column of its own."""
    spec = tables.TABLES[table_code]
    keys = {column.key for column in spec.columns}
    english_of = tables.english_wordings(spec)
    shown: list[tuple[tables.Column, tables.Column | None]] = []  # (column, its counterpart)
    for column in spec.columns:
        if column.key in english_of.values():
            continue
        if not column.language:
            shown.append((column, None))
            continue
        base = column.key.removesuffix(f"_{column.language}")
        counterpart_key = f"{base}_{'en' if column.language == 'uk' else 'uk'}"
        if column.language == language:
            counterpart = spec.column(counterpart_key) if counterpart_key in keys else None
            shown.append((column, counterpart))
        elif counterpart_key not in keys:
            shown.append((column, None))  # no column in the content language: show this one
    rendered_rows: list[list[TableCell]] = []
    for row in rows:
        cells: list[TableCell] = []
        for column, counterpart in shown:
            value = str(row.get(column.key) or "")
            if column.language and counterpart is not None:
                uk_key, en_key = (
                    (column.key, counterpart.key) if column.language == "uk" else (counterpart.key, column.key)
                )
                chosen = pick(str(row.get(uk_key) or ""), str(row.get(en_key) or ""), language)
                cells.append(TableCell(str(chosen.value), chosen.language, chosen.fallback))
            elif column.key in english_of:
                worded, wording = tables.worded_value(spec, row, column.key, language)
                shown_value, numeric = _number_or_text(worded)
                cells.append(TableCell(shown_value, language if numeric else wording, numeric=numeric))
            else:
                cells.append(
                    TableCell(
                        _cell(column, table_code, value),
                        column.language or language,
                        numeric=column.kind in {"integer", "decimal"},
                    )
                )
        rendered_rows.append(cells)
    return RenderedTable(
        code=table_code,
        title=str(spec.title),
        columns=[
            RenderedColumn(label=str(column.label), numeric=column.kind in {"integer", "decimal"})
            for column, _counterpart in shown
        ],
        rows=rendered_rows,
    )


@dataclass
class RenderedSection:
    section: Section
    spec: catalogue.SectionSpec
    title: str
    body: Shown
    tables: list[RenderedTable]
    goal_tree: bool


@dataclass
class RenderedGoal:
    code: str
    level: str
    text: Shown
    tags: list[str]
    children: list[RenderedGoal] = field(default_factory=list)


def _goal(item: TreeNode, language: str) -> RenderedGoal:
    node: GoalNode = item.node
    tags = [
        *(_("SDG %(code)s") % {"code": code} for code in node.sdg_targets),
        *(_("EU acquis chapter %(code)s") % {"code": code} for code in node.acquis_chapters),
        *(_("Charter, Art. %(code)s") % {"code": code} for code in node.charter_articles),
    ]
    return RenderedGoal(
        code=item.code,
        level=str(node.get_level_display()),
        text=pick(node.text_uk, node.text_en, language),
        tags=tags,
        children=[_goal(child, language) for child in item.children],
    )


@dataclass
class RenderedPrinciple:
    label: str
    group: str
    is_met: bool
    justification: Shown


@dataclass
class RenderedVersion:
    version: PlanVersion
    language: str
    summary: Shown
    sections: list[RenderedSection]
    goals: list[RenderedGoal]
    principles: list[RenderedPrinciple]

    @property
    def fallback_count(self) -> int:
        """How many texts are shown in the other language because the content language is missing."""
        count = int(self.summary.fallback)
        for section in self.sections:
            count += int(section.body.fallback)
            count += sum(int(cell.fallback) for table in section.tables for row in table.rows for cell in row)
        count += sum(int(principle.justification.fallback) for principle in self.principles)

        def walk(goals: list[RenderedGoal]) -> int:
            return sum(int(goal.text.fallback) + walk(goal.children) for goal in goals)

        return count + walk(self.goals)


def render_version(version: PlanVersion, language: str) -> RenderedVersion:
    """Everything a reader sees of a version, in ``language`` with fallbacks: four queries."""
    plan = version.described_plan()
    sections: list[RenderedSection] = []
    for section in Section.objects.filter(plan_version=version).order_by("position", "pk"):
        spec = catalogue.spec_for(section.code)
        sections.append(
            RenderedSection(
                section=section,
                spec=spec,
                title=str(section.get_code_display()),
                body=pick(section.body_uk, section.body_en, language, rich=True),
                tables=[
                    render_table(code, section.tables.get(code) or [], language)
                    for code in spec.tables
                    if section.tables.get(code)
                ],
                goal_tree=spec.goal_tree,
            )
        )
    rendered_principles = []
    for check in PrincipleCheck.objects.filter(plan_version=version).order_by("pk"):
        principle = principles.BY_CODE.get(check.principle)
        rendered_principles.append(
            RenderedPrinciple(
                label=str(principle.label) if principle else check.principle,
                group=str(principles.GROUP_LABELS.get(principle.group, "")) if principle else "",
                is_met=check.is_met,
                justification=pick(check.justification_uk, check.justification_en, language),
            )
        )
    return RenderedVersion(
        version=version,
        language=language,
        summary=pick(plan.summary_uk, plan.summary_en, language),
        sections=sections,
        goals=[_goal(item, language) for item in goal_tree(version)],
        principles=rendered_principles,
    )


def interface_summary(plan: Plan) -> Shown:
    """The plan's summary in the interface language (Dutch too, where written), else another one."""
    language = (get_language() or "uk")[:2]
    if language == "nl" and plan.summary_nl.strip():
        return Shown(plan.summary_nl, "nl", False)
    chosen = pick(plan.summary_uk, plan.summary_en, "uk" if language == "uk" else "en")
    return Shown(chosen.value, chosen.language, bool(chosen.value) and chosen.language != language)


def _language_links(request: HttpRequest, language: str) -> list[dict[str, Any]]:
    """The content-language switch: the same page with ``?content=uk`` or ``?content=en``."""
    labels = {"uk": "Українська", "en": "English"}
    return [
        {"code": code, "label": label, "url": _url(request.path, {"content": code}), "current": code == language}
        for code, label in labels.items()
    ]


# --- the plan list -------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """Every plan the visitor may open (adopted plans for everyone), filtered and paginated."""
    base = reverse("plans:plan-list")
    form = PlanFilterForm(request.GET or None)
    filters = form.to_filter()
    params = form.query_params()
    page = Paginator(selectors.plan_list(request.user, filters), PLANS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"plan": plan, "insider": access.can(request.user, Action.VIEW_PRIVATE, plan)} for plan in page.object_list]
    hromada = Hromada.objects.filter(katottg=filters.hromada).first() if filters.hromada else None
    if hromada is not None:
        can_create = access.can(request.user, Action.EDIT, hromada)
    else:
        can_create = selectors.hromadas_for_new_plan(request.user).exists()
    create_url = reverse("plans:plan-create")
    context: dict[str, Any] = {
        "nav": "plans",
        "form": form,
        "page_obj": page,
        "rows": rows,
        "pages": _pagination(page, base, params),
        "filtered": bool(params),
        "hromada": hromada,
        "can_create": can_create,
        "create_url": _url(create_url, {"hromada": hromada.katottg}) if hromada is not None else create_url,
    }
    return render(request, "plans/plan_list.html", context)


# --- a new plan ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new plan for the hromada named in ``?hromada=`` (404 for whoever may not see its private
    pages, 403 for its viewers) or for one the person chooses among those they may start plans for."""
    katottg = request.GET.get("hromada", "").strip()
    hromada: Hromada | None = None
    if katottg:
        hromada = access.get_for_user(
            request.user,
            Hromada.objects.select_related("oblast"),
            Action.EDIT,
            visible_with=Action.VIEW_PRIVATE,
            katottg=katottg,
        )
        hromadas = Hromada.objects.filter(pk=hromada.pk)
        programmes = selectors.programmes_of_hromada(hromada)
    else:
        hromadas = selectors.hromadas_for_new_plan(request.user)
        if not hromadas.exists():
            raise PermissionDenied
        programmes = selectors.programmes_of_hromadas(hromadas)
    form = PlanCreateForm(
        request.POST if request.method == "POST" else None, hromada=hromada, hromadas=hromadas, programmes=programmes
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    acting_user=request.user,
                    hromada=form.chosen_hromada(),
                    plan_type=data["plan_type"],
                    title_uk=data["title_uk"],
                    title_en=data["title_en"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    programme=data["programme"],
                    original_language=data["original_language"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The plan was created. Start with its sections."))
                return HttpResponseRedirect(_detail_url(plan))
    context = {
        "nav": "plans",
        "form": form,
        "hromada": hromada,
        "action_url": _url(reverse("plans:plan-create"), {"hromada": hromada.katottg if hromada else ""}),
    }
    return render(request, "plans/plan_create.html", context, status=status)


# --- the overview --------------------------------------------------------------------------------


def _next_steps(plan: Plan) -> list[str]:
    """The forward transitions from the plan's state, as labels (the workflow page says whether they
    can be taken now and by whom)."""
    workflow = workflow_for(plan.plan_type)
    return [
        transition.display_label() for transition in workflow.transitions_from(plan.state) if not transition.is_return
    ]


def _stages(plan: Plan) -> list[dict[str, Any]]:
    workflow = workflow_for(plan.plan_type)
    states = [state for state in workflow.states if state != PlanState.AMENDMENT]
    current = plan.state
    index = states.index(current) if current in states else None  # type: ignore[arg-type]
    return [
        {
            "label": str(state.label),
            "current": state == current,
            "done": index is not None and position < index,
        }
        for position, state in enumerate(states)
    ]


def _detail_page(
    request: HttpRequest, plan: Plan, *, document_form: DocumentForm | None = None, status: int = 200
) -> HttpResponse:
    context = plan_context(request, plan, tab="overview")
    version: PlanVersion = context["version"]
    version.plan = plan
    user = request.user
    rows = selectors.section_overview(version)
    locked_reason = services.description_locked_reason(plan, version)
    can_edit_description = access.can(user, Action.EDIT, plan) and locked_reason is None
    if can_edit_description and document_form is None:
        document_form = DocumentForm(plans=selectors.linkable_plans(user, plan))
    documents = list(plan.higher_level_documents.select_related("linked_plan", "linked_plan__public_version"))
    report = translation_report(version)
    required = [row for row in rows if row.required]
    context.update(
        {
            "rows": rows,
            "summary": interface_summary(plan),
            "required_count": len(required),
            "required_filled": sum(1 for row in required if row.filled),
            "documents": [
                {
                    "document": document,
                    "linked_visible": document.linked_plan is not None
                    and access.can(user, Action.VIEW, document.linked_plan),
                }
                for document in documents
            ],
            "document_form": document_form if can_edit_description else None,
            "can_edit_description": can_edit_description,
            "locked_reason": locked_reason if access.can(user, Action.EDIT, plan) else None,
            "versions": selectors.versions_visible_to(user, plan),
            "stages": _stages(plan),
            "amendment_open": plan.state == PlanState.AMENDMENT,
            "next_steps": _next_steps(plan),
            "translation_percent": report.percent,
            "history": history_for(plan)[:HISTORY_LIMIT],
        }
    )
    return render(request, "plans/plan_detail.html", context, status=status)


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The overview for insiders; everyone else is sent to the public page of an adopted plan (and
    gets 404 for a plan that is not public)."""
    plan = load_plan(request, pk, Action.VIEW, visible_with=Action.VIEW)
    if not access.can(request.user, Action.VIEW_PRIVATE, plan):
        return redirect("plans:plan-public", pk=plan.pk)
    return _detail_page(request, plan)


# --- the description -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.EDIT)
    locked_reason = services.description_locked_reason(plan)
    if request.method != "POST":
        form = PlanEditForm(initial=PlanEditForm.initial_for(plan), plan=plan)
        return _edit_page(request, plan, form, locked_reason=locked_reason)

    form = PlanEditForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.plan_update(
                acting_user=request.user,
                plan=plan,
                expected_version=data["version"],
                title_uk=data["title_uk"],
                title_en=data["title_en"],
                summary_uk=data["summary_uk"],
                summary_en=data["summary_en"],
                summary_nl=data["summary_nl"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                programme=data["programme"],
                original_language=data["original_language"],
            )
        except EditConflict:
            # Someone saved in between: show what they saved, keep what this person typed, and let them
            # save again on top of the new version once they have compared the two.
            current = load_plan(request, pk, Action.EDIT)
            post = request.POST.copy()
            post["version"] = str(current.version)
            form = PlanEditForm(post, plan=current)
            form.is_valid()
            return _edit_page(request, current, form, conflict=current, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The description of the plan was saved."))
            return HttpResponseRedirect(_detail_url(saved))
    return _edit_page(request, plan, form, locked_reason=services.description_locked_reason(plan), status=400)


def _edit_page(
    request: HttpRequest,
    plan: Plan,
    form: PlanEditForm,
    *,
    conflict: Plan | None = None,
    locked_reason: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context = plan_context(request, plan, tab="overview")
    context.update({"form": form, "conflict": conflict, "locked_reason": locked_reason})
    return render(request, "plans/plan_edit.html", context, status=status)


# --- higher-level documents ------------------------------------------------------------------------


@require_POST
@login_required
def document_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.EDIT)
    form = DocumentForm(request.POST, plans=selectors.linkable_plans(request.user, plan))
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_add(
                acting_user=request.user,
                plan=plan,
                document_type=data["document_type"],
                title=data["title"],
                reference=data["reference"],
                url=data["url"],
                linked_plan=data["linked_plan"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("“%(title)s” was added to the documents the plan follows.") % {"title": document.title}
            )
            return HttpResponseRedirect(_detail_url(plan, "documents"))
    return _detail_page(request, plan, document_form=form, status=400)


@require_POST
@login_required
def document_remove(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.EDIT)
    document = get_object_or_404(HigherLevelDocument.objects.select_related("plan"), pk=document_pk, plan=plan)
    try:
        services.document_remove(acting_user=request.user, document=document)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("“%(title)s” was removed from the documents the plan follows.") % {"title": document.title}
        )
    return HttpResponseRedirect(_detail_url(plan, "documents"))


# --- translation ---------------------------------------------------------------------------------


@require_GET
def plan_translation(request: HttpRequest, pk: int) -> HttpResponse:
    """Ukrainian and English side by side for the working version, missing texts highlighted;
    ``?missing=1`` shows only what still needs translating."""
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    context = plan_context(request, plan, tab="translation")
    version: PlanVersion = context["version"]
    version.plan = plan
    report = translation_report(version)
    only_missing = request.GET.get("missing") == "1"
    groups = [
        {
            "group": group,
            "rendered": [
                {
                    "pair": pair,
                    "uk": mark_safe(text.sanitize(pair.uk)) if pair.rich else pair.uk,  # noqa: S308
                    "en": mark_safe(text.sanitize(pair.en)) if pair.rich else pair.en,  # noqa: S308
                }
                for pair in (group.incomplete_pairs if only_missing else group.pairs)
            ],
        }
        for group in report.groups
    ]
    context.update(
        {
            "report": report,
            "groups": groups,
            "only_missing": only_missing,
            "all_url": request.path,
            "missing_url": _url(request.path, {"missing": "1"}),
        }
    )
    return render(request, "plans/translation.html", context)


# --- a version, read-only ------------------------------------------------------------------------


@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Any version as a reader sees it. Insiders may open every version; everyone else only adopted
    ones (the rules make an adopted version public)."""
    plan = load_plan(request, pk, Action.VIEW, visible_with=Action.VIEW)
    try:
        version = plan.versions.get(number=number)
    except PlanVersion.DoesNotExist:
        raise Http404 from None
    version.plan = plan
    access.require(request.user, Action.VIEW, version)
    language = content_language(request.GET.get("content"), get_language() or "uk")
    context = plan_context(request, plan, version, tab="versions")
    rendered = render_version(version, language)
    context.update(
        {
            "rendered": rendered,
            "content_language": language,
            "language_links": _language_links(request, language),
            "is_current": version.number == selectors.current_version(plan).number,
            "is_public_version": plan.public_version_id == version.pk,
        }
    )
    return render(request, "plans/version_detail.html", context)


# --- the public page -----------------------------------------------------------------------------


@require_GET
def plan_public(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest adopted version, for anyone, without login, in Ukrainian or English (``?content=``),
    with Ukrainian where English is missing. No comments, drafts, history or people."""
    plan = load_plan(request, pk, Action.VIEW, visible_with=Action.VIEW)
    version = plan.public_version
    if version is None:
        raise Http404
    version.plan = plan
    plan = version.described_plan(plan)  # the title and period as adopted
    language = content_language(request.GET.get("content"), get_language() or "uk")
    rendered = render_version(version, language)
    documents = [
        {
            "document": document,
            "linked_public": document.linked_plan is not None and document.linked_plan.public_version_id is not None,
        }
        for document in plan.higher_level_documents.select_related("linked_plan")
    ]
    context = {
        "nav": "plans",
        "plan": plan,
        "version": version,
        "rendered": rendered,
        "title": pick(plan.title_uk, plan.title_en, language),
        "content_language": language,
        "language_links": _language_links(request, language),
        "documents": documents,
        "can_view_private": access.can(request.user, Action.VIEW_PRIVATE, plan),
    }
    return render(request, "plans/public_plan.html", context)


urlpatterns: list[URLPattern] = [
    path("", plan_list, name="plan-list"),
    path("new/", plan_create, name="plan-create"),
    path("<int:pk>/", plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", plan_edit, name="plan-edit"),
    path("<int:pk>/documents/", document_add, name="plan-document-add"),
    path("<int:pk>/documents/<int:document_pk>/remove/", document_remove, name="plan-document-remove"),
    path("<int:pk>/translation/", plan_translation, name="plan-translation"),
    path("<int:pk>/versions/<int:number>/", version_detail, name="version-detail"),
    path("<int:pk>/public/", plan_public, name="plan-public"),
]
