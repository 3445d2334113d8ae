"""The goal-tree pages: the numbered tree of a version, adding, editing, deleting and moving items.

Everything works with plain forms; goals.js adds filtering of the tag pickers, drag and drop and
Alt+Arrow keys, posting to the same move and reorder views, which then answer with the re-rendered
tree (``goal_tree_list.html``) instead of a redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.plans import selectors
from vidnova.plans.forms.goals import GoalForm, GoalMoveForm, GoalReorderForm
from vidnova.plans.models import GoalLevel, GoalNode, Plan, PlanVersion
from vidnova.plans.selectors.goals import find, goal_tree, level_counts, tag_overview
from vidnova.plans.services import goals as services
from vidnova.plans.views.common import load_plan, plan_context
from vidnova.plans.workflow import workflow_for

PARTIAL_HEADER = "X-Goal-Tree"  # goals.js asks for the re-rendered tree instead of a redirect


def _wants_partial(request: HttpRequest) -> bool:
    return request.headers.get(PARTIAL_HEADER) == "partial"


def _version(plan: Plan, number: str | None) -> PlanVersion:
    """The version asked for with ?version=<n>, or the one being worked on."""
    if number in (None, ""):
        return selectors.current_version(plan)
    try:
        return plan.versions.select_related("plan").get(number=int(str(number)))
    except (ValueError, PlanVersion.DoesNotExist):
        raise Http404 from None


def _node(plan: Plan, node_id: int) -> GoalNode:
    """An item of one of the plan's versions (404 for anything else)."""
    node = GoalNode.objects.select_related("plan_version", "parent").filter(pk=node_id, plan_version__plan=plan).first()
    if node is None:
        raise Http404
    node.plan_version.plan = plan
    return node


def _tree_url(plan: Plan, version: PlanVersion, anchor: str = "") -> str:
    url = reverse("plans:goal-tree", kwargs={"pk": plan.pk})
    if version.number != selectors.current_version(plan).number:
        url += f"?version={version.number}"
    return url + (f"#{anchor}" if anchor else "")


def _not_editable_reason(plan: Plan) -> str | None:
    if workflow_for(plan.plan_type).is_editable(plan.state):
        return None
    return _(
        "The plan is at the stage “%(state)s”, so its goal tree can no longer be changed. "
        "Start an amendment to change it."
    ) % {"state": plan.get_state_display()}


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(NON_FIELD_ERRORS, error)


# --- the tree ------------------------------------------------------------------------------------


def _tree_context(request: HttpRequest, plan: Plan, version: PlanVersion) -> dict[str, Any]:
    context = plan_context(request, plan, version, tab="goals")
    tree = goal_tree(version)
    has_vision = any(item.node.level == GoalLevel.VISION for item in tree)
    vision = next((item.node for item in tree if item.node.level == GoalLevel.VISION), None)
    versions = list(plan.versions.order_by("-number").only("pk", "number", "adopted_at", "plan_id"))
    context.update(
        {
            "tree": tree,
            "counts": level_counts(tree),
            "overview": tag_overview(tree),
            "has_vision": has_vision,
            "vision": vision,
            "versions": versions,
            "is_current": version.number == versions[0].number,
            "not_editable_reason": _not_editable_reason(plan),
            "child_level": services.CHILD_LEVEL,
        }
    )
    return context


@require_GET
def goal_tree_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    version = _version(plan, request.GET.get("version"))
    context = _tree_context(request, plan, version)
    if _wants_partial(request):
        return render(request, "plans/goal_tree_list.html", context)
    return render(request, "plans/goal_tree.html", context)


# --- adding, editing, deleting -------------------------------------------------------------------


def _levels_for(parent: GoalNode | None, version: PlanVersion) -> list[str]:
    if parent is not None:
        level = services.CHILD_LEVEL.get(parent.level)
        return [level] if level else []
    if GoalNode.objects.filter(plan_version=version, level=GoalLevel.VISION).exists():
        return [GoalLevel.STRATEGIC_GOAL]
    return [GoalLevel.VISION, GoalLevel.STRATEGIC_GOAL]


