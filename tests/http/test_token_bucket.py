"""The token bucket lets a burst through, then paces requests at its rate."""

from spoguild.http import TokenBucket
from tests.http.server import FakeClock


def test_a_burst_passes_at_once_then_requests_are_paced_at_the_rate() -> None:
    # Given a bucket of 3 refilling at 10 per second
    clock = FakeClock()
    bucket = TokenBucket(10, 3, clock=clock, sleep=clock.sleep)

    # When five requests come at once
    for _ in range(5):
        bucket.acquire()

    # Then the first three waited for nothing and the last two 0.1 s each
    assert clock.delays == [0.1, 0.1]


def test_the_bucket_refills_while_idle_but_never_past_its_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, 3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        bucket.acquire()

    clock.now += 60  # a minute idle refills 600 tokens, capped at 3
    for _ in range(4):
        bucket.acquire()

    assert clock.delays == [0.1]


def test_a_drained_bucket_paces_the_next_request() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10, 500, clock=clock, sleep=clock.sleep)

    bucket.drain()
    bucket.acquire()

    assert clock.delays == [0.1]
