from django.urls import path

from apps.apikeys import views

app_name = "apikeys"
urlpatterns = [
    path("<uuid:org>/api-keys/", views.api_keys, name="list"),
    path("<uuid:org>/api-keys/<uuid:key>/revoke/", views.revoke, name="revoke"),
]
