"""The project fiche: the public page (with the private parts for insiders), a new project, the edit
form, lifecycle transitions and documents.

Project ideas are public records: anyone reads the fiche, without its private parts (exact locations
of sensitive sites, documents, the transitions history, data-quality warnings). Hromada editors and
programme staff write; read-only members get 403 on writes and outsiders 404 on private URLs (documents).
Views are thin: parse with a form, call a selector or a service, render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseFormSet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.assessments.selectors.needs import dimension_choices
from vidnova.core.exceptions import EditConflict
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.projects import codelists, lifecycle, money
from vidnova.projects.forms.fiche import (
    TABLES,
    TRANSLATED_TEXTS,
    DocumentForm,
    ProjectForm,
    TransitionForm,
    extra_rows,
    initial_rows,
    row_formsets,
)
from vidnova.projects.models import Project, ProjectDocument, ProjectState
from vidnova.projects.selectors import quality
from vidnova.projects.services import projects as services
from vidnova.registry.models import CodifierUnit, Hromada
from vidnova.registry.selectors import settlements_of

PROZORRO_TENDER_URL = "https://prozorro.gov.ua/tender/{}"
ROW_ERROR_KEY = re.compile(r"^(?P<table>\w+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


def _load(
    request: HttpRequest, pk: int, action: Action = Action.VIEW, *, visible_with: Action = Action.VIEW
) -> Project:
    return access.get_for_user(
        request.user,
        Project.objects.select_related("hromada", "hromada__oblast", "programme", "plan", "created_by"),
        action,
        visible_with=visible_with,
        pk=pk,
    )


def _detail_url(project: Project, anchor: str = "") -> str:
    return reverse("projects:project-detail", kwargs={"pk": project.pk}) + (f"#{anchor}" if anchor else "")


# --- the fiche -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text of the fiche in the user's language, with the other language offered beside it."""

    key: str
    heading: str
    value: str
    language: str
    fallback: bool
    other: str
    other_language: str


def _texts(project: Project) -> list[Text]:
    language = "en" if (get_language() or "uk").startswith("en") else "uk"
    other_language = "uk" if language == "en" else "en"
    headings = {
        "description": _("Description"),
        "problem": _("Problem"),
        "objective": _("Objective"),
        "outputs": _("Outputs"),
        "results": _("Expected results"),
        "sustainability": _("Sustainability, operation and maintenance"),
    }
    texts: list[Text] = []
    for key in TRANSLATED_TEXTS:
        first = (getattr(project, f"{key}_{language}") or "").strip()
        second = (getattr(project, f"{key}_{other_language}") or "").strip()
        if first:
            texts.append(Text(key, headings[key], first, language, False, second, other_language))
        elif second:
            texts.append(Text(key, headings[key], second, other_language, True, "", language))
        else:
            texts.append(Text(key, headings[key], "", language, False, "", other_language))
    return texts


@dataclass(frozen=True)
class Location:
    katottg: str
    name: str
    place: str
    latitude: Any
    longitude: Any
    description: str


def _locations(project: Project) -> list[Location]:
    rows = list(project.locations.all())
    names = dict(
        CodifierUnit.objects.filter(katottg__in=[row.katottg for row in rows]).values_list("katottg", "name_uk")
    )
    if project.hromada.katottg not in names:
        names[project.hromada.katottg] = project.hromada.name_uk
    return [
        Location(row.katottg, names.get(row.katottg, ""), row.name, row.latitude, row.longitude, row.description)
        for row in rows
    ]


