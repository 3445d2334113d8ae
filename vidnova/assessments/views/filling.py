"""Filling in an assessment: its overview (progress, pages, open validator comments, history,
submission), one page per dimension with the questions, answers saved one by one, evidence, and
marking a validator's comment as addressed.

static/assessments/fill.js applies the form's rules live (rules.js), saves every answer as it is
given (``answer_save``: 200, 400 with the form's own message, 409 with both values), and keeps
unsaved typing in the browser. Without JavaScript the page is a normal form that saves every changed
answer at once. Everyone who may see the assessment reads the same pages without inputs once it is
submitted, or always when they only read (hromada viewers, partner experts).

Access: outsiders get 404, signed-out visitors are sent to sign in, those who only read get 403 on
every write.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.assessments import answers as answer_rules
from vidnova.assessments.forms.filling import AnswerSaveForm, EvidenceForm, SubmitForm
from vidnova.assessments.models import Assessment, Evidence, ReturnNote
from vidnova.assessments.selectors import filling as selectors
from vidnova.assessments.services import answers as answer_services
from vidnova.assessments.services import workflow
from vidnova.assessments.services.answers import AnswerConflict
from vidnova.assessments.services.scores import answers_of
from vidnova.core.types import AuthenticatedHttpRequest

ANSWER_PREFIX = "q-"
COMMENT_PREFIX = "c-"
VERSION_PREFIX = "v-"
ORIGINAL_PREFIX = "o-"
ORIGINAL_COMMENT_PREFIX = "oc-"


def _messages_of(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _require_writer(request: AuthenticatedHttpRequest, assessment: Assessment) -> None:
    """403 for those who only read, whatever the assessment's state."""
    if not selectors.may_answer(request.user, assessment):
        raise PermissionDenied(_("You may read this assessment but not change it."))


def _page_url(assessment: Assessment, page: str, question: str | None = None) -> str:
    url = reverse("assessments:dimension", kwargs={"pk": assessment.pk, "group": page})
    return f"{url}#q-{question}" if question else url


def _question_url(assessment: Assessment, question: str) -> str:
    page = selectors.page_of_question(selectors.pages_for(assessment), question)
    if page is None:
        return reverse("assessments:assessment-detail", kwargs={"pk": assessment.pk})
    return _page_url(assessment, page.name, question)


def _base_context(request: AuthenticatedHttpRequest, assessment: Assessment) -> dict[str, Any]:
    form = selectors.form_for_assessment(assessment)
    pages = selectors.pages_for(assessment)
    answers = answers_of(assessment)
    progress = selectors.progress(form, pages, answers)
    editable = selectors.is_editable(request.user, assessment)
    return {
        "nav": "assessments",
        "assessment": assessment,
        "round": assessment.round,
        "version": assessment.round.instrument_version,
        "form": form,
        "answers": answers,
        "pages": [(page, progress.pages[page.name]) for page in pages],
        "page_list": pages,
        "progress": progress,
        "editable": editable,
        "may_answer": selectors.may_answer(request.user, assessment),
        "can_validate": access.can(request.user, Action.VALIDATE, assessment),
    }


# --- the overview ------------------------------------------------------------------------------


def _render_detail(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    *,
    submit_form: SubmitForm | None = None,
    submit_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _base_context(request, assessment)
    form = context["form"]
    notes = [
        {
            "note": note,
            "label": answer_rules.question_label(form.questions[note.question])
            if note.question in form.questions
            else note.question,
            "url": _question_url(assessment, note.question),
        }
        for note in selectors.open_notes(assessment)
    ]
    problems = submit_errors
    if problems is None and context["editable"]:
        problems = workflow.submission_problems(assessment)
    first_page = context["page_list"][0].name if context["page_list"] else None
    context.update(
        {
            "open_notes": notes,
            "transitions": selectors.transitions(assessment),
            "submit_form": submit_form or SubmitForm(),
            "problems": problems or [],
            "submit_failed": submit_errors is not None,
            "first_page_url": _page_url(assessment, first_page) if first_page else "",
        }
    )
    return render(request, "assessments/fill_detail.html", context, status=status)


@login_required
@require_GET
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, pk)
    return _render_detail(request, assessment)


