"""Bodies above 1 MiB, JSON above 8 MiB and oversized batches get 413.

The agent splits a batch answered 413, so these must never be 400 or 5xx.
"""

from __future__ import annotations

import gzip
import os
import time
import zlib

from apps.samples.models import Sample
from apps.samples.protocol import MAX_BODY_BYTES, MAX_JSON_BYTES, MAX_SAMPLES
from tests.samples.payloads import NOW, gzipped, post, sample


def test_a_compressed_body_above_one_mib_is_too_large(client, relay) -> None:
    # Given random bytes, which gzip cannot shrink, just above the cap
    body = gzip.compress(os.urandom(MAX_BODY_BYTES + 1024), compresslevel=1)

    response = post(client, relay.token, body)

    assert response.status_code == 413
    assert not Sample.objects.exists()


def test_json_above_eight_mib_after_inflating_is_too_large(client, relay) -> None:
    # Given a small body that inflates past the cap: a gzip bomb
    padding = "x" * (MAX_JSON_BYTES + 1)
    body = gzipped({"version": 1, "samples": [], "padding": padding})
    assert len(body) < 64 * 1024

    response = post(client, relay.token, body)

    assert response.status_code == 413


def test_a_gigabyte_bomb_is_refused_quickly(client, relay) -> None:
    # Given 1 GiB of zeros in a ~1 MB body, built without holding the GiB
    deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    body = b"".join(deflater.compress(block) for _ in range(1024)) + deflater.flush()
    assert len(body) < MAX_BODY_BYTES

    # When it is sent
    started = time.monotonic()
    response = post(client, relay.token, body)

    # Then inflating stops at the cap instead of filling memory
    assert response.status_code == 413
    assert time.monotonic() - started < 5


def test_more_samples_than_a_batch_may_hold_is_too_large(client, relay) -> None:
    # Given tiny samples, well under the byte caps, one more than allowed
    samples = [{"ts": "2025-06-01T00:00:00Z"}] * (MAX_SAMPLES + 1)

    response = post(client, relay.token, gzipped({"version": 1, "samples": samples}))

    assert response.status_code == 413


def test_a_declared_length_above_the_cap_is_refused_before_reading(
    client, relay
) -> None:
    response = client.post(
        "/api/v1/agent/samples",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(MAX_BODY_BYTES + 1),
        HTTP_AUTHORIZATION=f"Bearer {relay.token}",
    )

    assert response.status_code == 413


def test_a_full_default_batch_fits_under_the_caps(client, relay, frozen_now) -> None:
    # Given a batch of the agent's default size, 500 realistic samples
    from datetime import timedelta

    samples = [sample(NOW - timedelta(minutes=i)) for i in range(500)]

    response = post(client, relay.token, gzipped({"version": 1, "samples": samples}))

    assert response.json() == {"accepted": 500, "duplicates": 0}
