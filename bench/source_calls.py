"""Requests the chain sync sends to its source, counted against local fakes.

(a) Refreshing the directory of 3,100 pools, from Blockfrost (target: at most
    40 calls) and, for comparison, from Koios.
(b) One followed pool in steady state on Blockfrost: the real tasks' schedule
    (details every 15 minutes, the directory check hourly) run on a simulated
    clock through three mainnet epochs, each bringing a new epoch of history,
    the rewards of an older one, and BLOCKS_PER_EPOCH new blocks on different
    days. The tip and epoch polls and the shared directory refresh are not
    counted against the pool (target: at most 10 calls an epoch).

The fakes are local HTTP servers answering in the shapes of the vendors'
specifications (``tests/sync/blockfrost.py``); the sync code, the sources and
their HTTP client are the real ones, on a throwaway SQLite test database in a
child process, so the runner's own process stays free of Django.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

BLOCKS_PER_EPOCH = 3
# Days into each epoch when the pool makes a block: each on another day, so
# each is found by another daily directory refresh (the costly case).
BLOCK_DAYS = (0.8, 2.3, 3.6)
EPOCHS = (501, 502, 503)
DIRECTORY_SIZE = 3100
TARGETS = {
    "directory_calls_blockfrost": "<= 40",
    "steady_calls_per_epoch_max": "<= 10",
}


def main() -> bool:
    figures = _run_child()
    from bench.results import record

    passed = (
        figures["directory_calls_blockfrost"] <= 40
        and figures["steady_calls_per_epoch_max"] <= 10
    )
    record("source_calls", figures, TARGETS, passed)
    return passed


def _run_child() -> dict[str, Any]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATA_DIR=tempfile.mkdtemp(prefix="spoguild-bench-"),
        LOG_LEVEL="warning",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bench.source_calls", "measure"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def measure() -> dict[str, Any]:
    """In the child: both scenarios, each on a fresh test database."""
    import django

    django.setup()
    logging.getLogger("apps.chain").setLevel(logging.WARNING)
    with _test_database():
        figures = _directory_figures()
    with _test_database():
        figures |= _steady_state_figures()
    return figures


@contextmanager
def _test_database() -> Iterator[None]:
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _blockfrost(url: str) -> Callable[[Any], Any]:
    from apps.chain.sources import BlockfrostSource

    def make(counter: Any) -> BlockfrostSource:
        return BlockfrostSource(
            "benchProjectId", "mainnet", base_url=url, counter=counter
        )

    return make


def _run(make: Callable[[Any], Any], job: Callable[..., Any], now: datetime) -> Any:
    from apps.chain.sync import runs

    return runs.run(
        "mainnet",
        lambda source: job(source, now),
        now=now,
        make_source=lambda _network, counter: make(counter),
    )


def _directory_figures() -> dict[str, Any]:
    from apps.chain.sync.directory import sync_directory
    from apps.chain.sync.network import sync_network_state
    from spoguild.http import calls
    from tests.http.server import FakeServer
    from tests.sync.blockfrost import FakeBlockfrost
    from tests.sync.fakes import moment

    chain = FakeBlockfrost(epoch=500)
    for n in range(DIRECTORY_SIZE):
        chain.add_pool(n)
    with FakeServer(chain) as server:
        make = _blockfrost(server.url)
        _run(make, sync_network_state, moment(500))
        calls.reset()
        started = time.perf_counter()
        _run(make, sync_directory, moment(500))
        seconds = time.perf_counter() - started

    return {
        "directory_pools": DIRECTORY_SIZE,
        "directory_calls_blockfrost": calls["blockfrost"],
        "directory_seconds_blockfrost": round(seconds, 2),
        "directory_calls_koios": _koios_directory_calls(),
    }


def _koios_directory_calls() -> int:
    """The same directory from a fake Koios (PostgREST paging), on preprod."""
    from apps.chain.sources import KoiosSource
    from apps.chain.sync import runs
    from apps.chain.sync.directory import sync_directory
    from apps.chain.sync.network import store_epoch
    from spoguild.http import calls
    from tests.http.server import FakeServer, Reply, Request
    from tests.sync.fakes import epoch_info, moment

    rows = [_koios_row(n) for n in range(DIRECTORY_SIZE)]

    def pool_list(request: Request) -> Reply:
        offset = int(request.query.get("offset", 0))
        limit = min(int(request.query.get("limit", 1000)), 1000)
        page = rows[offset : offset + limit]
        span = f"{offset}-{offset + len(page) - 1}/{len(rows)}"
        return Reply(200, page, headers={"Content-Range": span})

    store_epoch("preprod", epoch_info(500))
    with FakeServer(pool_list) as server:
        calls.reset()
        runs.run(
            "preprod",
            lambda source: sync_directory(source, moment(500)),
            make_source=lambda network, counter: KoiosSource(
                network, base_url=server.url, counter=counter
            ),
        )
    return calls["koios"]


def _koios_row(n: int) -> dict[str, Any]:
    """A ``/pool_list`` row as Koios's specification shapes it."""
    return {
        "pool_id_bech32": f"pool1koios{n:048d}",
        "pool_id_hex": f"{n + 10**6:056x}",
        "active_epoch_no": 324,
        "margin": 0.02,
        "fixed_cost": "170000000",
        "pledge": "5000000000",
        "deposit": "500000000",
        "reward_addr": None,
        "owners": None,
        "relays": [],
        "ticker": f"K{n}"[:5],
        "pool_group": None,
        "meta_url": f"https://k{n}.example.org/m.json",
        "meta_hash": f"{n:064x}",
        "pool_status": "registered",
        "active_stake": "21600000000000",
        "retiring_epoch": None,
    }


