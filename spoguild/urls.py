from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from apps.health.views import healthz, ping
from apps.organizations.views import invitation
from spoguild.api import router

admin.site.site_header = "SPO Guild administration"
admin.site.site_title = "SPO Guild admin"

# Every agent posts here every minute: first, so resolving it tries least.
api_patterns: list[URLPattern | URLResolver] = [
    path("agent/", include("apps.samples.api.urls")),
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"
    ),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

urlpatterns = [
    path("api/v1/", include(api_patterns)),
    path("", include("apps.pages.urls")),
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("apps.accounts.urls")),
    path("orgs/", include("apps.organizations.urls")),
    path("orgs/", include("apps.apikeys.urls")),
    path("", include("apps.pools.urls")),
    path("orgs/", include("apps.nodes.urls")),
    path("invitations/<str:token>/", invitation, name="invitation"),
]

handler404 = "apps.pages.views.page_not_found"
handler500 = "apps.pages.views.server_error"
