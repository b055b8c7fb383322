"""Sending the spool to the service: batches, acknowledgement, errors, backoff."""

from __future__ import annotations

import gzip
import json
import logging
import random

import pytest
from agent_fakes import (
    CAPTIVE_PORTAL,
    TOKEN,
    FakeClock,
    FakeService,
    Recorded,
    Reply,
    free_port,
)

from spoguild_agent import Delivery, HTTPTransport, Sender, Spool
from spoguild_agent._delivery import BACKOFF_CAP


def _fill(spool: Spool, count: int) -> list[str]:
    stamps = [f"2025-06-01T00:{i // 60:02d}:{i % 60:02d}Z" for i in range(count)]
    for ts in stamps:
        spool.append(ts, json.dumps({"ts": ts, "host": {}, "node": {}}))
    return stamps


def _delivery(
    spool: Spool,
    url: str,
    clock: FakeClock,
    *,
    batch_size: int = 500,
    rng: random.Random | None = None,
) -> Delivery:
    sender = Sender(url, TOKEN, HTTPTransport(), timeout=2)
    return Delivery(spool, sender, batch_size=batch_size, clock=clock, rng=rng)


class HighRoller(random.Random):
    """Always draws the top of the range, so backoff delays are predictable."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_it_posts_gzipped_json_with_the_token(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    stamps = _fill(spool, 3)

    result = _delivery(spool, fake_service.base_url, clock).flush()

    [request] = fake_service.requests
    assert request.path == "/api/v1/agent/samples"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-encoding"] == "gzip"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(gzip.decompress(request.raw))["version"] == 1
    assert request.ts == stamps
    assert result.delivered == 3
    assert result.error is None


def test_it_sends_oldest_first_in_batches(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    stamps = _fill(spool, 7)

    _delivery(spool, fake_service.base_url, clock, batch_size=3).flush()

    assert [r.ts for r in fake_service.requests] == [
        stamps[0:3],
        stamps[3:6],
        stamps[6:7],
    ]


def test_acknowledged_samples_leave_the_spool(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    _fill(spool, 4)

    _delivery(spool, fake_service.base_url, clock).flush()

    assert spool.count() == 0


def test_duplicates_count_as_delivered(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    fake_service.stored.extend(_fill(spool, 2)[:1])

    result = _delivery(spool, fake_service.base_url, clock).flush()

    assert (result.delivered, result.duplicates) == (2, 1)
    assert spool.count() == 0


@pytest.mark.parametrize("status", [500, 502, 503, 401, 404])
def test_a_failed_send_keeps_the_samples(
    spool: Spool, fake_service: FakeService, clock: FakeClock, status: int
) -> None:
    _fill(spool, 3)
    fake_service.script = [Reply(status, {"error": "nope"})]
    delivery = _delivery(spool, fake_service.base_url, clock)

    result = delivery.flush()

    assert spool.count() == 3
    assert f"HTTP {status}" in (result.error or "")
    assert delivery.next_attempt_at > clock.now
    assert not delivery.due()


@pytest.mark.parametrize(
    "reply",
    [CAPTIVE_PORTAL, Reply(200, {"accepted": 2, "duplicates": 0}), Reply(204, raw=b"")],
    ids=["html", "short-count", "no-body"],
)
def test_a_success_that_is_no_acknowledgement_keeps_the_samples(
    spool: Spool,
    fake_service: FakeService,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    reply: Reply,
) -> None:
    # Given three spooled samples and a 2xx that does not acknowledge them
    _fill(spool, 3)
    fake_service.script = [reply]
    delivery = _delivery(spool, fake_service.base_url, clock, rng=HighRoller())

    # When the spool is flushed
    with caplog.at_level(logging.WARNING):
        result = delivery.flush()

    # Then all stay, the next try backs off as after a 5xx, and the log says why
    assert spool.count() == 3
    assert result.delivered == 0
    assert result.retry_in == 2
    assert delivery.next_attempt_at == clock.now + 2
    assert "not an acknowledgement" in caplog.text
    assert f"{fake_service.base_url}/api/v1/agent/samples" in caplog.text
    assert TOKEN not in caplog.text


def test_a_refused_connection_keeps_the_samples(spool: Spool, clock: FakeClock) -> None:
    _fill(spool, 3)
    delivery = _delivery(spool, f"http://127.0.0.1:{free_port()}", clock)

    result = delivery.flush()

    assert spool.count() == 3
    assert "refused" in (result.error or "").lower()


def test_backoff_doubles_with_full_jitter_up_to_the_cap(
    spool: Spool, clock: FakeClock
) -> None:
    _fill(spool, 1)
    delivery = _delivery(
        spool, f"http://127.0.0.1:{free_port()}", clock, rng=HighRoller()
    )

    delays = [delivery.flush().retry_in for _ in range(10)]

    assert delays == [2, 4, 8, 16, 32, 64, 128, 256, BACKOFF_CAP, BACKOFF_CAP]


def test_jitter_draws_from_zero_to_the_ceiling(spool: Spool, clock: FakeClock) -> None:
    _fill(spool, 1)
    delivery = _delivery(
        spool, f"http://127.0.0.1:{free_port()}", clock, rng=random.Random(7)
    )

    delays = [delivery.flush().retry_in or 0.0 for _ in range(12)]

    assert all(0 <= d <= BACKOFF_CAP for d in delays)
    assert len(set(delays)) == len(delays)


def test_success_resets_the_backoff(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    _fill(spool, 1)
    fake_service.script = [Reply(503), Reply(503)]
    delivery = _delivery(spool, fake_service.base_url, clock, rng=HighRoller())
    delivery.flush()
    delivery.flush()

    delivery.flush()
    _fill(spool, 1)
    fake_service.script = [Reply(503)]

    assert delivery.flush().retry_in == 2


def test_retry_after_is_respected(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    _fill(spool, 2)
    fake_service.script = [Reply(429, headers={"Retry-After": "120"})]
    delivery = _delivery(spool, fake_service.base_url, clock)

    result = delivery.flush()
    clock.sleep(119)
    too_early = delivery.due()
    clock.sleep(1)
    on_time = delivery.due()

    assert result.retry_in == 120
    assert (too_early, on_time) == (False, True)
    assert delivery.flush().delivered == 2
    assert len(fake_service.requests) == 2


def test_a_too_large_batch_is_split_in_order(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    stamps = _fill(spool, 7)
    fake_service.rule = lambda r: Reply(413) if len(r.ts) > 2 else None

    result = _delivery(spool, fake_service.base_url, clock).flush()

    assert fake_service.accepted_ts == stamps
    assert result.delivered == 7
    assert spool.count() == 0


def test_later_batches_start_at_the_size_that_fitted(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    _fill(spool, 8)
    fake_service.rule = lambda r: Reply(413) if len(r.ts) > 2 else None
    delivery = _delivery(spool, fake_service.base_url, clock, batch_size=8)
    delivery.flush()
    _fill(spool, 4)
    fake_service.requests.clear()

    delivery.flush()

    assert [len(r.ts) for r in fake_service.requests] == [2, 2]


def test_a_single_sample_too_large_is_quarantined(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    _fill(spool, 1)
    fake_service.rule = lambda r: Reply(413)

    result = _delivery(spool, fake_service.base_url, clock).flush()

    assert result.rejected == 1
    assert spool.count() == 0
    assert spool.counter("rejected_samples") == 1


def test_a_rejected_sample_named_by_index_is_quarantined(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    stamps = _fill(spool, 4)
    fake_service.script = [
        Reply(400, {"error": "ts is not UTC", "field": "samples[2].ts"})
    ]

    result = _delivery(spool, fake_service.base_url, clock).flush()

    assert fake_service.accepted_ts == stamps[:2] + stamps[3:]
    assert result.rejected == 1
    assert spool.count() == 0
    assert spool.quarantined()[0][0] == stamps[2]
    assert spool.counter("rejected_samples") == 1


def test_a_rejected_batch_without_index_is_narrowed_down(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    stamps = _fill(spool, 6)
    bad = stamps[4]

    def reject_bad(request: Recorded) -> Reply | None:
        return Reply(400, {"error": "bad sample"}) if bad in request.ts else None

    fake_service.rule = reject_bad

    result = _delivery(spool, fake_service.base_url, clock).flush()

    assert fake_service.accepted_ts == [ts for ts in stamps if ts != bad]
    assert result.rejected == 1
    assert [ts for ts, _ in spool.quarantined()] == [bad]


@pytest.mark.parametrize(
    "reply",
    [
        Reply(400, raw=b"<html><body>400 Bad Request</body></html>"),
        Reply(400, {"detail": "bad request"}),
    ],
    ids=["proxy-html", "json-without-error"],
)
def test_a_400_that_is_not_the_services_refusal_keeps_everything(
    spool: Spool, fake_service: FakeService, clock: FakeClock, reply: Reply
) -> None:
    # A proxy in front, or a Host the service does not serve, answers 400 too.
    _fill(spool, 4)
    fake_service.rule = lambda r: reply
    delivery = _delivery(spool, fake_service.base_url, clock)

    result = delivery.flush()

    assert len(fake_service.requests) == 1
    assert spool.count() == 4
    assert spool.quarantined() == []
    assert result.rejected == 0
    assert "not the service's refusal" in (result.error or "")
    assert delivery.next_attempt_at > clock.now


def test_a_rejected_protocol_version_keeps_everything(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    _fill(spool, 3)
    fake_service.rule = lambda r: Reply(
        400, {"error": "unsupported version", "field": "version"}
    )
    delivery = _delivery(spool, fake_service.base_url, clock)

    result = delivery.flush()

    assert spool.count() == 3
    assert result.rejected == 0
    assert "unsupported version" in (result.error or "")
    assert delivery.next_attempt_at > clock.now


def test_a_flush_stops_at_its_deadline(
    spool: Spool, fake_service: FakeService, clock: FakeClock
) -> None:
    _fill(spool, 6)

    def slow(request: Recorded) -> None:
        clock.sleep(10)

    fake_service.rule = slow
    delivery = _delivery(spool, fake_service.base_url, clock, batch_size=2)

    result = delivery.flush(deadline=clock.now + 15)

    assert result.delivered == 4
    assert spool.count() == 2
