"""Section pages: read a section, edit its text (with autosave and a side-by-side merge when someone
saved in between), edit its tables, insert registry figures and needs-assessment results, browse and restore its history, and
compare two versions of a plan.

Everything works without JavaScript; static/plans/sections.js adds the formatting toolbar, keeps the
typed text in the browser and autosaves it to the server.

Every page is private (``VIEW_PRIVATE``): outsiders get 404; signed-out visitors are sent to sign in
first, so a hromada officer whose session expired comes back to the page instead of a dead end.
Writes need ``EDIT`` on the section, which an adopted version refuses (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.accounts.models import User
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.plans import catalogue, tables, text
from vidnova.plans.forms.sections import (
    ADD_ROWS,
    MAX_GRID_ROWS,
    DraftForm,
    RevisionCompareForm,
    SectionTextForm,
    TableGridForm,
    VersionCompareForm,
    VersionForm,
)
from vidnova.plans.models import Plan, PlanVersion, Section, SectionCode, SectionRevision
from vidnova.plans.selectors import compare
from vidnova.plans.selectors import sections as selectors
from vidnova.plans.selectors.plans import current_version
from vidnova.plans.services import sections as services
from vidnova.plans.views.common import load_plan, plan_context

REVISIONS_PER_PAGE = 20


# --- loading ----------------------------------------------------------------------------------


@dataclass
class Loaded:
    plan: Plan
    version: PlanVersion
    section: Section
    is_current: bool


def _version_of(request: HttpRequest, plan: Plan) -> tuple[PlanVersion, bool]:
    """The version named by ``?version=<number>``, or the one being worked on."""
    current = current_version(plan)
    raw = request.GET.get("version", "")
    if not raw or raw == str(current.number):
        return current, True
    try:
        version = plan.versions.select_related("plan").get(number=int(raw))
    except (ValueError, PlanVersion.DoesNotExist):
        raise Http404 from None
    return version, False


def _load(request: HttpRequest, pk: int, code: str, action: Action = Action.VIEW_PRIVATE) -> Loaded:
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    version, is_current = _version_of(request, plan)
    section = selectors.section_of(version, code)
    if section is None:
        raise Http404
    if action != Action.VIEW_PRIVATE:
        # An adopted version refuses EDIT whoever asks (403); viewers and experts may not edit (403).
        access.require(request.user, action, section, visible_with=Action.VIEW_PRIVATE)
    return Loaded(plan=plan, version=version, section=section, is_current=is_current)


def _load_for_edit(request: HttpRequest, pk: int, code: str) -> tuple[Loaded, dict[str, Any]]:
    loaded = _load(request, pk, code, Action.EDIT)
    context = _context(request, loaded)
    if not context["can_edit"]:
        raise PermissionDenied(_("This plan cannot be edited at its current stage."))
    return loaded, context


def _url(
    name: str, loaded: Loaded, *, query: dict[str, Any] | None = None, code: str | None = None, **kwargs: Any
) -> str:
    """A section page's address (of ``code``, default the loaded section), naming the version unless
    it is the current one."""
    url = reverse(f"plans:{name}", kwargs={"pk": loaded.plan.pk, "code": code or loaded.section.code, **kwargs})
    params = dict(query or {})
    if not loaded.is_current:
        params = {"version": loaded.version.number, **params}
    return f"{url}?{urlencode(params)}" if params else url


def _context(request: HttpRequest, loaded: Loaded) -> dict[str, Any]:
    spec = catalogue.spec_for(loaded.section.code)
    context = plan_context(request, loaded.plan, loaded.version, tab="overview")
    context.update(
        {
            "section": loaded.section,
            "spec": spec,
            "is_required": loaded.plan.plan_type in spec.required_for,
            "is_current": loaded.is_current,
            "detail_url": _url("section-detail", loaded),
            "edit_url": _url("section-edit", loaded),
            "history_url": _url("section-history", loaded),
            "restore_draft_url": _url("section-edit", loaded, query={"draft": "restore"}),
        }
    )
    return context


def _sanitised(rich: str) -> SafeString:
    # Stored text was sanitised on save; sanitising again on display costs little and guards any
    # text that reached the database another way.
    return mark_safe(text.sanitize(rich))  # noqa: S308 - nh3 output, the safe subset only


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(NON_FIELD_ERRORS, error)


# --- reading ----------------------------------------------------------------------------------


@require_GET
@login_required
def section_detail(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    loaded = _load(request, pk, code)
    section = loaded.section
    context = _context(request, loaded)
    codes = list(
        Section.objects.filter(plan_version=loaded.version).order_by("position").values_list("code", flat=True)
    )
    index = codes.index(section.code)

    def neighbour(position: int) -> dict[str, str] | None:
        if not 0 <= position < len(codes):
            return None
        code = codes[position]
        return {"url": _url("section-detail", loaded, code=code), "title": str(SectionCode(code).label)}

    can_edit = context["can_edit"]
    context.update(
        {
            "body_uk": _sanitised(section.body_uk),
            "body_en": _sanitised(section.body_en),
            "table_blocks": [
                {"table": view, "edit_url": _url("section-table-edit", loaded, table=view.code)}
                for view in selectors.table_views(section)
            ],
            "previous_section": neighbour(index - 1),
            "next_section": neighbour(index + 1),
            "pending": selectors.pending_draft(section, request.user) if can_edit else None,
            "revision_count": section.revisions.count(),
            "registry_rows": services.registry_profile_rows(loaded.plan.hromada)
            if can_edit and context["spec"].registry_profile
            else [],
            "version_form": VersionForm(initial={"version": section.version}),
            "registry_url": _url("section-registry-profile", loaded),
            "needs_insert": _needs_insert(request, loaded) if can_edit and section.code == SectionCode.NEEDS else None,
        }
    )
    return render(request, "plans/section_detail.html", context)


def _needs_insert(request: HttpRequest, loaded: Loaded) -> dict[str, Any]:
    """What the "insert needs-assessment results" card shows: the results to insert, or why there are none."""
    hromada = loaded.plan.hromada
    results = services.needs_assessment_results(hromada, request.user)
    return {
        "results": results,
        "reason": "" if results is not None else services.needs_assessment_unavailable(hromada),
        "url": _url("section-needs-assessment", loaded),
    }


# --- editing the text -------------------------------------------------------------------------


@dataclass
class LanguageConflict:
    """One language of a conflict: the saved text, the typed text, and what the merge box proposes."""

    language: str
    label: str
    theirs: str
    yours: str
    proposed: str
    both_changed: bool  # they and you both changed this language since you opened the page
    diff: compare.TextDiff  # from theirs to yours


def _conflict(section: Section, expected_version: int, yours: dict[str, str]) -> list[LanguageConflict]:
    """Compare the saved text with the typed one, using the revision the person started from.

    Where only one side changed a language, the merge box proposes that side; where both did, it
    proposes the typed text, to be merged by hand with the saved text beside it.
    """
    base = selectors.section_state_at(section, expected_version)
    labels = {"uk": _("Ukrainian"), "en": _("English")}
    result: list[LanguageConflict] = []
    for language, field in compare.LANGUAGES:
        theirs = getattr(section, field)
        typed = yours[field]
        try:
            typed_clean = services.clean_bodies(body_uk=typed, body_en="")["body_uk"]
        except ValidationError:
            typed_clean = typed
        base_text = getattr(base, field) if base is not None else None
        if typed_clean == theirs:
            proposed, both = typed, False
        elif base_text is not None and typed_clean == base_text:
            proposed, both = theirs, False  # only they changed it: take theirs
        elif base_text is not None and theirs == base_text:
            proposed, both = typed, False  # only you changed it
        else:
            proposed, both = typed, True
        result.append(
            LanguageConflict(
                language=language,
                label=labels[language],
                theirs=theirs,
                yours=typed,
                proposed=proposed,
                both_changed=both,
                diff=compare.text_diff(theirs, typed_clean, language=language, context=None),
            )
        )
    return result


def _text_untouched_since(section: Section, expected_version: int) -> bool:
    """Did the saves since ``expected_version`` leave the text alone (only tables changed)?"""
    base = selectors.section_state_at(section, expected_version)
    return base is not None and (base.body_uk, base.body_en) == (section.body_uk, section.body_en)


def _edit_page(
    request: HttpRequest,
    loaded: Loaded,
    context: dict[str, Any],
    form: SectionTextForm,
    *,
    status: int = 200,
    conflict: list[LanguageConflict] | None = None,
    preview: dict[str, SafeString] | None = None,
    not_saved: bool = False,
    fresh: bool = False,
) -> HttpResponse:
    section = loaded.section
    context.update(
        {
            "form": form,
            "conflict": conflict,
            "conflict_author": section.updated_by,
            "preview": preview,
            # The typed text is still not part of the plan: the script keeps its copy in the browser.
            "not_saved": not_saved or preview is not None,
            # Offered only on a fresh form: not when the text on the page is already the person's own.
            "pending": selectors.pending_draft(section, request.user) if fresh and conflict is None else None,
            "autosave_url": _url("section-autosave", loaded),
            "discard_url": _url("section-draft-discard", loaded),
        }
    )
    return render(request, "plans/section_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    loaded, context = _load_for_edit(request, pk, code)
    section = loaded.section
    if request.method != "POST":
        initial = {"body_uk": section.body_uk, "body_en": section.body_en, "version": section.version}
        pending = selectors.pending_draft(section, request.user)
        restoring = request.GET.get("draft") == "restore" and pending is not None
        if restoring and pending is not None:
            # The draft's own starting version: if someone saved since, saving it leads to the merge.
            draft = pending.draft
            initial = {"body_uk": draft.body_uk, "body_en": draft.body_en, "version": draft.based_on_version}
            messages.info(request, _("Your unsaved text was put back in the form. It is not saved until you save it."))
        return _edit_page(request, loaded, context, SectionTextForm(initial=initial), fresh=not restoring)

    form = SectionTextForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, loaded, context, form, status=400)
    data = form.cleaned_data
    if "keep_draft" in request.POST:
        return _keep_draft(request, loaded, context, form)
    if "preview" in request.POST:
        try:
            cleaned = services.clean_bodies(body_uk=data["body_uk"], body_en=data["body_en"])
        except ValidationError as error:
            _add_errors(form, error)
            return _edit_page(request, loaded, context, form, status=400)
        preview = {"uk": _sanitised(cleaned["body_uk"]), "en": _sanitised(cleaned["body_en"])}
        return _edit_page(request, loaded, context, form, preview=preview)
    expected = data["version"]
    try:
        try:
            saved = services.section_save(
                acting_user=request.user,
                section=section,
                expected_version=expected,
                body_uk=data["body_uk"],
                body_en=data["body_en"],
            )
        except EditConflict:
            section.refresh_from_db()
            if not _text_untouched_since(section, expected):
                raise
            # Only the tables changed since this person opened the page: their text applies as typed.
            saved = services.section_save(
                acting_user=request.user,
                section=section,
                expected_version=section.version,
                body_uk=data["body_uk"],
                body_en=data["body_en"],
            )
    except EditConflict:
        section.refresh_from_db()
        yours = {"body_uk": data["body_uk"], "body_en": data["body_en"]}
        conflict = _conflict(section, expected, yours)
        merge = SectionTextForm(
            initial={
                "body_uk": conflict[0].proposed,
                "body_en": conflict[1].proposed,
                "version": section.version,  # the next save applies on top of what is saved now
            }
        )
        context["section"] = section
        return _edit_page(request, loaded, context, merge, status=409, conflict=conflict)
    except ValidationError as error:
        _add_errors(form, error)
        return _edit_page(request, loaded, context, form, status=400)
    messages.success(request, _("The section was saved (revision %(number)s).") % {"number": saved.version})
    return HttpResponseRedirect(_url("section-detail", loaded))


def _keep_draft(
    request: AuthenticatedHttpRequest, loaded: Loaded, context: dict[str, Any], form: SectionTextForm
) -> HttpResponse:
    """The no-script way to keep unfinished text on the server: it stays a personal draft."""
    data = form.cleaned_data
    try:
        services.section_draft_autosave(
            acting_user=request.user,
            section=loaded.section,
            body_uk=data["body_uk"],
            body_en=data["body_en"],
            based_on_version=data["version"],
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _edit_page(request, loaded, context, form, status=400)
    messages.success(
        request, _("Your text was kept as your personal draft. It becomes part of the plan when you save it.")
    )
    return _edit_page(request, loaded, context, form, not_saved=True)


@require_POST
def section_autosave(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The autosave script's endpoint: keep the typed text as the person's draft; answer in JSON."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return JsonResponse({"error": _("You are signed out. Your text is kept in this browser.")}, status=401)
    loaded = _load(request, pk, code, Action.EDIT)
    form = DraftForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _("The draft could not be read."), "fields": form.errors}, status=400)
    try:
        draft = services.section_draft_autosave(
            acting_user=user,
            section=loaded.section,
            body_uk=form.cleaned_data["body_uk"],
            body_en=form.cleaned_data["body_en"],
            based_on_version=form.cleaned_data["based_on_version"],
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    saved_at = timezone.localtime(draft.updated_at)
    return JsonResponse(
        {
            "saved_at": saved_at.isoformat(),
            "section_version": loaded.section.version,
            "message": _("Draft kept on the server at %(time)s.") % {"time": time_format(saved_at, "H:i")},
        }
    )


@require_POST
@login_required
def section_draft_discard(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    loaded = _load(request, pk, code, Action.EDIT)
    services.section_draft_discard(acting_user=request.user, section=loaded.section)
    messages.success(request, _("Your unsaved draft was discarded."))
    return HttpResponseRedirect(_url("section-edit", loaded))


# --- tables -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def section_table_edit(request: AuthenticatedHttpRequest, pk: int, code: str, table: str) -> HttpResponse:
    loaded, context = _load_for_edit(request, pk, code)
    section = loaded.section
    if table not in context["spec"].tables:
        raise Http404
    saved_rows = list(section.tables.get(table, []))

    def page(
        form: TableGridForm, *, status: int = 200, conflict_table: selectors.TableView | None = None
    ) -> HttpResponse:
        context.update(
            {
                "form": form,
                "table_spec": tables.TABLES[table],
                "conflict_table": conflict_table,
                "conflict_author": section.updated_by,
                "action_url": _url("section-table-edit", loaded, table=table),
                "max_rows": MAX_GRID_ROWS,
            }
        )
        return render(request, "plans/section_table.html", context, status=status)

    if request.method != "POST":
        return page(TableGridForm(table_code=table, saved_rows=saved_rows, version=section.version))
    if "add_rows" in request.POST:
        form = TableGridForm(
            request.POST, table_code=table, saved_rows=saved_rows, version=section.version, extra_rows=ADD_ROWS
        )
        form.show_errors = False
        return page(form)
    form = TableGridForm(request.POST, table_code=table, saved_rows=saved_rows, version=section.version)
    if not form.is_valid():
        return page(form, status=400)
    expected = form.cleaned_data["version"]
    rows = form.table_rows()
    try:
        try:
            services.section_tables_save(
                acting_user=request.user, section=section, expected_version=expected, table_code=table, rows=rows
            )
        except EditConflict:
            section.refresh_from_db()
            base = selectors.section_state_at(section, expected)
            if base is None or base.tables.get(table, []) != section.tables.get(table, []):
                raise
            # The saves in between left this table alone: the typed rows apply as they are.
            services.section_tables_save(
                acting_user=request.user,
                section=section,
                expected_version=section.version,
                table_code=table,
                rows=rows,
            )
    except EditConflict:
        section.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(section.version)
        retry = TableGridForm(data, table_code=table, saved_rows=saved_rows, version=section.version)
        retry.show_errors = False
        return page(retry, status=409, conflict_table=selectors.table_view(table, section.tables.get(table, [])))
    except ValidationError as error:
        _add_errors(form, error)
        return page(form, status=400)
    messages.success(request, _("The table “%(table)s” was saved.") % {"table": tables.TABLES[table].title})
    return HttpResponseRedirect(_url("section-detail", loaded) + f"#table-{table}")


@require_POST
@login_required
def section_registry_profile(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    loaded, _context_unused = _load_for_edit(request, pk, code)
    form = VersionForm(request.POST)
    target = _url("section-detail", loaded) + "#table-key_figures"
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was inserted."))
        return HttpResponseRedirect(target)
    try:
        services.section_insert_registry_profile(
            acting_user=request.user, section=loaded.section, expected_version=form.cleaned_data["version"]
        )
    except EditConflict:
        messages.error(
            request,
            _("Someone changed this section after you opened it. Check the current figures and insert again."),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The registry figures were inserted into the key figures."))
    return HttpResponseRedirect(target)


@require_POST
@login_required
def section_needs_assessment(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    loaded, _context_unused = _load_for_edit(request, pk, code)
    form = VersionForm(request.POST)
    target = _url("section-detail", loaded) + "#needs-assessment"
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was inserted."))
        return HttpResponseRedirect(target)
    try:
        services.section_insert_needs_assessment(
            acting_user=request.user, section=loaded.section, expected_version=form.cleaned_data["version"]
        )
    except EditConflict:
        messages.error(
            request,
            _("Someone changed this section after you opened it. Check the current text and insert again."),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The needs-assessment results were inserted into the text."))
    return HttpResponseRedirect(target)


# --- history ----------------------------------------------------------------------------------


@require_GET
@login_required
def section_history(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    loaded = _load(request, pk, code)
    section = loaded.section
    context = _context(request, loaded)
    numbers = selectors.revision_numbers(section)
    page = Paginator(selectors.revisions_of(section), REVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    diff: compare.SectionDiff | None = None
    older: SectionRevision | None = None
    newer: SectionRevision | None = None
    form = RevisionCompareForm(numbers=numbers)
    if numbers:
        if "from" in request.GET or "to" in request.GET:
            form = RevisionCompareForm(request.GET, numbers=numbers)
            if form.is_valid():
                low, high = sorted((form.cleaned_data["from"], form.cleaned_data["to"]))
                if low == high:
                    messages.info(request, _("Choose two different revisions to compare."))
                else:
                    older, newer = selectors.revision(section, low), selectors.revision(section, high)
        else:
            newer = selectors.revision(section, numbers[0])
            older = selectors.revision(section, numbers[1]) if len(numbers) > 1 else None
            form = RevisionCompareForm(
                initial={"from": numbers[1] if len(numbers) > 1 else numbers[0], "to": numbers[0]}, numbers=numbers
            )
        if newer is not None:
            diff = compare.compare_revisions(section, older, newer)
    context.update(
        {
            "page": page,
            "form": form,
            "diff": diff,
            "older": older,
            "newer": newer,
            "revision_rows": [
                {
                    "revision": revision,
                    "restore_url": _url("section-restore", loaded, number=revision.number),
                    "compare_url": _url(
                        "section-history", loaded, query={"from": revision.number - 1, "to": revision.number}
                    )
                    if revision.number - 1 in numbers
                    else _url("section-history", loaded, query={"from": 0, "to": revision.number}),
                }
                for revision in page
            ],
        }
    )
    return render(request, "plans/section_history.html", context)


@require_POST
@login_required
def section_restore(request: AuthenticatedHttpRequest, pk: int, code: str, number: int) -> HttpResponse:
    loaded, _context_unused = _load_for_edit(request, pk, code)
    revision = selectors.revision(loaded.section, number)
    if revision is None:
        raise Http404
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was restored."))
        return HttpResponseRedirect(_url("section-history", loaded))
    try:
        saved = services.section_revision_restore(
            acting_user=request.user,
            section=loaded.section,
            revision=revision,
            expected_version=form.cleaned_data["version"],
        )
    except EditConflict:
        messages.error(
            request,
            _(
                "Someone saved this section after you opened its history. Look at the latest revision and restore again."
            ),
        )
        return HttpResponseRedirect(_url("section-history", loaded))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return HttpResponseRedirect(_url("section-history", loaded))
    messages.success(
        request,
        _("Revision %(old)s was restored as revision %(new)s.") % {"old": revision.number, "new": saved.version},
    )
    return HttpResponseRedirect(_url("section-detail", loaded))


# --- comparing versions -----------------------------------------------------------------------


@require_GET
@login_required
def version_compare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = load_plan(request, pk, Action.VIEW_PRIVATE)
    versions = {version.number: version for version in plan.versions.select_related("plan").order_by("number")}
    numbers = sorted(versions, reverse=True)
    section_choices = [(spec.code.value, str(spec.code.label)) for spec in catalogue.SECTIONS]
    comparison: compare.VersionComparison | None = None
    if "from" in request.GET or "to" in request.GET:
        form = VersionCompareForm(request.GET, numbers=numbers, section_choices=section_choices)
    else:
        initial = {"from": numbers[1] if len(numbers) > 1 else numbers[0], "to": numbers[0]}
        form = VersionCompareForm(initial=initial, numbers=numbers, section_choices=section_choices)
    chosen: tuple[int, int] | None = None
    only: str | None = None
    if form.is_bound and form.is_valid():
        chosen = (form.cleaned_data["from"], form.cleaned_data["to"])
        only = form.cleaned_data["section"] or None
    elif not form.is_bound and len(numbers) > 1:
        chosen = (numbers[1], numbers[0])
    if chosen is not None:
        low, high = sorted(chosen)
        if low == high:
            messages.info(request, _("Choose two different versions to compare."))
        else:
            # One section asked for by name is shown in full; the whole plan within the page budget.
            budget = None if only else compare.PAGE_BUDGET_CHARS
            comparison = compare.compare_versions(versions[low], versions[high], only=only, budget=budget)
    base_query = {"from": chosen[0], "to": chosen[1]} if chosen else {}
    context = plan_context(request, plan, tab="versions")
    context.update(
        {
            "form": form,
            "comparison": comparison,
            "single_version": len(numbers) < 2,
            "only": only,
            "changed_sections": [
                {"diff": diff, "url": "?" + urlencode({**base_query, "section": diff.code}) + f"#compare-{diff.code}"}
                for diff in (comparison.changed if comparison else [])
            ],
            "all_sections_url": "?" + urlencode(base_query),
        }
    )
    return render(request, "plans/compare.html", context)


SECTION = "<int:pk>/sections/<slug:code>/"

urlpatterns = [
    path(SECTION, section_detail, name="section-detail"),
    path(SECTION + "edit/", section_edit, name="section-edit"),
    path(SECTION + "autosave/", section_autosave, name="section-autosave"),
    path(SECTION + "draft/discard/", section_draft_discard, name="section-draft-discard"),
    path(SECTION + "tables/<slug:table>/", section_table_edit, name="section-table-edit"),
    path(SECTION + "registry-profile/", section_registry_profile, name="section-registry-profile"),
    path(SECTION + "needs-assessment/", section_needs_assessment, name="section-needs-assessment"),
    path(SECTION + "history/", section_history, name="section-history"),
    path(SECTION + "history/<int:number>/restore/", section_restore, name="section-restore"),
    path("<int:pk>/compare/", version_compare, name="version-compare"),
]
