"""The intake is documented in the OpenAPI schema, without generator warnings."""

from __future__ import annotations

from io import StringIO

import yaml
from django.core.management import call_command


def _schema() -> dict:
    out = StringIO()
    call_command("spectacular", "--fail-on-warn", "--validate", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_the_intake_is_documented_with_its_token_and_answers() -> None:
    schema = _schema()

    operation = schema["paths"]["/api/v1/agent/samples"]["post"]
    assert operation["security"] == [{"agentToken": []}]
    assert set(operation["responses"]) >= {"200", "400", "401", "413", "429"}
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    sample = body["properties"]["samples"]["items"]
    memory = sample["properties"]["host"]["properties"]["memory"]
    assert memory["properties"]["total_bytes"]["type"] == "integer"
    assert schema["components"]["securitySchemes"]["agentToken"]["scheme"] == "bearer"
