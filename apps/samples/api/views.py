"""The agent intake: ``POST /api/v1/agent/samples`` (agent/PROTOCOL.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from apps.nodes.actions import AgentNode, record_refusal
from apps.samples.actions import NodeGone, store_samples
from apps.samples.api.authentication import AgentTokenAuthentication
from apps.samples.api.schema import batch_schema
from apps.samples.api.serializers import AckSerializer, IntakeErrorSerializer
from apps.samples.api.throttling import NodeRateThrottle
from apps.samples.protocol import (
    MAX_BODY_BYTES,
    IncomingSample,
    IntakeError,
    decode_body,
    parse_batch,
)

_ERROR = IntakeErrorSerializer


def intake_exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    """DRF's answers (401, 429...) in the intake's ``{"error": ...}`` shape."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        response.data = {"error": str(response.data.get("detail", "refused"))}
    return response


class SampleIntakeView(APIView):
    """Stores the samples an agent sends; each (node, ts) is stored once."""

    authentication_classes = [AgentTokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [NodeRateThrottle]
    # The body is read raw: its size is capped and gzip inflated with a limit
    # before any JSON parsing.
    parser_classes: list[Any] = []
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self) -> Any:
        return intake_exception_handler

    @extend_schema(
        operation_id="agent_samples_create",
        summary="Send node samples (the agent's intake)",
        request={"application/json": batch_schema()},
        parameters=[
            OpenApiParameter(
                "Content-Encoding",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                enum=["gzip", "identity"],
                description="The agent always sends gzip.",
            )
        ],
        responses={
            200: AckSerializer,
            400: OpenApiResponse(_ERROR, "A refused sample, named by `field`."),
            401: OpenApiResponse(
                _ERROR, "Missing, unknown or revoked agent token, or a deleted node."
            ),
            413: OpenApiResponse(_ERROR, "Body above 1 MiB, or JSON above 8 MiB."),
            415: OpenApiResponse(_ERROR, "Not JSON, or an unknown encoding."),
            429: OpenApiResponse(_ERROR, "Too many requests; see Retry-After."),
        },
        tags=["agent"],
    )
    def post(self, request: Request) -> Response:
        try:
            samples = _read_samples(request)
        except IntakeError as exc:
            body = {"error": exc.message}
            if exc.field:
                body["field"] = exc.field
            if exc.status != 413:  # the agent splits the batch and goes on
                node = cast(AgentNode, request.auth)
                reason = ": ".join(filter(None, [exc.field, exc.message]))
                record_refusal(node.pk, reason)
            return Response(body, status=exc.status)

        try:
            ack = store_samples(cast(AgentNode, request.auth), samples)
        except NodeGone:
            raise AuthenticationFailed(_("This node was deleted.")) from None
        return Response({"accepted": ack.accepted, "duplicates": ack.duplicates})


def _read_samples(request: Request) -> list[IncomingSample]:
    if request.content_type.split(";")[0].strip() != "application/json":
        raise IntakeError("send application/json", status=415)
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise IntakeError(f"body above {MAX_BODY_BYTES} bytes", status=413)

    # Reading one byte past the cap tells an oversized body from a full one.
    raw = request._request.read(MAX_BODY_BYTES + 1)
    body = decode_body(raw, request.META.get("HTTP_CONTENT_ENCODING", ""))
    now = timezone.now()
    oldest = now - timedelta(days=settings.SAMPLES_RAW_RETENTION_DAYS)
    return parse_batch(body, now, oldest)