@login_required
@require_POST
def assessment_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, pk)
    _require_writer(request, assessment)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request,
            assessment,
            submit_form=form,
            submit_errors=[str(e) for es in form.errors.values() for e in es],
            status=400,
        )
    try:
        workflow.assessment_submit(
            acting_user=request.user, assessment=assessment, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        assessment.refresh_from_db()
        return _render_detail(request, assessment, submit_form=form, submit_errors=_messages_of(error), status=400)
    messages.success(request, _("The assessment was submitted. The programme coordinator will validate it."))
    return HttpResponseRedirect(reverse("assessments:assessment-detail", kwargs={"pk": assessment.pk}))


# --- one page of questions ----------------------------------------------------------------------


def _page_or_404(assessment: Assessment, group: str) -> tuple[selectors.Page, list[selectors.Page]]:
    pages = selectors.pages_for(assessment)
    for page in pages:
        if page.name == group:
            return page, pages
    raise Http404


def _posted_value(request: AuthenticatedHttpRequest, question: selectors.QuestionView) -> str:
    if question.type == "select_multiple":
        return " ".join(
            dict.fromkeys(v.strip() for v in request.POST.getlist(ANSWER_PREFIX + question.name) if v.strip())
        )
    return request.POST.get(ANSWER_PREFIX + question.name, "").strip()


def _same(question: selectors.QuestionView, left: str, right: str) -> bool:
    if question.type == "select_multiple":
        return set(left.split()) == set(right.split())
    return left.strip() == right.strip()


def _save_page(
    request: AuthenticatedHttpRequest, assessment: Assessment, questions: list[selectors.QuestionView]
) -> list[str]:
    """Save every changed answer of the posted page; refused ones keep what was typed and carry their
    message or conflict. Returns page-level errors (for example: the assessment was submitted)."""
    for question in questions:
        if question.is_note or ORIGINAL_PREFIX + question.name not in request.POST:
            continue
        value = _posted_value(request, question)
        comment = request.POST.get(COMMENT_PREFIX + question.name, "")
        original = request.POST.get(ORIGINAL_PREFIX + question.name, "")
        original_comment = request.POST.get(ORIGINAL_COMMENT_PREFIX + question.name, "")
        if _same(question, value, original) and comment.strip() == original_comment.strip():
            continue
        try:
            expected = int(request.POST.get(VERSION_PREFIX + question.name, "0") or 0)
        except ValueError:
            expected = 0
        try:
            answer = answer_services.answer_save(
                acting_user=request.user,
                assessment=assessment,
                question=question.name,
                value=value,
                comment=comment,
                expected_version=expected,
            )
        except answer_rules.AnswerInvalid as problem:
            question.error = problem.message
            question.value, question.comment = value, comment
            question.version, question.original_value, question.original_comment = expected, original, original_comment
        except AnswerConflict as conflict:
            question.conflict = {**_conflict_data(conflict), "theirs_display": question.label_of(conflict.theirs)}
            question.value, question.comment = value, comment
            question.version = conflict.their_version
            question.original_value, question.original_comment = conflict.theirs, conflict.their_comment
        except ValidationError as error:
            return _messages_of(error)
        else:
            question.value = question.original_value = answer.value
            question.comment = question.original_comment = answer.comment
            question.version = answer.version
    return []


def _conflict_data(conflict: AnswerConflict) -> dict[str, Any]:
    return {
        "yours": conflict.yours,
        "theirs": conflict.theirs,
        "their_comment": conflict.their_comment,
        "their_author": conflict.their_author,
        "their_version": conflict.their_version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def dimension(request: AuthenticatedHttpRequest, pk: int, group: str) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, pk)
    page, pages = _page_or_404(assessment, group)
    if request.method == "POST":
        _require_writer(request, assessment)
    form = selectors.form_for_assessment(assessment)
    notes = selectors.open_notes(assessment)
    rows = selectors.answer_rows(assessment)
    questions = selectors.question_views(form, page, rows, assessment=assessment, notes=notes)
    page_errors: list[str] = []
    status = 200
    if request.method == "POST":
        page_errors = _save_page(request, assessment, questions)
        refused = [q for q in questions if q.error or q.conflict]
        if not page_errors and not refused:
            messages.success(request, _("Your answers on this page were saved."))
            return HttpResponseRedirect(_page_url(assessment, page.name))
        status = 409 if refused and all(q.conflict for q in refused) else 400
        assessment.refresh_from_db()
        notes = selectors.open_notes(assessment)
        fresh = {
            q.name: q
            for q in selectors.question_views(
                form, page, selectors.answer_rows(assessment), assessment=assessment, notes=notes
            )
        }
        for question in questions:  # evidence, notes and relevance as stored now; values as typed
            question.evidence = fresh[question.name].evidence
            question.notes = fresh[question.name].notes
    context = _base_context(request, assessment)
    index = pages.index(page)
    context.update(
        {
            "page": page,
            "page_progress": context["progress"].pages[page.name],
            "questions": questions,
            "previous_page": pages[index - 1] if index > 0 else None,
            "next_page": pages[index + 1] if index + 1 < len(pages) else None,
            "page_errors": page_errors,
            "rules": selectors.client_rules(form, page, context["answers"]),
            "evidence_form": EvidenceForm(),
            "refused": any(q.error or q.conflict for q in questions),
        }
    )
    return render(request, "assessments/fill_page.html", context, status=status)


# --- saving one answer (fill.js) ----------------------------------------------------------------


@login_required
@require_POST
def answer_save(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    assessment = selectors.assessment_for(request.user, pk)
    if not selectors.may_answer(request.user, assessment):
        return JsonResponse({"error": _("You may read this assessment but not change it.")}, status=403)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The request could not be read; reload the page.")}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": _("The request could not be read; reload the page.")}, status=400)
    form = AnswerSaveForm(data)
    if not form.is_valid():
        text = " ".join(str(message) for messages_ in form.errors.values() for message in messages_)
        return JsonResponse({"error": text}, status=400)
    question = form.cleaned_data["question"]
    expected = form.cleaned_data["expected_version"]
    try:
        answer = answer_services.answer_save(
            acting_user=request.user,
            assessment=assessment,
            question=question,
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
            expected_version=expected if expected is not None else 0,
        )
    except answer_rules.AnswerInvalid as problem:
        return JsonResponse({"error": problem.message, "question": question}, status=400)
    except AnswerConflict as conflict:
        return JsonResponse({"conflict": _conflict_data(conflict), "question": question}, status=409)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(_messages_of(error)), "question": question}, status=400)
    pages = selectors.pages_for(assessment)
    page = selectors.page_of_question(pages, question)
    progress = selectors.progress(selectors.form_for_assessment(assessment), pages, answers_of(assessment))
    return JsonResponse(
        {
            "question": question,
            "version": answer.version,
            "value": answer.value,
            "comment": answer.comment,
            "progress": progress.as_dict(page.name if page else None),
        }
    )


