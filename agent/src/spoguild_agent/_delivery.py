"""Draining the spool to the service: batches, splitting, quarantine, backoff."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ._exceptions import (
    PayloadTooLargeError,
    RateLimitedError,
    RejectedError,
    ServiceError,
    TransportError,
)
from ._sender import Sender
from ._spool import Spool, SpooledSample

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "DEFAULT_BATCH_SIZE",
    "Delivery",
    "FlushResult",
]

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
BACKOFF_BASE = 2.0
BACKOFF_CAP = 300.0


@dataclass
class FlushResult:
    delivered: int = 0
    """Samples the service acknowledged (accepted or duplicate)."""
    duplicates: int = 0
    rejected: int = 0
    """Samples the service refused, now in quarantine."""
    error: str | None = None
    """The temporary problem that stopped the flush, if any."""
    retry_in: float | None = None
    """Seconds until the next attempt is allowed, when ``error`` is set."""


class Delivery:
    """Sends the spool's samples oldest first and deletes what was acknowledged.

    Samples leave the spool only once the service has counted every one of
    them as accepted or duplicate. Temporary failures (no answer, 5xx, 401,
    429, a 2xx that is no such acknowledgement...) leave them there and set
    ``next_attempt_at``: exponential backoff with full jitter, or the
    service's Retry-After. A batch answered with 413 is split; one answered
    with 400 is narrowed down to the refused samples, which go to
    quarantine so they cannot block the spool.
    """

    def __init__(
        self,
        spool: Spool,
        sender: Sender,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
    ) -> None:
        self._spool = spool
        self._sender = sender
        self._batch_size = batch_size
        self._clock = clock
        self._rng = rng or random.Random()
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self.failures = 0
        self.next_attempt_at = float("-inf")

    def due(self) -> bool:
        return self._clock() >= self.next_attempt_at and self._spool.has_pending()

    def flush(self, *, deadline: float | None = None) -> FlushResult:
        """Send batches until the spool is empty, a send fails, or ``deadline``.

        Ignores ``next_attempt_at``; callers that respect it check ``due()``.
        """
        result = FlushResult()
        while deadline is None or self._clock() < deadline:
            batch = self._spool.peek(self._batch_size)
            if not batch:
                break
            try:
                self._deliver(batch, result)
            except RateLimitedError as exc:
                self._postpone(exc, exc.retry_after, result)
                return result
            except (TransportError, ServiceError) as exc:
                self._postpone(exc, None, result)
                return result

        if self.failures:
            logger.info("delivery resumed after %d failed attempts", self.failures)
        self.failures = 0
        self.next_attempt_at = float("-inf")
        return result

    def _deliver(self, batch: list[SpooledSample], result: FlushResult) -> None:
        # Parts still to send, in spool order; a split puts both halves first.
        parts = [batch]
        while parts:
            part = parts.pop(0)
            try:
                ack = self._sender.send([sample.body for sample in part])
            except PayloadTooLargeError:
                if len(part) == 1:
                    self._quarantine(part, "larger than the service accepts", result)
                    continue
                half = len(part) // 2
                self._batch_size = min(self._batch_size, half)
                logger.info(
                    "service refused %d samples as too large; splitting", len(part)
                )
                parts[:0] = [part[:half], part[half:]]
                continue
            except RejectedError as exc:
                parts[:0] = self._narrow(part, exc, result)
                continue

            self._spool.delete([sample.id for sample in part])
            result.delivered += len(part)
            result.duplicates += ack.duplicates

    def _narrow(
        self, part: list[SpooledSample], exc: RejectedError, result: FlushResult
    ) -> list[list[SpooledSample]]:
        """What to send next after a 400 for ``part``."""
        if exc.field == "version":
            # The envelope, not the data: an agent too old for the service.
            # Keep everything and retry until the agent is upgraded.
            raise exc
        index = exc.sample_index
        if index is not None and index < len(part):
            self._quarantine([part[index]], str(exc), result)
            rest = part[:index] + part[index + 1 :]
            return [rest] if rest else []
        if len(part) == 1:
            self._quarantine(part, str(exc), result)
            return []
        half = len(part) // 2
        return [part[:half], part[half:]]

    def _quarantine(
        self, samples: list[SpooledSample], reason: str, result: FlushResult
    ) -> None:
        self._spool.quarantine(samples, reason)
        result.rejected += len(samples)
        logger.warning(
            "service refused %d sample(s) from %s: %s; moved to quarantine",
            len(samples),
            samples[0].ts,
            reason,
        )

    def _postpone(
        self, exc: Exception, retry_after: float | None, result: FlushResult
    ) -> None:
        self.failures += 1
        if retry_after is None:
            ceiling = self._backoff_base * 2 ** min(self.failures - 1, 30)
            delay = self._rng.uniform(0, min(self._backoff_cap, ceiling))
        else:
            delay = retry_after
        self.next_attempt_at = self._clock() + delay
        result.error = str(exc)
        result.retry_in = delay
        logger.warning(
            "delivery to %s failed (%s); %d sample(s) kept in the spool;"
            " next try in %.0f s",
            self._sender.url,
            exc,
            self._spool.count(),
            delay,
        )
