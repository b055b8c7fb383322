from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from apps.health.models import WorkerHeartbeat
from apps.health.tasks import record_heartbeat


def test_healthz_is_503_until_a_worker_has_reported(db, client) -> None:
    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["worker"] == {"ok": False, "detail": "no heartbeat yet"}
    assert body["checks"]["database"]["ok"] is True


def test_healthz_is_200_with_a_fresh_heartbeat(db, client) -> None:
    record_heartbeat.delay()

    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["version"]
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}


def test_a_stale_heartbeat_makes_healthz_fail(db, client) -> None:
    WorkerHeartbeat.objects.create(
        name="worker", beat_at=timezone.now() - timedelta(minutes=5)
    )

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_recording_the_heartbeat_twice_keeps_one_row(db) -> None:
    record_heartbeat()
    record_heartbeat()

    assert WorkerHeartbeat.objects.count() == 1
