from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import APIRootView, DefaultRouter

from vidnova.api import views
from vidnova.assessments.api.urls import urlpatterns as instrument_api_urlpatterns
from vidnova.partnerships.api.urls import urlpatterns as partnership_api_urlpatterns
from vidnova.plans.api.urls import urlpatterns as plan_api_urlpatterns
from vidnova.projects.api.urls import urlpatterns as project_api_urlpatterns


class RootView(APIRootView):
    """GET /api/v1/: the address of every list endpoint, as JSON."""

    renderer_classes = [JSONRenderer]


router = DefaultRouter()
router.APIRootView = RootView
router.register("hromadas", views.HromadaViewSet, basename="hromada")
router.register("oblasts", views.OblastViewSet, basename="oblast")
router.register("raions", views.RaionViewSet, basename="raion")
router.register("partner-municipalities", views.DutchMunicipalityViewSet, basename="partner-municipality")

urlpatterns = [
    path(
        "v1/",
        include(
            (
                [
                    *router.urls,
                    *plan_api_urlpatterns,
                    *instrument_api_urlpatterns,
                    *project_api_urlpatterns,
                    *partnership_api_urlpatterns,
                ],
                "api",
            ),
            namespace="api",
        ),
    ),
    path("v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", views.api_docs, name="api-docs"),
]
