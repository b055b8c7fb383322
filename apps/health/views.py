from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from apps.health import checks
from spoguild import __version__


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, cache, broker and a worker all answer, else 503."""
    results = {
        "database": checks.database(),
        "cache": checks.cache_roundtrip(),
        "broker": checks.broker(),
        "worker": checks.worker_heartbeat(),
    }
    healthy = all(ok for ok, _detail in results.values())
    body = {
        "status": "ok" if healthy else "fail",
        "version": __version__,
        "checks": {
            name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()
        },
    }
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
def ping(request: HttpRequest) -> HttpResponse:
    """204 without touching the database: the bench's baseline for a Django view."""
    return HttpResponse(status=204)