# --- evidence ----------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, pk)
    _require_writer(request, assessment)
    form = EvidenceForm(request.POST, request.FILES)
    question = request.POST.get("question", "")
    back = _question_url(assessment, question)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return HttpResponseRedirect(back)
    try:
        answer_services.evidence_add(
            acting_user=request.user,
            assessment=assessment,
            question=form.cleaned_data["question"],
            file=form.cleaned_data["file"],
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
        )
    except answer_rules.AnswerInvalid as problem:
        messages.error(request, problem.message)
    except ValidationError as error:
        messages.error(request, _("The evidence was not added: %(reason)s") % {"reason": " ".join(_messages_of(error))})
    else:
        messages.success(request, _("The evidence was added."))
    return HttpResponseRedirect(back)


def _evidence_or_404(request: AuthenticatedHttpRequest, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.select_related("answer__assessment__round__instrument_version", "answer__assessment__hromada")
        .filter(pk=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    access.require(request.user, Action.VIEW, evidence.answer.assessment)
    return evidence


@login_required
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence = _evidence_or_404(request, pk)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is no longer stored.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.file_name or "evidence", content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence_or_404(request, pk)
    assessment = evidence.answer.assessment
    _require_writer(request, assessment)
    back = _question_url(assessment, evidence.answer.question)
    try:
        answer_services.evidence_remove(acting_user=request.user, evidence=evidence)
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
    else:
        messages.success(request, _("The evidence was removed."))
    return HttpResponseRedirect(back)


# --- validator comments -------------------------------------------------------------------------


@login_required
@require_POST
def note_resolve(request: AuthenticatedHttpRequest, pk: int, note_pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, pk)
    note = ReturnNote.objects.filter(assessment=assessment, pk=note_pk).first()
    if note is None:
        raise Http404
    _require_writer(request, assessment)
    try:
        workflow.return_note_resolve(acting_user=request.user, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(_messages_of(error)))
    else:
        messages.success(request, _("The comment was marked as addressed."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _question_url(assessment, note.question)
    return HttpResponseRedirect(target)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/", assessment_detail, name="assessment-detail"),
    path("<int:pk>/pages/<str:group>/", dimension, name="dimension"),
    path("<int:pk>/answers/", answer_save, name="answer-save"),
    path("<int:pk>/evidence/", evidence_add, name="evidence-add"),
    path("<int:pk>/submit/", assessment_submit, name="assessment-submit"),
    path("<int:pk>/notes/<int:note_pk>/resolve/", note_resolve, name="note-resolve"),
    path("evidence/<int:pk>/", evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/remove/", evidence_remove, name="evidence-remove"),
]
