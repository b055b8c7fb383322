"""A real Celery worker consumes tasks from the configured broker.

On the embedded setup that is the filesystem transport in DATA_DIR; with
REDIS_URL set it is the real Redis server. Either way no task runs eagerly here.
"""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker

from apps.health.models import WorkerHeartbeat
from apps.health.tasks import record_heartbeat
from spoguild.celery import app


@pytest.fixture
def real_worker(transactional_db: None):
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ):
            yield
    finally:
        app.conf.task_always_eager = True


def test_a_worker_runs_the_heartbeat_sent_through_the_broker(real_worker) -> None:
    # Given a worker listening on the broker
    # When a heartbeat task is published and the worker has acknowledged it
    result = record_heartbeat.apply_async(ignore_result=False)
    # Generous: the filesystem transport polls, and a loaded CI machine is slow.
    result.get(timeout=60)

    # Then the worker, not this process, wrote the heartbeat
    beat = WorkerHeartbeat.objects.get(name="worker")
    assert beat.is_fresh
