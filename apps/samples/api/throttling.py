"""The per-node request limit of the intake, counted across web processes."""

from __future__ import annotations

import math
import time
from typing import Any, cast

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from apps.nodes.actions import AgentNode
from spoguild import counters

WINDOW_SECONDS = 60


class NodeRateThrottle(BaseThrottle):
    """At most ``SAMPLES_INTAKE_RATE_PER_MINUTE`` requests per node per minute.

    A fixed window counted with an atomic increment, so it holds across web
    processes. Keyed by the node's public id, which is never reused, unlike a
    database id after a test database is rebuilt.
    """

    clock = staticmethod(time.time)

    def allow_request(self, request: Request, view: Any) -> bool:
        now = self.clock()
        window = int(now // WINDOW_SECONDS)
        node = cast(AgentNode, request.auth)  # set by AgentTokenAuthentication
        key = f"samples:intake:{node.public_id}:{window}"
        count = counters.increment(key, expires_in=WINDOW_SECONDS * 2)
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return count <= settings.SAMPLES_INTAKE_RATE_PER_MINUTE

    def wait(self) -> float:
        return float(max(1, math.ceil(self._wait)))
