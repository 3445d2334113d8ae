"""Every API route of the projects app, by area; included under /api/v1/ by vidnova.api.urls."""

from django.urls import URLPattern

from vidnova.projects.api import exports, prioritisation, projects

urlpatterns: list[URLPattern] = [*projects.urlpatterns, *exports.urlpatterns, *prioritisation.urlpatterns]
