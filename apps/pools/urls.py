"""Public pool pages under /pools/, and an organization's follows under /orgs/."""

from django.urls import path

from apps.pools import views

app_name = "pools"
urlpatterns = [
    path("pools/", views.directory, name="directory"),
    path("pools/compare/", views.compare, name="compare"),
    path("pools/how-numbers-are-computed/", views.methodology, name="methodology"),
    path("pools/<str:pool_id>/", views.card, name="card"),
    path("pools/<str:pool_id>/rewards.csv", views.rewards_csv, name="rewards_csv"),
    path("orgs/<uuid:org>/pools/", views.followed, name="followed"),
    path("orgs/<uuid:org>/pools/<str:pool_id>/follow/", views.follow, name="follow"),
    path(
        "orgs/<uuid:org>/pools/<str:pool_id>/unfollow/",
        views.unfollow,
        name="unfollow",
    ),
]