def _steady_state_figures() -> dict[str, Any]:
    from apps.chain.sync.details import sync_details
    from apps.chain.sync.directory import sync_directory
    from apps.networks import slots
    from apps.organizations.models import Organization
    from apps.pools.models import FollowedPool, Pool
    from spoguild.http import CallCounter
    from tests.http.server import FakeServer
    from tests.sync.blockfrost import FakeBlockfrost
    from tests.sync.fakes import moment

    chain = FakeBlockfrost(epoch=500)
    pool = chain.add_pool(7)
    for epoch in range(480, 501):
        pool.add_epoch(epoch, rewards=6_500_000_000 if epoch <= 498 else 0)
    pool.add_block(500, 1000)
    detail_counter = CallCounter()

    with FakeServer(chain) as server:
        make = _blockfrost(server.url)
        counted = _counting(make, detail_counter)
        # Warm-up: the pool is listed, followed, and synced once in full.
        warm = moment(500, days=0.5)
        _run(make, sync_directory, warm)
        organization = Organization.objects.create(name="Bench")
        FollowedPool.objects.create(
            organization=organization, pool=Pool.objects.get(pool_id=pool.pool_id)
        )
        _run(counted, sync_details, warm)
        first_sync = detail_counter["blockfrost"]
        paths_before = len(server.requests)

        per_epoch: dict[int, int] = {}
        now = moment(500, days=0.5)
        for epoch in EPOCHS:
            counted_before = detail_counter["blockfrost"]
            end = slots.epoch_start("mainnet", epoch + 1)
            now = _simulate_epoch(chain, pool, epoch, now, end, make, counted)
            per_epoch[epoch] = detail_counter["blockfrost"] - counted_before
        endpoints = _endpoints(server.requests[paths_before:])
        # The directory's requests are shared by every pool, not this one's.
        for shared in ("/pools/extended", "/pools/retiring"):
            endpoints.pop(shared, None)

    counts = list(per_epoch.values())
    return {
        "steady_blocks_per_epoch": BLOCKS_PER_EPOCH,
        "steady_first_sync_calls": first_sync,
        "steady_calls_per_epoch": per_epoch,
        "steady_calls_per_epoch_max": max(counts),
        "steady_calls_per_epoch_mean": round(sum(counts) / len(counts), 2),
        "steady_requests_by_endpoint": endpoints,
    }


def _simulate_epoch(
    chain: Any,
    pool: Any,
    epoch: int,
    now: datetime,
    end: datetime,
    make: Callable[[Any], Any],
    counted: Callable[[Any], Any],
) -> datetime:
    """Runs the beat schedule from ``now`` to ``end``, the chain moving on."""
    from apps.networks import slots

    start = slots.epoch_start("mainnet", epoch)
    block_times = [start + timedelta(days=days) for days in BLOCK_DAYS]
    step = timedelta(minutes=15)
    # The tick at ``end`` itself is the next epoch's first.
    while now + step < end:
        now += step
        if now >= start and chain.epoch < epoch:
            chain.epoch = epoch
            pool.settle(epoch - 2, 6_500_000_000)
            pool.add_epoch(epoch, blocks=0)
        while block_times and block_times[0] <= now:
            slot = int((block_times.pop(0) - start).total_seconds())
            pool.add_block(epoch, slot)
            pool.history[-1]["blocks"] += 1
        _tick(now, make, counted)
    return now


def _tick(
    now: datetime, make: Callable[[Any], Any], counted: Callable[[Any], Any]
) -> None:
    """What the beat does in a quarter hour: the hourly directory check, and the
    detail run (tip and epoch polls are left out: they are no pool's cost)."""
    from apps.chain.sync.details import sync_details
    from apps.chain.sync.directory import directory_due, sync_directory

    if now.minute < 15 and directory_due("mainnet", now):
        _run(make, sync_directory, now)
    _run(counted, sync_details, now)


def _counting(make: Callable[[Any], Any], counter: Any) -> Callable[[Any], Any]:
    """Sources whose calls count on their run's counter and on ``counter``."""
    from spoguild.http import CallCounter

    class Tee(CallCounter):
        def __init__(self, run_counter: CallCounter) -> None:
            super().__init__()
            self.run_counter = run_counter

        def add(self, source: str) -> None:
            self.run_counter.add(source)
            counter.add(source)

        def __getitem__(self, source: str) -> int:
            return self.run_counter[source]

    return lambda run_counter: make(Tee(run_counter))


def _endpoints(requests: list[Any]) -> dict[str, int]:
    """Requests by endpoint shape, pool ids and hashes folded."""
    shapes: Counter[str] = Counter()
    for request in requests:
        path = request.path
        for prefix, shape in (
            ("/pools/extended", "/pools/extended"),
            ("/pools/retiring", "/pools/retiring"),
        ):
            if path.startswith(prefix):
                path = shape
                break
        else:
            parts = path.split("/")
            if len(parts) > 2 and parts[1] == "pools":
                parts[2] = "{pool_id}"
            if len(parts) == 3 and parts[1] == "blocks" and len(parts[2]) == 64:
                parts[2] = "{hash}"
            path = "/".join(parts)
        shapes[path] += 1
    return dict(sorted(shapes.items()))


if __name__ == "__main__" and sys.argv[1:] == ["measure"]:
    print(json.dumps(measure()))
