"""An agent's backlog after an outage: 10,000 spooled samples accepted in 5 s.

The real agent's spool and delivery (batches of 500, oldest first, its HTTP
transport) drain a spool of 10,000 realistic samples, a minute apart over
the last week, into the intake served by gunicorn on PostgreSQL (the same
harness as ``bench.intake``). The clock runs from the first request to the
last acknowledgement.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.intake import realistic_sample, running_service, stored_samples
from bench.results import record

SAMPLES = 10_000
BATCH_SIZE = 500
TARGET_SECONDS = 5.0


def _fill(spool_path: Path) -> None:
    from spoguild_agent import Spool

    newest = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    template = realistic_sample(newest)
    with Spool(spool_path, max_samples=SAMPLES) as spool:
        for minute in range(SAMPLES - 1, -1, -1):
            ts = (newest - timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
            body = json.dumps({**template, "ts": ts}, separators=(",", ":"))
            spool.append(ts, body)


def _drain(port: int, token: str, spool_path: Path) -> tuple[float, int, int]:
    from spoguild_agent import Delivery, HTTPTransport, Sender, Spool

    with Spool(spool_path, max_samples=SAMPLES) as spool:
        sender = Sender(f"http://127.0.0.1:{port}", token, HTTPTransport())
        delivery = Delivery(spool, sender, batch_size=BATCH_SIZE)
        started = time.perf_counter()
        result = delivery.flush()
        elapsed = time.perf_counter() - started
        if result.error:
            raise RuntimeError(f"delivery stopped: {result.error}")
        return elapsed, result.delivered, spool.count()


def main() -> bool:
    spool_path = Path(tempfile.mkdtemp(prefix="spoguild-bench-")) / "spool.db"
    _fill(spool_path)
    with running_service(agents=1) as service:
        seconds, delivered, left = _drain(service.port, service.tokens[0], spool_path)
        stored = stored_samples()

    figures = {
        "samples": SAMPLES,
        "batch_size": BATCH_SIZE,
        "seconds": round(seconds, 2),
        "samples_per_s": round(delivered / seconds),
        "delivered": delivered,
        "stored": stored,
        "left_in_spool": left,
    }
    targets = {"seconds": f"<= {TARGET_SECONDS}", "stored": str(SAMPLES)}
    passed = seconds <= TARGET_SECONDS and stored == SAMPLES and left == 0
    record("backlog", figures, targets, passed)
    return passed
