"""Plan pages. Each area's view module lists its own routes; names are <entity>-<action>."""

from django.urls import URLPattern

from vidnova.plans.views import comments, exports, goals, plans, sections, workflow

app_name = "plans"

urlpatterns: list[URLPattern] = [
    *plans.urlpatterns,
    *sections.urlpatterns,
    *workflow.urlpatterns,
    *goals.urlpatterns,
    *comments.urlpatterns,
    *exports.urlpatterns,
]
