from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from vidnova.accounts.access import roles_of
from vidnova.accounts.models import Membership
from vidnova.accounts.services import user_language_set
from vidnova.core.types import AuthenticatedHttpRequest
from vidnova.programmes.models import Programme
from vidnova.registry.models import DutchMunicipality, Hromada, RegistryEdition, TopLevelUnit


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    totals = Hromada.objects.filter(in_crimea=False).aggregate(count=Count("id"), population=Sum("population_2022"))
    context = {
        "hromada_count": totals["count"],
        "population": totals["population"],
        "crimea_count": Hromada.objects.filter(in_crimea=True).count(),
        "oblast_count": TopLevelUnit.objects.count(),
        "municipality_count": DutchMunicipality.objects.count(),
        "programmes": Programme.objects.prefetch_related("phases").all()[:5],
        "edition": RegistryEdition.objects.first(),
    }
    return render(request, "core/home.html", context)


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("programme", "hromada", "hromada__oblast", "organisation")
        .order_by("role")
    )
    return render(
        request,
        "core/dashboard.html",
        {"memberships": memberships, "roles": roles_of(request.user)},
    )


@require_GET
def data_sources(request: HttpRequest) -> HttpResponse:
    return render(request, "core/data_sources.html", {"editions": RegistryEdition.objects.all()[:10]})


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie), plus the signed-in person's stored preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(acting_user=request.user, language=language)
    return response
