"""The floor under the intake bench: its own work, without Django's request stack.

Same service, database, agents, clients and ``/ping`` baseline as
``bench.intake``, but gunicorn serves ``bench._floor_app``, where the samples
path skips middleware, DRF and the per-request token check and keeps only the
rate-limit count, the body's validation and the service's write. The targets
are the intake's: a rate below half of ``/ping`` here shows that no Django
intake doing that work reaches it on this machine, where the web workers,
PostgreSQL, Redis and the clients share the same cores.
"""

from __future__ import annotations

import os

from bench import intake
from bench.results import record


def main() -> bool:
    with intake.running_service(intake.AGENTS, app="bench._floor_app:application") as s:
        ping = intake.drive(s, intake._ping_plans())
        floor = intake.drive(s, intake._intake_plans(s.tokens))
        stored = intake.stored_samples()

    figures = {
        "workers": intake.WORKERS,
        "clients": intake.CLIENTS,
        "floor": floor,
        "ping": ping,
        "floor_vs_ping": round(floor["requests_per_s"] / ping["requests_per_s"], 2),
        "samples_stored": stored,
        "machine_cpus": os.cpu_count(),
    }
    targets = {
        "floor_requests_per_s": ">= 300",
        "floor_vs_ping": ">= 0.5",
        "failures": "0",
    }
    passed = (
        floor["requests_per_s"] >= 300
        and figures["floor_vs_ping"] >= 0.5
        and floor["failures"] == 0
        and stored >= floor["statuses"].get("200", 0)
    )
    record("intake_floor", figures, targets, passed)
    return passed


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
