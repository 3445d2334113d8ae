from django.urls import path

from vidnova.accounts import views

app_name = "accounts"
urlpatterns = [
    path("invitations/", views.invitation_list, name="invitation-list"),
    path("invitations/new/", views.invitation_create, name="invitation-create"),
    path("invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("hromadas/<str:katottg>/members/", views.hromada_members, name="hromada-members"),
    path("organisations/<int:organisation_id>/members/", views.organisation_members, name="organisation-members"),
    path("programmes/<slug:slug>/members/", views.programme_members, name="programme-members"),
    path("memberships/<int:membership_id>/remove/", views.membership_remove, name="membership-remove"),
    path("api-token/", views.api_token, name="api-token"),
]
