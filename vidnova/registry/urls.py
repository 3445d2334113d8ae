from django.urls import path, register_converter

from vidnova.registry import views


class KatottgConverter:
    regex = "UA[0-9]{17}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KatottgConverter, "katottg")

app_name = "registry"
urlpatterns = [
    path("", views.hromada_list, name="hromada-list"),
    path("map/", views.hromada_map, name="map"),
    path("security-status/import/", views.security_status_import, name="security-status-import"),
    path("partner-municipalities/", views.municipality_list, name="municipality-list"),
    path("partner-municipalities/<str:cbs_code>/", views.municipality_detail, name="municipality-detail"),
    path("settlements/search/", views.settlement_search, name="settlement-search"),
    path("<katottg:katottg>/", views.hromada_detail, name="hromada-detail"),
    path("<katottg:katottg>/security-status/", views.security_status_set, name="security-status-set"),
    path(
        "<katottg:katottg>/security-status/<int:period_id>/",
        views.security_status_edit,
        name="security-status-edit",
    ),
    path("<katottg:katottg>/history/", views.hromada_history, name="hromada-history"),
]
