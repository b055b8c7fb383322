"""The intake reads gzip bodies, as the agent sends them, and plain JSON."""

from __future__ import annotations

import gzip
import json

from apps.samples.models import Sample
from tests.samples.payloads import NOW, gzipped, post, sample


def test_a_gzip_body_is_inflated_and_stored(client, relay, frozen_now) -> None:
    body = gzipped({"version": 1, "samples": [sample(NOW)]})

    response = post(client, relay.token, body, encoding="gzip")

    assert response.json() == {"accepted": 1, "duplicates": 0}


def test_gzip_members_sent_one_after_another_are_read_together(
    client, relay, frozen_now
) -> None:
    # Given a body split into two gzip members, which gzip itself accepts
    text = json.dumps({"version": 1, "samples": [sample(NOW)]}).encode()
    body = gzip.compress(text[:40]) + gzip.compress(text[40:])

    response = post(client, relay.token, body)

    assert response.json() == {"accepted": 1, "duplicates": 0}


def test_a_plain_json_body_is_accepted_too(client, relay, frozen_now) -> None:
    body = json.dumps({"version": 1, "samples": [sample(NOW)]}).encode()

    response = post(client, relay.token, body, encoding=None)

    assert response.json() == {"accepted": 1, "duplicates": 0}


def test_a_corrupt_gzip_body_is_refused_without_storing(client, relay) -> None:
    body = gzipped({"version": 1, "samples": [sample(NOW)]})

    response = post(client, relay.token, body[:-12] + b"garbage12345")

    assert response.status_code == 400
    assert "gzip" in response.json()["error"]
    assert not Sample.objects.exists()


def test_a_truncated_gzip_body_is_refused(client, relay) -> None:
    body = gzipped({"version": 1, "samples": [sample(NOW)]})

    response = post(client, relay.token, body[: len(body) // 2])

    assert response.status_code == 400


def test_an_unknown_encoding_is_unsupported(client, relay) -> None:
    response = post(client, relay.token, b"{}", encoding="br")

    assert response.status_code == 415


def test_a_body_that_is_not_json_typed_is_unsupported(client, relay) -> None:
    response = client.post(
        "/api/v1/agent/samples",
        b"version=1",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {relay.token}",
    )

    assert response.status_code == 415
