"""A pool's public card with 100 epochs of history: under 50 ms at p95.

The same PostgreSQL bench database and demo directory as ``bench.directory``;
the DEMO pool's history is extended to 100 epochs (what the card shows at
most). Requests go through Django's test client in process, anonymous, as a
delegator would come; the view is recorded at most once per ten minutes, so
the steady state is what is timed. The rewards CSV and the API's history are
timed as well, for information.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bench.directory import bench_database, cycling, p95_ms, prepare, run_child

TARGET_MS = 50.0
EPOCHS = 100
TARGETS = {"card_p95_ms": f"< {TARGET_MS:g}"}


def main() -> bool:
    with bench_database():
        figures = run_child("bench.pool_card")
    passed = figures["card_p95_ms"] < TARGET_MS
    from bench.results import record

    record("pool_card", figures, TARGETS, passed)
    return passed


def _hundred_epochs() -> Any:
    """The DEMO pool, with older epochs added until it has a hundred."""
    from apps.demo.chain import DEMO_TICKER
    from apps.pools.models import Pool, PoolEpoch

    pool = Pool.objects.get(ticker=DEMO_TICKER)
    newest = pool.epochs.order_by("epoch").first()
    assert newest is not None
    missing = EPOCHS - pool.epochs.count()
    PoolEpoch.objects.bulk_create(
        PoolEpoch(
            pool=pool,
            epoch=newest.epoch - number,
            blocks=newest.blocks,
            active_stake=newest.active_stake,
            active_size=newest.active_size,
            delegators_count=newest.delegators_count,
            rewards=newest.rewards,
            fees=newest.fees,
            expected_blocks=newest.expected_blocks,
        )
        for number in range(1, missing + 1)
    )
    return pool


def measure() -> dict[str, Any]:
    prepare()
    from django.test import Client

    pool = _hundred_epochs()
    client = Client()
    card = p95_ms(cycling(client, f"/pools/{pool.pool_id}/", [{}]))
    rewards = p95_ms(cycling(client, f"/pools/{pool.pool_id}/rewards.csv", [{}]))
    # One caller asking 210 times would be throttled; the timing is of the view.
    from rest_framework.throttling import AnonRateThrottle

    AnonRateThrottle.THROTTLE_RATES = {"anon": "100000/min"}
    history = p95_ms(
        cycling(client, f"/api/v1/pools/{pool.pool_id}/history", [{"limit": "100"}])
    )
    return {
        "epochs": pool.epochs.count(),
        "requests_each": 200,
        "card_p50_ms": card["p50"],
        "card_p95_ms": card["p95"],
        "rewards_csv_p95_ms": rewards["p95"],
        "api_history_p95_ms": history["p95"],
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["measure"]:
        print(json.dumps(measure()))
    else:
        sys.exit(0 if main() else 1)
