"""Every API route of the assessments app, by area; included under /api/v1/ by vidnova.api.urls."""

from django.urls import URLPattern

from vidnova.assessments.api import assessments, imports, instruments, rounds, selection

urlpatterns: list[URLPattern] = [
    *instruments.urlpatterns,
    *rounds.urlpatterns,
    *assessments.urlpatterns,
    *imports.urlpatterns,
    *selection.urlpatterns,
]
