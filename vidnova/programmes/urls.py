from django.urls import path

from vidnova.programmes import views

app_name = "programmes"
# The literal "organisations/" routes come before the "<slug:slug>/" ones so an organisation page is
# never read as a programme slug.
urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:organisation_id>/edit/", views.organisation_edit, name="organisation-edit"),
    path("<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("<slug:slug>/participants/", views.participation_add, name="participation-add"),
    path("<slug:slug>/organisations/new/", views.organisation_create, name="organisation-create"),
    path(
        "<slug:slug>/participants/<int:participation_id>/remove/",
        views.participation_remove,
        name="participation-remove",
    ),
]
