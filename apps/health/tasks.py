from __future__ import annotations

import socket

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from apps.health.models import WorkerHeartbeat

WORKER = "worker"


@shared_task
def record_heartbeat() -> None:
    """Marks that a worker is alive; running it twice only moves the time."""
    WorkerHeartbeat.objects.update_or_create(
        name=WORKER,
        defaults={"beat_at": timezone.now(), "hostname": socket.gethostname()},
    )


@worker_ready.connect
def beat_when_ready(**kwargs: object) -> None:
    """Report at once, so /healthz is green without waiting for the first beat."""
    record_heartbeat.delay()
