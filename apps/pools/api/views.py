"""The public, read-only pool API: the directory, a pool, its epochs."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError as FormError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from apps.networks.constants import Network
from apps.pools.api.serializers import (
    PoolDetailSerializer,
    PoolEpochSerializer,
    PoolSerializer,
)
from apps.pools.forms import DirectoryForm, parse_network
from apps.pools.history import epoch_rows
from apps.pools.models import Pool

# A pool id names no network: the same id can be registered on mainnet and
# preprod, so one pool's endpoints take the network as a query parameter.
NETWORK_PARAMETER = OpenApiParameter(
    "network",
    OpenApiTypes.STR,
    enum=Network.values,
    default=Network.MAINNET.value,
    description=(
        "The network the pool is registered on; the same pool id can be on "
        "several. An unknown network is a 400."
    ),
)


class PoolPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


def _directory_parameters() -> list[OpenApiParameter]:
    """The list's query parameters, read off the directory form so they agree."""
    parameters = []
    for name, field in DirectoryForm.base_fields.items():
        choices = getattr(field, "choices", None)
        parameters.append(
            OpenApiParameter(
                name,
                OpenApiTypes.NUMBER
                if isinstance(field, forms.FloatField)
                else OpenApiTypes.STR,
                enum=[value for value, _label in choices if value] if choices else None,
                description=str(field.help_text or field.label),
            )
        )
    return parameters


@extend_schema_view(
    list=extend_schema(
        summary="The pool directory",
        description=(
            "Pools of one network (mainnet unless `network` says otherwise), "
            "searched, filtered and sorted as on the directory page. Saturation "
            "bounds are percentages."
        ),
        parameters=_directory_parameters(),
    ),
    retrieve=extend_schema(
        summary="One pool's public numbers", parameters=[NETWORK_PARAMETER]
    ),
)
class PoolViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Pool]
):
    """Public chain data about stake pools; no key needed.

    Who asks does not change the answer, so requests are not authenticated and
    every caller is throttled by address at the anonymous rate.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle]
    pagination_class = PoolPagination
    lookup_field = "pool_id"
    lookup_value_regex = "pool1[02-9ac-hj-np-z]+"

    def get_queryset(self) -> Any:
        if self.action != "list":
            return Pool.objects.filter(network=self._network())
        form = DirectoryForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        return form.apply(Pool.objects.for_directory())

    def _network(self) -> Network:
        try:
            return parse_network(self.request.query_params.get("network"))
        except FormError as error:
            raise ValidationError({"network": error.messages}) from None

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return PoolDetailSerializer
        if self.action == "history":
            return PoolEpochSerializer
        return PoolSerializer

    @extend_schema(
        summary="A pool's epochs, newest first",
        parameters=[NETWORK_PARAMETER],
        responses=PoolEpochSerializer(many=True),
    )
    @action(detail=True)
    def history(self, request: Request, pool_id: str) -> Response:
        pool = self.get_object()
        # The view paginates pools; its paginator serves any queryset.
        epochs = self.paginate_queryset(cast(Any, pool.epochs.order_by("-epoch")))
        rows = epoch_rows(epochs or [], pool.network)
        return self.get_paginated_response(PoolEpochSerializer(rows, many=True).data)
