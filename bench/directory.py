"""The pool directory on a whole network: search and sort under 100 ms at p95.

A PostgreSQL database (``spoguild_bench_pools``) is migrated and filled with
the demo directory: 3,000 mainnet-like pools, the largest with twenty epochs
of history. A child process, with the production-like settings of a
development start (DEBUG off, no query logging), then times requests through
Django's test client, in process: the directory searched as people type
(the htmx part and the full page) and sorted by each key in both directions,
a few pages deep. The query plan of the default listing is recorded too.

``python -m bench.directory`` runs it; ``measure`` is the child's entry point.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "spoguild_bench_pools"
ROUNDS = 200
TARGET_MS = 100.0
TARGETS = {
    "search_p95_ms": f"< {TARGET_MS:g}",
    "search_htmx_p95_ms": f"< {TARGET_MS:g}",
    "sort_p95_ms": f"< {TARGET_MS:g}",
}
# What people type: ticker starts, parts of names, the start of a pool id.
SEARCHES = ("k", "ka", "kal", "ze", "harbor", "stake", "cedar lab", "pool1", "zzzz")


def main() -> bool:
    with bench_database():
        figures = run_child("bench.directory")
    passed = all(figures[name] < TARGET_MS for name in TARGETS)
    from bench.results import record

    record("directory", figures, TARGETS, passed)
    return passed


@contextmanager
def bench_database() -> Iterator[None]:
    """A fresh, empty bench database, dropped afterwards."""
    _psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    _psql(f"CREATE DATABASE {DATABASE}")
    try:
        yield
    finally:
        _psql(f"DROP DATABASE IF EXISTS {DATABASE}")


def run_child(module: str) -> dict[str, Any]:
    """Runs ``python -m <module> measure`` on the bench database; its JSON out."""
    env = {
        **os.environ,
        "SPOGUILD_ENV": "development",
        "DEBUG": "false",
        "LOG_LEVEL": "warning",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "DATA_DIR": tempfile.mkdtemp(prefix="spoguild-bench-"),
        "DJANGO_SETTINGS_MODULE": "spoguild.settings",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", module, "measure"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _psql(statement: str) -> None:
    subprocess.run(
        ["psql", f"{POSTGRES}/postgres", "-q", "-c", statement],
        check=True,
        capture_output=True,
    )


def prepare() -> Any:
    """In the child: migrate, fill the demo directory, analyse; the demo org."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from apps.demo.chain import ensure_demo_pools
    from apps.organizations.models import Organization

    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Bench")
    ensure_demo_pools(organization)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return organization


def p95_ms(request: Callable[[], Any], rounds: int = ROUNDS) -> dict[str, float]:
    """Times ``request`` (after a warm-up); p50 and p95 in milliseconds."""
    for _ in range(10):
        request()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    cuts = statistics.quantiles(times, n=100)
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2)}


def cycling(
    client: Any, url: str, queries: list[dict[str, str]], **headers: str
) -> Callable[[], Any]:
    """A request that takes the next query each time it is called."""
    state = {"n": 0}

    def request() -> Any:
        query = queries[state["n"] % len(queries)]
        state["n"] += 1
        return client.get(url, query, HTTP_HOST="localhost", **headers)

    return request


def _default_plan() -> str:
    """The plan of the page's query, as the view sends it (with a window count)."""
    from django.db import connection
    from django.db.models import Count, Window

    from apps.pools.forms import DirectoryForm
    from apps.pools.models import Pool

    form = DirectoryForm({})
    assert form.is_valid()
    pools = form.apply(Pool.objects.for_directory())
    query = pools.annotate(total=Window(Count("pk")))[:50].query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return " / ".join(row[0].strip() for row in cursor.fetchall())


def measure() -> dict[str, Any]:
    prepare()
    from django.test import Client

    from apps.pools.models import Pool
    from apps.pools.queries import SORTS

    client = Client()
    url = "/pools/"
    searches = [{"q": text} for text in SEARCHES]
    sorts = [
        {"sort": key, "dir": direction, "page": str(page)}
        for key in SORTS
        for direction in ("asc", "desc")
        for page in (1, 2, 3)
    ]
    search = p95_ms(cycling(client, url, searches))
    htmx = p95_ms(cycling(client, url, searches, HTTP_HX_REQUEST="true"))
    sort = p95_ms(cycling(client, url, sorts))
    return {
        "pools": Pool.objects.count(),
        "requests_each": ROUNDS,
        "search_p50_ms": search["p50"],
        "search_p95_ms": search["p95"],
        "search_htmx_p50_ms": htmx["p50"],
        "search_htmx_p95_ms": htmx["p95"],
        "sort_p50_ms": sort["p50"],
        "sort_p95_ms": sort["p95"],
        "default_listing_plan": _default_plan(),
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        print(json.dumps(measure()))
    else:
        sys.exit(0 if main() else 1)
