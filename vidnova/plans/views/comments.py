"""Review comment pages: every thread of a plan version grouped by section, one section's threads
with the form to start a new one, and the reply / resolve / reopen actions.

Comments are internal: outsiders and anonymous visitors get 404 even on an adopted plan; hromada
viewers read them and get 403 on every write. Replies, resolving and reopening answer an htmx request
with the thread's partial (the same one the pages include), and otherwise redirect back, so
everything works without JavaScript.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.plans import catalogue, selectors
from vidnova.plans.forms.comments import ReplyForm, ThreadFilterForm, ThreadStartForm
from vidnova.plans.models import CommentThread, Plan, PlanVersion, Section
from vidnova.plans.selectors import comments as comment_selectors
from vidnova.plans.services import comments as services
from vidnova.plans.views.common import load_plan, plan_context

THREADS_PER_PAGE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def _section_of(version: PlanVersion, code: str) -> Section:
    if code not in catalogue.BY_CODE:
        raise Http404
    return get_object_or_404(Section.objects.select_related("plan_version"), plan_version=version, code=code)


def _version_of(plan: Plan, number: int) -> PlanVersion:
    return get_object_or_404(PlanVersion.objects.select_related("plan"), plan=plan, number=number)


def _thread_of(plan: Plan, thread_pk: int) -> CommentThread:
    return get_object_or_404(comment_selectors.thread_detail(thread_pk), section__plan_version__plan=plan)


def _add_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(NON_FIELD_ERRORS, error)


def _return_to(request: HttpRequest, default: str) -> str:
    """Where a form without JavaScript goes back to: the page it was posted from (same site only)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _section_comments_url(plan: Plan, section: Section) -> str:
    return reverse("plans:section-comments", kwargs={"pk": plan.pk, "code": section.code})


def _thread_context(request: HttpRequest, threads: list[CommentThread]) -> dict[str, Any]:
    """What the thread partial needs besides the thread and ``can_comment`` (from ``plan_context``)."""
    return {
        "outdated_quotes": comment_selectors.outdated_quotes(threads),
        "return_to": request.get_full_path(),
    }


def _page_query(**params: Any) -> str:
    """The query string that pagination links put before ``page=``."""
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{query}&" if query else ""


# --- pages ---------------------------------------------------------------------------------------


