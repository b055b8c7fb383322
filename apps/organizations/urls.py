from django.urls import path

from apps.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("<uuid:org>/", views.overview, name="overview"),
    path("<uuid:org>/switch/", views.switch, name="switch"),
    path("<uuid:org>/members/", views.members, name="members"),
    path("<uuid:org>/members/invite/", views.invite, name="invite"),
    path(
        "<uuid:org>/members/<uuid:member>/role/", views.change_role, name="change_role"
    ),
    path(
        "<uuid:org>/members/<uuid:member>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path(
        "<uuid:org>/invitations/<uuid:invitation>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("<uuid:org>/leave/", views.leave, name="leave"),
    path("<uuid:org>/settings/", views.settings, name="settings"),
    path("<uuid:org>/transfer/", views.transfer, name="transfer"),
    path("<uuid:org>/delete/", views.delete, name="delete"),
]
