"""The intake's own work without Django's request handling: the floor bench's app.

gunicorn serves this in ``bench.intake_floor``. ``/ping`` still goes through
Django, exactly as in ``bench.intake``; the samples path skips the whole
request stack (middleware, DRF, authentication) and the per-request token
check, and runs only what no intake can avoid: the rate-limit count, reading
and validating the body, and the service's own write. Whatever rate this
reaches bounds from above what any Django intake can reach on the machine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import cache
from typing import Any

from django.core.wsgi import get_wsgi_application

django_application = get_wsgi_application()

# Imported once Django is set up.
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.nodes.actions import AgentNode  # noqa: E402
from apps.nodes.models import Node  # noqa: E402
from apps.samples import actions, protocol  # noqa: E402
from spoguild import counters, tokens  # noqa: E402

SAMPLES_PATH = "/api/v1/agent/samples"


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    if environ["PATH_INFO"] != SAMPLES_PATH:
        return django_application(environ, start_response)
    plaintext = environ["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    node = _nodes()[tokens.split(plaintext, "sga") or ""]
    counters.increment(f"floor:{node.pk}", expires_in=120)
    raw = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    body = protocol.decode_body(raw, environ.get("HTTP_CONTENT_ENCODING", ""))
    now = timezone.now()
    oldest = now - timedelta(days=settings.SAMPLES_RAW_RETENTION_DAYS)
    ack = actions.store_samples(node, protocol.parse_batch(body, now, oldest), now)
    answer = json.dumps({"accepted": ack.accepted, "duplicates": ack.duplicates})
    start_response("200 OK", [("Content-Type", "application/json")])
    return [answer.encode()]


@cache
def _nodes() -> dict[str, AgentNode]:
    """Every node by token lookup, read once: the floor checks no token."""
    return {
        lookup: AgentNode(pk=pk, public_id=public_id, network=network)
        for lookup, pk, public_id, network in Node.objects.values_list(
            "token_lookup", "pk", "public_id", "network"
        )
    }
