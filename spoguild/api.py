"""The one router of the REST API; each app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from apps.organizations.api.views import OrganizationViewSet
from apps.pools.api.views import PoolViewSet

router = DefaultRouter(trailing_slash=False)
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("pools", PoolViewSet, basename="pool")
