"""The validator's page: every relevant question of a submitted assessment with its answer, comment,
evidence and the dimension scores; a comment box per question; "take for validation", "validate" and
"return with comments".

Only programme staff validate. Whoever may not see the assessment gets 404; hromada members and
partner experts, who may see it, get 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vidnova.accounts import access
from vidnova.accounts.access import Action
from vidnova.assessments.forms.validation import NOTE_PREFIX, ReviewForm
from vidnova.assessments.models import Assessment, AssessmentState, AssessmentTransition
from vidnova.assessments.selectors import results as result_selectors
from vidnova.assessments.services import workflow


def _load(request: HttpRequest, pk: int) -> Assessment:
    return access.get_for_user(
        request.user,
        Assessment.objects.select_related("round__programme", "round__instrument_version__instrument", "hromada"),
        Action.VALIDATE,
        visible_with=Action.VIEW,
        pk=pk,
    )


def _page(request: HttpRequest, assessment: Assessment, form: ReviewForm, *, status: int = 200) -> HttpResponse:
    language = get_language()
    groups = result_selectors.review_items(assessment, language=language)
    posted = form.data if form.is_bound else {}
    context = {
        "nav": "assessments",
        "assessment": assessment,
        "round": assessment.round,
        "groups": groups,
        "notes": {name: posted.get(f"{NOTE_PREFIX}{name}", "") for g in groups for name in (i.name for i in g.items)},
        "note_prefix": NOTE_PREFIX,
        "form": form,
        "dimensions": result_selectors.dimension_rows(assessment, language=language),
        "fields": result_selectors.field_rows(assessment),
        "transitions": AssessmentTransition.objects.filter(assessment=assessment).select_related("actor"),
        "can_start": assessment.state == AssessmentState.SUBMITTED,
        "can_decide": assessment.state in workflow.VALIDATABLE,
    }
    return render(request, "assessments/review_assessment.html", context, status=status)


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _load(request, pk)
    if request.method != "POST":
        return _page(request, assessment, ReviewForm())
    form = ReviewForm(request.POST, questions=result_selectors.question_names(assessment))
    if not form.is_valid():
        return _page(request, assessment, form, status=400)
    action = form.cleaned_data["action"]
    message = form.cleaned_data["message"]
    try:
        if action == "start":
            workflow.assessment_start_validation(acting_user=request.user, assessment=assessment)
            done = _("You have taken the assessment for validation.")
        elif action == "validate":
            workflow.assessment_validate(acting_user=request.user, assessment=assessment, message=message)
            done = _("The assessment is validated; its scores are now the hromada’s results.")
        else:
            workflow.assessment_return(
                acting_user=request.user, assessment=assessment, notes=form.notes(), message=message
            )
            done = _("The assessment was returned to the hromada with your comments.")
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error("message" if name == "message" else None, errors)
        else:
            form.add_error(None, error)
        assessment.refresh_from_db()
        return _page(request, assessment, form, status=400)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("assessments:review", kwargs={"pk": assessment.pk}))


urlpatterns: list[URLPattern] = [path("<int:pk>/review/", review, name="review")]
