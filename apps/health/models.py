from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

# The scheduler asks for a heartbeat every 30 s; two missed beats mean trouble.
HEARTBEAT_MAX_AGE = timedelta(seconds=90)


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the scheduled heartbeat task.

    It lives in the database rather than the cache because the embedded setup
    has a per-process memory cache that the web process could not read. A fresh
    row proves the scheduler, the broker and a worker all work.
    """

    name = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"

    @property
    def is_fresh(self) -> bool:
        return timezone.now() - self.beat_at <= HEARTBEAT_MAX_AGE
