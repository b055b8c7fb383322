"""The intake's OpenAPI description, generated from the protocol's own schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from apps.samples.protocol import MAX_SAMPLES, PROTOCOL_VERSION, SAMPLE, Kind

_TYPES: dict[Kind, dict[str, Any]] = {
    Kind.INT: {"type": "integer", "minimum": 0},
    Kind.NUM: {"type": "number"},
    Kind.STR: {"type": "string"},
    Kind.BOOL: {"type": "boolean"},
    Kind.TS: {"type": "string", "example": "2025-06-01T00:00:00Z"},
    Kind.PERCENT: {"type": "number", "minimum": 0, "maximum": 100},
}


class AgentTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents the agent token authentication in the OpenAPI schema."""

    target_class = "apps.samples.api.authentication.AgentTokenAuthentication"
    name = "agentToken"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A node's agent token: `Authorization: Bearer sga_...`.",
        }


def json_schema(spec: Any) -> dict[str, Any]:
    """The OpenAPI schema of a protocol spec; every value may be null."""
    if isinstance(spec, dict):
        properties = {key: json_schema(item) for key, item in spec.items()}
        return {"type": "object", "nullable": True, "properties": properties}
    if isinstance(spec, list):
        return {"type": "array", "nullable": True, "items": json_schema(spec[0])}
    return {**_TYPES[spec], "nullable": True}


def batch_schema() -> dict[str, Any]:
    sample = json_schema(SAMPLE)
    sample["nullable"] = False
    sample["required"] = ["ts"]
    sample["properties"]["ts"]["nullable"] = False
    return {
        "type": "object",
        "required": ["version", "samples"],
        "properties": {
            "version": {"type": "integer", "enum": [PROTOCOL_VERSION]},
            "samples": {"type": "array", "items": sample, "maxItems": MAX_SAMPLES},
        },
        "description": (
            "Sent gzip-compressed (`Content-Encoding: gzip`). Keys not listed "
            "are kept; a missing key is null. See agent/PROTOCOL.md."
        ),
    }