def _form_page(
    request: HttpRequest,
    plan: Plan,
    version: PlanVersion,
    form: GoalForm,
    *,
    node: GoalNode | None = None,
    parent: GoalNode | None = None,
    conflict: GoalNode | None = None,
    status: int = 200,
) -> HttpResponse:
    context = plan_context(request, plan, version, tab="goals")
    tree = goal_tree(version)
    context.update(
        {
            "form": form,
            "pickers": form.pickers(),
            "node": node,
            "item": find(tree, node.pk) if node is not None else None,
            "parent": parent,
            "parent_item": find(tree, parent.pk) if parent is not None else None,
            "conflict": conflict,
            "conflict_item": find(tree, conflict.pk) if conflict is not None else None,
            "tree_url": _tree_url(plan, version, f"goal-{node.pk}" if node else ""),
        }
    )
    return render(request, "plans/goal_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def goal_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    version = selectors.current_version(plan)
    access.require(request.user, Action.EDIT, version, visible_with=Action.VIEW_PRIVATE)
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    parent = _node(plan, int(parent_id)) if parent_id and str(parent_id).isdigit() else None
    if parent is not None and parent.plan_version_id != version.pk:
        raise Http404
    if (reason := _not_editable_reason(plan)) is not None:
        messages.error(request, reason)
        return HttpResponseRedirect(_tree_url(plan, version))
    levels = _levels_for(parent, version)
    if not levels:
        messages.error(request, _("Tasks are the last level of the tree: nothing goes under a task."))
        return HttpResponseRedirect(_tree_url(plan, version, f"goal-{parent.pk}" if parent else ""))
    if request.method != "POST":
        form = GoalForm(levels=levels, initial={"level": levels[0]})
        return _form_page(request, plan, version, form, parent=parent)
    form = GoalForm(request.POST, levels=levels)
    if form.is_valid():
        data = form.cleaned_data
        try:
            node = services.goal_create(
                acting_user=request.user,
                version=version,
                parent=parent,
                level=data["level"],
                text_uk=data["text_uk"],
                text_en=data["text_en"],
                sdg_targets=data["sdg_targets"],
                acquis_chapters=data["acquis_chapters"],
                charter_articles=data["charter_articles"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The item was added."))
            if "add_another" in request.POST:
                url = reverse("plans:goal-create", kwargs={"pk": plan.pk})
                return HttpResponseRedirect(url + (f"?parent={parent.pk}" if parent else ""))
            return HttpResponseRedirect(_tree_url(plan, version, f"goal-{node.pk}"))
    return _form_page(request, plan, version, form, parent=parent, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def goal_edit(request: AuthenticatedHttpRequest, pk: int, node_id: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    node = _node(plan, node_id)
    access.require(request.user, Action.EDIT, node, visible_with=Action.VIEW_PRIVATE)
    version = node.plan_version
    if (reason := _not_editable_reason(plan)) is not None:
        messages.error(request, reason)
        return HttpResponseRedirect(_tree_url(plan, version, f"goal-{node.pk}"))
    if request.method != "POST":
        form = GoalForm(initial=GoalForm.initial_for(node), editing=True)
        return _form_page(request, plan, version, form, node=node)
    form = GoalForm(request.POST, editing=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_update(
                acting_user=request.user,
                node=node,
                expected_version=data["version"],
                text_uk=data["text_uk"],
                text_en=data["text_en"],
                sdg_targets=data["sdg_targets"],
                acquis_chapters=data["acquis_chapters"],
                charter_articles=data["charter_articles"],
            )
        except EditConflict:
            # Someone saved in between: show what they saved, keep what this person typed.
            conflict = _node(plan, node.pk)
            post = request.POST.copy()
            post["version"] = str(conflict.version)
            form = GoalForm(post, editing=True)
            form.is_valid()
            return _form_page(request, plan, version, form, node=conflict, conflict=conflict, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The item was saved."))
            return HttpResponseRedirect(_tree_url(plan, version, f"goal-{node.pk}"))
    return _form_page(request, plan, version, form, node=node, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def goal_delete(request: AuthenticatedHttpRequest, pk: int, node_id: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    node = _node(plan, node_id)
    access.require(request.user, Action.EDIT, node, visible_with=Action.VIEW_PRIVATE)
    version = node.plan_version
    if request.method == "POST":
        try:
            services.goal_delete(acting_user=request.user, node=node)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(_tree_url(plan, version, f"goal-{node.pk}"))
        messages.success(request, _("The item was deleted; the numbers of the items after it have moved up."))
        return HttpResponseRedirect(_tree_url(plan, version))
    tree = goal_tree(version)
    item = find(tree, node.pk)
    context = plan_context(request, plan, version, tab="goals")
    context.update(
        {
            "node": node,
            "item": item,
            "child_count": len(item.children) if item else 0,
            "not_editable_reason": _not_editable_reason(plan),
            "tree_url": _tree_url(plan, version, f"goal-{node.pk}"),
        }
    )
    return render(request, "plans/goal_delete.html", context)


# --- moving --------------------------------------------------------------------------------------


def _moved_response(request: HttpRequest, plan: Plan, version: PlanVersion, anchor: str) -> HttpResponse:
    if _wants_partial(request):
        return render(request, "plans/goal_tree_list.html", _tree_context(request, plan, version))
    return HttpResponseRedirect(_tree_url(plan, version, anchor))


def _refused(
    request: HttpRequest, plan: Plan, version: PlanVersion, error: ValidationError, anchor: str
) -> HttpResponse:
    text = " ".join(error.messages)
    if _wants_partial(request):
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    messages.error(request, text)
    return HttpResponseRedirect(_tree_url(plan, version, anchor))


@require_POST
@login_required
def goal_move(request: AuthenticatedHttpRequest, pk: int, node_id: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    node = _node(plan, node_id)
    access.require(request.user, Action.EDIT, node, visible_with=Action.VIEW_PRIVATE)
    version = node.plan_version
    form = GoalMoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, plan, version, ValidationError(_("Move an item up or down.")), f"goal-{node.pk}")
    try:
        services.goal_move(acting_user=request.user, node=node, direction=form.cleaned_data["direction"])
    except ValidationError as error:
        return _refused(request, plan, version, error, f"goal-{node.pk}")
    return _moved_response(request, plan, version, f"goal-{node.pk}")


@require_POST
@login_required
def goal_reorder(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    version = _version(plan, request.POST.get("version"))
    access.require(request.user, Action.EDIT, version, visible_with=Action.VIEW_PRIVATE)
    form = GoalReorderForm(request.POST)
    if not form.is_valid():
        return _refused(request, plan, version, ValidationError(_("The new order could not be read.")), "")
    parent_id = form.cleaned_data["parent"]
    parent = _node(plan, parent_id) if parent_id else None
    if parent is not None and parent.plan_version_id != version.pk:
        raise Http404
    try:
        services.goal_reorder(
            acting_user=request.user, parent=parent, ordered_ids=form.cleaned_data["order"], version=version
        )
    except ValidationError as error:
        return _refused(request, plan, version, error, "")
    return _moved_response(request, plan, version, f"goal-{parent.pk}" if parent else "")


urlpatterns = [
    path("<int:pk>/goals/", goal_tree_page, name="goal-tree"),
    path("<int:pk>/goals/new/", goal_create, name="goal-create"),
    path("<int:pk>/goals/reorder/", goal_reorder, name="goal-reorder"),
    path("<int:pk>/goals/<int:node_id>/edit/", goal_edit, name="goal-edit"),
    path("<int:pk>/goals/<int:node_id>/delete/", goal_delete, name="goal-delete"),
    path("<int:pk>/goals/<int:node_id>/move/", goal_move, name="goal-move"),
]
