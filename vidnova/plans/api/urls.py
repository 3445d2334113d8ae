from django.urls import URLPattern

from vidnova.plans.api import comments, exports, goals, plans, sections, workflow

urlpatterns: list[URLPattern] = [
    *plans.urlpatterns,
    *sections.urlpatterns,
    *workflow.urlpatterns,
    *goals.urlpatterns,
    *comments.urlpatterns,
    *exports.urlpatterns,
]
