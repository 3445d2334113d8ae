from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from vidnova.api import views

router = DefaultRouter()
router.register("hromadas", views.HromadaViewSet, basename="hromada")
router.register("oblasts", views.OblastViewSet, basename="oblast")
router.register("raions", views.RaionViewSet, basename="raion")
router.register("partner-municipalities", views.DutchMunicipalityViewSet, basename="partner-municipality")

urlpatterns = [
    path("v1/", include((router.urls, "api"), namespace="api")),
    path("v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", views.api_docs, name="api-docs"),
]
