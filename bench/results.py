"""Recording a benchmark's measured figures against its targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def record(
    name: str, figures: dict[str, Any], targets: dict[str, str], passed: bool
) -> Path:
    """Prints the figures and writes ``bench/results/<name>.json``."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    body = {"name": name, "figures": figures, "targets": targets, "passed": passed}
    path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    verdict = "PASS" if passed else "FAIL"
    print(f"[{verdict}] {name}")
    for key, value in figures.items():
        print(f"    {key}: {value}")
    for key, value in targets.items():
        print(f"    target {key}: {value}")
    return path