def _fiche_context(
    request: HttpRequest, project: Project, *, document_form: DocumentForm | None = None
) -> dict[str, Any]:
    user = request.user
    can_private = access.can(user, Action.VIEW_PRIVATE, project)
    can_edit = access.can(user, Action.EDIT, project)
    title_en = (get_language() or "uk").startswith("en") and project.title_en
    mapping = lifecycle.MAPPING.get(project.state)
    show_exact = can_private or not project.is_sensitive
    dimension_labels = {choice.name: choice.label for choice in dimension_choices(project.hromada)}
    context: dict[str, Any] = {
        "nav": "projects",
        "project": project,
        "assessment_gaps": [dimension_labels.get(name, name) for name in project.assessment_dimensions or []],
        "title": title_en or project.title_uk,
        "other_title": project.title_uk if title_en else project.title_en,
        "texts": _texts(project),
        "can_private": can_private,
        "can_edit": can_edit,
        "show_exact_locations": show_exact,
        "locations": _locations(project) if show_exact else [],
        "totals": money.totals(project),
        "budget_lines": [
            (line, codelists.label("cost_items", line.cost_item), codelists.label("cost_types", line.cost_type))
            for line in project.budget_lines.all()
        ],
        "financing_lines": [
            (
                line,
                codelists.label("finance_types", line.finance_type),
                codelists.label("finance_categories", line.finance_category),
            )
            for line in project.financing_lines.all()
        ],
        "risks": list(project.risks.all()),
        "parties": [(party, codelists.label("party_roles", party.role)) for party in project.parties.all()],
        "sectors": [codelists.label("sectors", code) for code in project.sectors or []],
        "project_type": codelists.label("project_types", project.project_type) if project.project_type else "",
        "purpose_codes": [codelists.code_label("purpose_codes", code) for code in project.purpose_codes or []],
        "policy_markers": [
            (codelists.label("policy_markers", code), codelists.label("policy_significance", value))
            for code, value in (project.policy_markers or {}).items()
        ],
        "bbb_features": [codelists.label("bbb_features", code) for code in project.bbb_features or []],
        "beneficiary_groups": [
            (codelists.label("beneficiary_groups", code), value)
            for code, value in (project.beneficiary_groups or {}).items()
        ],
        "prozorro": [(tender, PROZORRO_TENDER_URL.format(tender)) for tender in project.prozorro_ids or []],
        "mapping": mapping,
        "plan_tasks": list(project.plan_tasks.select_related("plan_version__plan").order_by("pk")),
        "next_states": services.allowed_transitions(user, project) if can_edit else [],
    }
    if can_private:
        context["documents"] = [
            (document, codelists.label("document_types", document.document_type))
            for document in project.documents.all()
        ]
        context["transitions"] = list(project.transitions.select_related("actor"))
        context["warnings"] = quality.check_project(project)
        if can_edit:
            context["document_form"] = document_form or DocumentForm()
    return context


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _load(request, pk)
    return render(request, "projects/fiche_detail.html", _fiche_context(request, project))


# --- the form ------------------------------------------------------------------------------------


def _settlements(hromada: Hromada, project: Project | None) -> list[tuple[str, str]]:
    choices = [(hromada.katottg, _("%(name)s — the whole hromada") % {"name": hromada.name_uk})]
    choices += [(unit.katottg, f"{unit.name_uk} ({unit.get_category_display()})") for unit in settlements_of(hromada)]
    if project is not None and project.pk:
        known = {code for code, _label in choices}
        choices += [(code, code) for code in project.locations.values_list("katottg", flat=True) if code not in known]
    return choices


def _with_more_rows(data: QueryDict, count: int) -> QueryDict:
    data = data.copy()
    for key, _form_class, _heading in TABLES:
        name = f"{key}-TOTAL_FORMS"
        try:
            data[name] = str(int(data.get(name) or 0) + count)
        except ValueError:
            data[name] = str(count)
    return data


