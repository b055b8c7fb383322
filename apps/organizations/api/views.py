from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.organizations.api.permissions import OrganizationPermission
from apps.organizations.api.serializers import (
    MembershipSerializer,
    OrganizationSerializer,
)
from apps.organizations.models import Membership, Organization
from apps.organizations.roles import Permission


class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Organization],
):
    """The organizations you belong to (an API key sees its own only).

    Renaming needs an admin's rights: an admin or owner session, or a
    read-write API key.
    """

    serializer_class = OrganizationSerializer
    permission_classes = [IsAuthenticated, OrganizationPermission]
    write_permission = Permission.MANAGE_SETTINGS
    http_method_names = ["get", "patch", "head", "options"]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Organization.objects.none()
        return Organization.objects.for_user(self.request.user).order_by("name", "pk")

    @extend_schema(responses=MembershipSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def members(self, request: Request, id: str) -> Response:
        organization = self.get_object()
        rows = (
            Membership.objects.for_user(request.user)
            .filter(organization=organization)
            .select_related("user")
            .by_rank()
        )
        return Response(MembershipSerializer(rows, many=True).data)
