from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from vidnova.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("vidnova.core.urls")),
    path("hromadas/", include("vidnova.registry.urls")),
    path("programmes/", include("vidnova.programmes.urls")),
    path("assessments/", include("vidnova.assessments.urls")),
    path("plans/", include("vidnova.plans.urls")),
    path("projects/", include("vidnova.projects.urls")),
    path("partnerships/", include("vidnova.partnerships.urls")),
    path("people/", include("vidnova.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", include("vidnova.api.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Vidnova"
admin.site.site_title = "Vidnova"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
