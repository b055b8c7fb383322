"""The agent: sample on schedule, spool, and flush when the backoff allows."""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from ._collect_host import NET_RATE_MAX_AGE, HostCollector
from ._collect_node import collect_node
from ._collect_opcert import OpcertQuery, collect_opcert
from ._config import Config
from ._delivery import Delivery, FlushResult
from ._sample import build_sample
from ._sender import Sender
from ._spool import Spool, StateStore
from ._transport import HTTPTransport, Transport

__all__ = ["Agent", "Collector"]

logger = logging.getLogger(__name__)


class Collector(Protocol):
    def collect(self) -> dict[str, Any]: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


def host_collector(config: Config, store: StateStore | None = None) -> HostCollector:
    return HostCollector(
        process_name=config.node_process_name,
        node_ports=config.node_ports,
        net_include=config.net_include,
        net_exclude=config.net_exclude,
        disk_include=config.disk_include,
        disk_exclude=config.disk_exclude,
        store=store,
        # Three intervals: a cron run or two missed still gives a rate.
        net_rate_max_age=max(NET_RATE_MAX_AGE, 3 * config.interval),
    )


def opcert_query(config: Config) -> OpcertQuery | None:
    """The op-cert query to run with each sample; None while it is off."""
    if config.opcert_file is None or config.node_socket is None:
        return None
    return OpcertQuery(
        opcert_file=config.opcert_file,
        node_socket=config.node_socket,
        network=config.network,
        cardano_cli=config.cardano_cli,
        timeout=config.timeout,
    )


def collect_node_part(config: Config, transport: Transport) -> dict[str, Any]:
    """The ``node`` part: the metrics, then the op-cert counters when enabled."""
    node = collect_node(config.metrics_url, transport, timeout=config.timeout)
    query = opcert_query(config)
    if query is not None:
        node.update(collect_opcert(query))
    return node


class Agent:
    """Ties collectors, spool and delivery together.

    Every dependency can be passed in; ``clock`` (monotonic seconds) drives
    the schedule and the backoff, ``now`` gives the samples' timestamps.
    """

    def __init__(
        self,
        config: Config,
        *,
        transport: Transport | None = None,
        spool: Spool | None = None,
        host: Collector | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self._transport = transport or HTTPTransport(
            verify=config.verify_tls, ca_bundle=config.ca_bundle
        )
        self._owns_spool = spool is None
        self.spool = spool or Spool(config.spool_path, max_samples=config.spool_bound)
        self._host = host or host_collector(config, self.spool)
        sender = Sender(
            config.service_url, config.token, self._transport, timeout=config.timeout
        )
        self.delivery = Delivery(
            self.spool, sender, batch_size=config.batch_size, clock=clock, rng=rng
        )
        self._clock = clock
        self._now = now
        self._next_sample_at: float | None = None

    def __enter__(self) -> Agent:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_spool:
            self.spool.close()

    def collect(self) -> dict[str, Any]:
        """Take one sample, without spooling it."""
        moment = self._now()
        node = collect_node_part(self.config, self._transport)
        agent = {
            "interval_s": self.config.interval,
            "spooled": self.spool.count(),
            "dropped_samples": self.spool.counter("dropped_samples"),
            "rejected_samples": self.spool.counter("rejected_samples"),
        }
        return build_sample(moment, host=self._host.collect(), node=node, agent=agent)

    def sample(self) -> dict[str, Any]:
        """Take one sample and spool it."""
        sample = self.collect()
        body = json.dumps(sample, separators=(",", ":"), allow_nan=False)
        self.spool.append(sample["ts"], body)
        return sample

    def flush(self, *, deadline: float | None = None) -> FlushResult:
        return self.delivery.flush(deadline=deadline)

    def step(self) -> float:
        """Do what is due now; return the clock time when something is next due."""
        now = self._clock()
        if self._next_sample_at is None or now >= self._next_sample_at:
            self._next_sample_at = self._after(now)
            self._guarded("sampling", self.sample)

        # A long backlog is sent in slices so sampling stays on schedule.
        if self.delivery.due():
            deadline = self._next_sample_at
            self._guarded("delivery", lambda: self.flush(deadline=deadline))

        wake = self._next_sample_at
        if self.spool.has_pending():
            wake = min(wake, max(self.delivery.next_attempt_at, self._clock()))
        return wake

    def run(
        self,
        stop: threading.Event | None = None,
        *,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        """Sample every ``interval`` seconds until ``stop`` is set."""
        stop = stop or threading.Event()
        wait = sleep or stop.wait
        logger.info(
            "sampling %s every %g s, sending to %s",
            self.config.metrics_url,
            self.config.interval,
            self.config.service_url,
        )
        while not stop.is_set():
            wake = self.step()
            wait(max(0.0, wake - self._clock()))

    def _guarded(self, what: str, action: Callable[[], object]) -> None:
        # An unattended agent keeps its schedule through a failed sample or
        # flush (a full disk, a psutil surprise); the next tick tries again.
        try:
            action()
        except Exception:
            logger.exception("%s failed; continuing on schedule", what)

    def _after(self, now: float) -> float:
        # Keep the phase of the schedule; skip ticks missed while busy.
        interval = self.config.interval
        if self._next_sample_at is None:
            return now + interval
        missed = math.floor((now - self._next_sample_at) / interval)
        return self._next_sample_at + (missed + 1) * interval
