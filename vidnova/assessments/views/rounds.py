"""(being written)"""

from django.urls import URLPattern, path

from vidnova.assessments.views import instruments

urlpatterns: list[URLPattern] = [path("", instruments.instrument_list, name="index")]
