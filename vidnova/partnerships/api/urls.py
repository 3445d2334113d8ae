"""Every API route of the partnerships app, by area; included under /api/v1/ by vidnova.api.urls."""

from django.urls import URLPattern

from vidnova.partnerships.api import matching, offers, partnerships

urlpatterns: list[URLPattern] = [*offers.urlpatterns, *matching.urlpatterns, *partnerships.urlpatterns]
