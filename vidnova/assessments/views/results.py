"""A hromada's assessment results: scores per dimension and field of its latest validated assessment
(weakest dimension first, maturity levels, an SVG bar chart drawn on the server with a table as its
alternative), baseline against later rounds, and its training needs.

Whoever may see none of the hromada's assessments (the assessment rule decides) gets 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from vidnova.assessments.selectors import results as selectors
from vidnova.assessments.selectors.needs import training_needs_of
from vidnova.registry.models import Hromada


@require_GET
def hromada_results(request: HttpRequest, katottg: str) -> HttpResponse:
    hromada = get_object_or_404(Hromada.objects.select_related("oblast"), katottg=katottg)
    assessments = selectors.visible_assessments(request.user, hromada)
    if not assessments:
        raise Http404
    visible = {a.pk for a in assessments}
    language = get_language()
    results = selectors.hromada_results(hromada, assessments, language=language)
    context = {
        "nav": "assessments",
        "hromada": hromada,
        "results": results,
        # Only from an assessment this person may see (the latest validated one may be another programme's).
        "needs": [n for n in training_needs_of(hromada, language=language) if n.assessment.pk in visible],
    }
    return render(request, "assessments/results_hromada.html", context)


urlpatterns: list[URLPattern] = [path("hromadas/<str:katottg>/", hromada_results, name="hromada-results")]
