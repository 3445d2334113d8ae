from django.urls import URLPattern

from vidnova.projects.views import exports, fiche, imports, portfolio, prioritisation, rates

app_name = "projects"
urlpatterns: list[URLPattern] = [
    *portfolio.urlpatterns,
    *fiche.urlpatterns,
    *exports.urlpatterns,
    *imports.urlpatterns,
    *rates.urlpatterns,
    *prioritisation.urlpatterns,
]
