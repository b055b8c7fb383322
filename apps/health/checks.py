"""Probes of the service's dependencies, for ``/healthz``."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection

from apps.health.models import WorkerHeartbeat
from apps.health.tasks import WORKER
from spoguild.celery import app as celery_app


def database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return False, type(exc).__name__
    return True, connection.vendor


def cache_roundtrip() -> tuple[bool, str]:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as exc:
        return False, type(exc).__name__
    return ok, "ok" if ok else "value not read back"


def broker() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return False, type(exc).__name__
    return True, str(transport)


def worker_heartbeat() -> tuple[bool, str]:
    beat = WorkerHeartbeat.objects.filter(name=WORKER).first()
    if beat is None:
        return False, "no heartbeat yet"
    return beat.is_fresh, beat.beat_at.isoformat()
