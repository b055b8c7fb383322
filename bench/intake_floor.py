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

from bench import intake


def main() -> bool:
    return intake.measure("intake_floor", app="bench._floor_app:application")


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
