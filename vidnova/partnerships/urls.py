from django.urls import URLPattern

from vidnova.partnerships.views import activities, matching, needs, offers, overview, partners, partnerships

app_name = "partnerships"
urlpatterns: list[URLPattern] = [
    *overview.urlpatterns,
    *offers.urlpatterns,
    *partners.urlpatterns,
    *needs.urlpatterns,
    *matching.urlpatterns,
    *partnerships.urlpatterns,
    *activities.urlpatterns,
]
