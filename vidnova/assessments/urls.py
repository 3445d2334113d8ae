from django.urls import path

from vidnova.assessments.views import cohort, filling, imports, results, rounds, selection, validation
from vidnova.assessments.views import instruments as views

app_name = "assessments"
# The literal "import/" route comes before "<slug:code>/" so it is never read as a form identifier.
urlpatterns = [
    *rounds.urlpatterns,
    *filling.urlpatterns,
    *validation.urlpatterns,
    *results.urlpatterns,
    *cohort.urlpatterns,
    *imports.urlpatterns,
    *selection.urlpatterns,
    path("instruments/", views.instrument_list, name="instrument-list"),
    path("instruments/import/", views.instrument_import, name="instrument-import"),
    path("instruments/<slug:code>/", views.instrument_detail, name="instrument-detail"),
    path(
        "instruments/<slug:code>/versions/<int:number>/xlsform/",
        views.instrument_download,
        name="instrument-download",
    ),
]
