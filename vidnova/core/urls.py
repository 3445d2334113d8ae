from django.urls import path

from vidnova.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("data-sources/", views.data_sources, name="data-sources"),
    path("health/", views.health, name="health"),
]
