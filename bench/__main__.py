"""Runs every benchmark module in this folder (or those named on the command line).

A benchmark module defines ``main() -> bool`` and records its figures with
``bench.results.record``. The exit code is non-zero when any target is missed.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

SKIP = {"results", "__main__"}


def benchmark_names() -> list[str]:
    folder = Path(__file__).resolve().parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(folder)])
        if info.name not in SKIP and not info.name.startswith("_")
    )


def main(names: list[str]) -> int:
    failed = []
    for name in names or benchmark_names():
        module = importlib.import_module(f"bench.{name}")
        if not module.main():
            failed.append(name)
    if failed:
        print(f"targets missed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