@require_GET
def plan_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """Every thread of a version (the current one unless ?version=N), grouped by section in document
    order, open first; filtered by ?status=open|resolved|all."""
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    filters = ThreadFilterForm(request.GET)
    status = filters.status_value()
    current = selectors.current_version(plan)
    number = filters.version_number()
    version = current if number in (None, current.number) else _version_of(plan, number)
    is_current = version.pk == current.pk
    context = plan_context(request, plan, version, tab="comments")
    page = Paginator(comment_selectors.version_threads(version, status=status), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    threads = list(page.object_list)
    sections = comment_selectors.version_sections(version)
    open_counts = comment_selectors.open_counts(version)
    context.update(
        {
            "filters": filters,
            "status": status,
            "counts": comment_selectors.status_counts(version),
            "groups": comment_selectors.group_by_section(threads, sections),
            "page": page,
            "query_prefix": _page_query(status=status, version=version.number if not is_current else None),
            "status_links": _status_links(request, version if not is_current else None),
            "is_current_version": is_current,
            "frozen": version.is_frozen,
            "section_rows": [(section, open_counts.get(section.code, 0)) for section in sections],
            **_thread_context(request, threads),
        }
    )
    return render(request, "plans/comment_list.html", context)


def _status_links(request: HttpRequest, version: PlanVersion | None) -> list[tuple[str, str]]:
    base = request.path
    links = []
    for value in ("all", "open", "resolved"):
        params = {"status": value}
        if version is not None:
            params["version"] = str(version.number)
        links.append((value, f"{base}?{urlencode(params)}"))
    return links


@require_http_methods(["GET", "POST"])
def section_comments(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One section's threads (open first) and, for those who may comment on a draft, the form to
    start a new thread with an optional quote."""
    action = Action.COMMENT if request.method == "POST" else Action.VIEW_PRIVATE
    plan = load_plan(request, pk, action)
    version = selectors.current_version(plan)
    section = _section_of(version, code)
    form = ThreadStartForm()
    status = 200
    if request.method == "POST":
        form = ThreadStartForm(request.POST)
        if form.is_valid():
            try:
                thread = services.thread_start(
                    acting_user=request.user,
                    section=section,
                    body=form.cleaned_data["body"],
                    quote=form.cleaned_data["quote"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your comment was posted."))
                return HttpResponseRedirect(f"{_section_comments_url(plan, section)}#thread-{thread.pk}")
        status = 400
    return _section_page(request, plan, version, section, form=form, status=status)


def _section_page(
    request: HttpRequest,
    plan: Plan,
    version: PlanVersion,
    section: Section,
    *,
    form: ThreadStartForm,
    status: int = 200,
) -> HttpResponse:
    context = plan_context(request, plan, version, tab="comments")
    page = Paginator(comment_selectors.section_threads(section), THREADS_PER_PAGE).get_page(request.GET.get("page"))
    threads = list(page.object_list)
    context.update(
        {
            "section": section,
            "spec": catalogue.spec_for(section.code),
            "form": form,
            "threads": threads,
            "page": page,
            "query_prefix": "",
            "counts": comment_selectors.status_counts(version, section=section),
            "frozen": version.is_frozen,
            **_thread_context(request, threads),
        }
    )
    # The form posts back here; after a failed post the page's own address is the GET one.
    context["return_to"] = _section_comments_url(plan, section)
    return render(request, "plans/comment_section.html", context, status=status)


# --- actions on a thread -------------------------------------------------------------------------


def _thread_response(
    request: HttpRequest,
    plan: Plan,
    thread: CommentThread,
    *,
    reply_form: ReplyForm | None = None,
    error: str = "",
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    """The thread's partial (htmx) or, without JavaScript, a page showing just this thread (used
    when a reply could not be posted, so what was typed is not lost)."""
    thread = _thread_of(plan, thread.pk)  # fresh, with its comments
    section = thread.section
    context: dict[str, Any] = {
        "plan": plan,
        "thread": thread,
        "reply_form": reply_form,
        "thread_error": error,
        "thread_notice": notice,
        "frozen": thread.section.plan_version.is_frozen,
        "can_comment": access.can(request.user, Action.COMMENT, plan),
        **_thread_context(request, [thread]),
    }
    context["return_to"] = _return_to(request, f"{_section_comments_url(plan, section)}#thread-{thread.pk}")
    if _is_htmx(request):
        response = render(request, "plans/_partial_comment_thread.html", context)
    else:
        context.update(plan_context(request, plan, thread.section.plan_version, tab="comments"))
        context["section"] = section
        response = render(request, "plans/comment_reply.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back(request: HttpRequest, plan: Plan, thread: CommentThread) -> HttpResponse:
    default = f"{_section_comments_url(plan, thread.section)}#thread-{thread.pk}"
    target = _return_to(request, default)
    if "#" not in target:
        target = f"{target}#thread-{thread.pk}"
    return HttpResponseRedirect(target)


@require_POST
def thread_reply(request: HttpRequest, pk: int, thread_pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.COMMENT)
    thread = _thread_of(plan, thread_pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.comment_reply(acting_user=request.user, thread=thread, body=form.cleaned_data["body"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if _is_htmx(request):
                return _thread_response(request, plan, thread, notice=_("Your reply was posted."))
            messages.success(request, _("Your reply was posted."))
            return _back(request, plan, thread)
    return _thread_response(request, plan, thread, reply_form=form, status=400)


def _state_change(request: HttpRequest, pk: int, thread_pk: int, *, resolve: bool) -> HttpResponse:
    plan = load_plan(request, pk, Action.COMMENT)
    thread = _thread_of(plan, thread_pk)
    service = services.thread_resolve if resolve else services.thread_reopen
    try:
        service(acting_user=request.user, thread=thread)
    except ValidationError as error:
        message = " ".join(error.messages)
        if _is_htmx(request):
            return _thread_response(request, plan, thread, error=message)
        messages.error(request, message)
        return _back(request, plan, thread)
    notice = _("The thread was resolved.") if resolve else _("The thread was reopened.")
    if _is_htmx(request):
        return _thread_response(request, plan, thread, notice=notice)
    messages.success(request, notice)
    return _back(request, plan, thread)


@require_POST
def thread_resolve(request: HttpRequest, pk: int, thread_pk: int) -> HttpResponse:
    return _state_change(request, pk, thread_pk, resolve=True)


@require_POST
def thread_reopen(request: HttpRequest, pk: int, thread_pk: int) -> HttpResponse:
    return _state_change(request, pk, thread_pk, resolve=False)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/comments/", plan_comments, name="plan-comments"),
    path("<int:pk>/sections/<slug:code>/comments/", section_comments, name="section-comments"),
    path("<int:pk>/comments/<int:thread_pk>/reply/", thread_reply, name="thread-reply"),
    path("<int:pk>/comments/<int:thread_pk>/resolve/", thread_resolve, name="thread-resolve"),
    path("<int:pk>/comments/<int:thread_pk>/reopen/", thread_reopen, name="thread-reopen"),
]