def _place_errors(
    error: ValidationError, form: ProjectForm, formsets: dict[str, BaseFormSet[Any]], indexes: dict[str, list[int]]
) -> None:
    """Put a service's ValidationError next to the field or the row it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(NON_FIELD_ERRORS, error)
        return
    for key, errors in error.error_dict.items():
        match = ROW_ERROR_KEY.match(key)
        if match and match["table"] in formsets:
            positions = indexes.get(match["table"], [])
            position = int(match["index"])
            target = formsets[match["table"]].forms[positions[position]] if position < len(positions) else None
            if target is not None:
                field = match["field"]
                target.add_error(field if field in target.fields else None, errors)
                continue
        if key in form.fields:
            form.add_error(key, errors)
        elif key.startswith("policy_markers") and form.marker_fields:
            form.add_error(form.marker_fields[0], errors)
        elif key in formsets:
            heading = {name: title for name, _form_class, title in TABLES}[key]
            form.add_error(None, [f"{heading}: {message}" for e in errors for message in e.messages])
        else:
            form.add_error(None, errors)


def _form_page(
    request: HttpRequest,
    *,
    hromada: Hromada,
    project: Project | None,
    form: ProjectForm,
    formsets: dict[str, BaseFormSet[Any]],
    conflict: Project | None = None,
    status: int = 200,
) -> HttpResponse:
    headings = {key: heading for key, _form_class, heading in TABLES}
    return render(
        request,
        "projects/fiche_form.html",
        {
            "nav": "projects",
            "hromada": hromada,
            "project": project,
            "form": form,
            "tables": [(key, headings[key], formsets[key]) for key in headings],
            "has_errors": bool(form.errors) or any(not fs.is_valid() for fs in formsets.values() if fs.is_bound),
            "conflict": conflict,
            "conflict_totals": money.totals(conflict) if conflict is not None else None,
        },
        status=status,
    )


def _save(request: AuthenticatedHttpRequest, *, hromada: Hromada, project: Project | None) -> HttpResponse:
    settlements = _settlements(hromada, project)
    if "add_rows" in request.POST:
        data = _with_more_rows(request.POST, extra_rows(request.POST) or 3)
        form = ProjectForm(data, hromada=hromada)
        formsets = row_formsets(data, initial={}, settlements=settlements)
        return _form_page(request, hromada=hromada, project=project, form=form, formsets=formsets)
    form = ProjectForm(request.POST, hromada=hromada)
    formsets = row_formsets(request.POST, initial={}, settlements=settlements)
    invalid_tables = [key for key, formset in formsets.items() if not formset.is_valid()]
    if form.is_valid() and not invalid_tables:
        payload = form.data_for_service()
        indexes: dict[str, list[int]] = {}
        for key, formset in formsets.items():
            payload[key], indexes[key] = formset.rows()  # type: ignore[attr-defined]
        try:
            if project is None:
                saved = services.project_create(acting_user=request.user, hromada=hromada, data=payload)
            else:
                saved = services.project_update(
                    acting_user=request.user,
                    project=project,
                    data=payload,
                    expected_version=form.cleaned_data.get("version"),
                )
        except EditConflict:
            # Someone saved in between: show what they saved, keep what this person typed, and let
            # them save again on top of the new version once they have compared the two.
            if project is None:
                raise
            current = _load(request, project.pk, Action.EDIT)
            post = request.POST.copy()
            post["version"] = str(current.version)
            form = ProjectForm(post, hromada=hromada)
            formsets = row_formsets(post, initial={}, settlements=settlements)
            form.is_valid()
            return _form_page(
                request, hromada=hromada, project=current, form=form, formsets=formsets, conflict=current, status=409
            )
        except ValidationError as error:
            _place_errors(error, form, formsets, indexes)
        else:
            messages.success(request, _("The project fiche was saved."))
            return HttpResponseRedirect(_detail_url(saved))
    return _form_page(request, hromada=hromada, project=project, form=form, formsets=formsets, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    katottg = (request.GET.get("hromada") or "").strip()
    hromada = Hromada.objects.filter(katottg=katottg).select_related("oblast").first() if katottg else None
    if hromada is None:
        raise Http404
    access.require(request.user, Action.EDIT, hromada)
    if request.method == "POST":
        return _save(request, hromada=hromada, project=None)
    form = ProjectForm(hromada=hromada, initial={"readiness": 0, "currency": "UAH", "purpose": "restoration"})
    programmes = [value for value, _label in form.fields["programme"].choices if value != ""]  # type: ignore[attr-defined]
    if len(programmes) == 1:
        form.initial["programme"] = programmes[0]
    formsets = row_formsets(None, initial=initial_rows(None), settlements=_settlements(hromada, None))
    return _form_page(request, hromada=hromada, project=None, form=form, formsets=formsets)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _load(request, pk, Action.EDIT)
    if request.method == "POST":
        return _save(request, hromada=project.hromada, project=project)
    form = ProjectForm(hromada=project.hromada, initial=ProjectForm.initial_from(project))
    formsets = row_formsets(None, initial=initial_rows(project), settlements=_settlements(project.hromada, project))
    return _form_page(request, hromada=project.hromada, project=project, form=form, formsets=formsets)


# --- transitions ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _load(request, pk, Action.EDIT)
    states = services.allowed_transitions(request.user, project)
    form = TransitionForm(request.POST or None, states=states)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.project_transition(
                    acting_user=request.user,
                    project=project,
                    to_state=form.cleaned_data["to_state"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for key, errors in error.error_dict.items():
                        form.add_error(key if key in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The state of the project was changed."))
                return HttpResponseRedirect(_detail_url(project, "lifecycle"))
        status = 400
    staff_only = [
        ProjectState(state).label
        for state in lifecycle.TRANSITIONS.get(project.state, ())
        if (project.state, state) in lifecycle.STAFF_ONLY and state not in states
    ]
    return render(
        request,
        "projects/fiche_transition.html",
        {"nav": "projects", "project": project, "form": form, "staff_only": staff_only, "mapping": lifecycle.MAPPING},
        status=status,
    )


# --- documents -----------------------------------------------------------------------------------


@login_required
@require_POST
def document_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _load(request, pk, Action.EDIT, visible_with=Action.VIEW_PRIVATE)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                acting_user=request.user,
                project=project,
                document_type=form.cleaned_data["document_type"],
                title=form.cleaned_data["title"],
                file=form.cleaned_data.get("file"),
                url=form.cleaned_data.get("url") or "",
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for key, errors in error.error_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The document was added."))
            return HttpResponseRedirect(_detail_url(project, "documents"))
    return render(
        request, "projects/fiche_detail.html", _fiche_context(request, project, document_form=form), status=400
    )


def _load_document(request: HttpRequest, pk: int, document_pk: int, action: Action) -> ProjectDocument:
    project = _load(request, pk, action, visible_with=Action.VIEW_PRIVATE)
    document = ProjectDocument.objects.filter(project=project, pk=document_pk).first()
    if document is None:
        raise Http404
    return document


@login_required
@require_POST
def document_remove(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _load_document(request, pk, document_pk, Action.EDIT)
    project = document.project
    services.document_remove(acting_user=request.user, document=document)
    messages.success(request, _("The document was removed."))
    return HttpResponseRedirect(_detail_url(project, "documents"))


@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    """A document's file, only after the access check (documents are private), as an attachment."""
    document = _load_document(request, pk, document_pk, Action.VIEW_PRIVATE)
    if not document.file:
        if document.url:
            return HttpResponseRedirect(document.url)
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = (document.file.name or "").rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("new/", project_create, name="project-create"),
    path("<int:pk>/", project_detail, name="project-detail"),
    path("<int:pk>/edit/", project_edit, name="project-edit"),
    path("<int:pk>/transition/", project_transition, name="project-transition"),
    path("<int:pk>/documents/add/", document_add, name="document-add"),
    path("<int:pk>/documents/<int:document_pk>/", document_download, name="document-download"),
    path("<int:pk>/documents/<int:document_pk>/remove/", document_remove, name="document-remove"),
]
