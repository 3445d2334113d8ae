# TEMPORARY scaffold: replaced by the real API views.
from django.http import Http404
from rest_framework import viewsets

from vidnova.registry.models import DutchMunicipality, Hromada, Raion, TopLevelUnit


class HromadaViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    queryset = Hromada.objects.all()


class OblastViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    queryset = TopLevelUnit.objects.all()


class RaionViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    queryset = Raion.objects.all()


class DutchMunicipalityViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    queryset = DutchMunicipality.objects.all()


def api_docs(request, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404
