from django.urls import path

from apps.nodes import views

app_name = "nodes"
urlpatterns = [
    path("<uuid:org>/nodes/new/", views.add, name="add"),
    path("<uuid:org>/nodes/status/", views.overview_list, name="overview_list"),
    path("<uuid:org>/nodes/<uuid:node>/", views.detail, name="detail"),
    path("<uuid:org>/nodes/<uuid:node>/panels/", views.panels, name="panels"),
    path(
        "<uuid:org>/nodes/<uuid:node>/charts.json",
        views.chart_data,
        name="chart_data",
    ),
    path("<uuid:org>/nodes/<uuid:node>/edit/", views.edit, name="edit"),
    path("<uuid:org>/nodes/<uuid:node>/delete/", views.delete, name="delete"),
    path("<uuid:org>/nodes/<uuid:node>/token/", views.token, name="token"),
    path(
        "<uuid:org>/nodes/<uuid:node>/token/rotate/",
        views.rotate_token,
        name="rotate_token",
    ),
    path(
        "<uuid:org>/nodes/<uuid:node>/token/revoke/",
        views.revoke_token,
        name="revoke_token",
    ),
]
