"""Spec-shaped payloads from tests/fixtures (see SOURCES.md there)."""

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parents[1] / "fixtures"


def load(vendor: str, name: str) -> Any:
    """The JSON payload in tests/fixtures/<vendor>/<name>.json."""
    return json.loads((FIXTURES / vendor / f"{name}.json").read_text())
