"""A refused request answers 400 with the path of the field at fault.

The agent quarantines exactly the sample a ``samples[<i>]...`` path names and
keeps everything for ``version``, so the paths follow PROTOCOL.md exactly.
"""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest

from apps.samples.models import Sample
from tests.samples.payloads import NOW, gzipped, minutes, post, post_samples, sample


def _refusal(client, token, samples) -> tuple[int, dict]:
    response = post_samples(client, token, samples)
    return response.status_code, response.json()


def test_a_wrongly_typed_field_is_named_by_its_full_path(
    client, relay, frozen_now
) -> None:
    # Given a batch whose fourth sample has a string where a number belongs
    batch = minutes(NOW - timedelta(minutes=5), 5)
    batch[3]["host"]["memory"]["total_bytes"] = "32 GB"

    # When it is sent
    status, body = _refusal(client, relay.token, batch)

    # Then the answer names that field of that sample, and nothing is stored
    assert status == 400
    assert body["field"] == "samples[3].host.memory.total_bytes"
    assert "whole number" in body["error"]
    assert not Sample.objects.exists()


@pytest.mark.parametrize(
    ("ts", "reason"),
    [
        ("2025-06-01 12:00:00", "look like"),
        ("2025-06-01T12:00:00.5Z", "look like"),
        ("2025-06-01T12:00:00+00:00", "look like"),
        ("2025-13-01T12:00:00Z", "valid date"),
        (1748779200, "timestamp"),
        (None, "required"),
    ],
)
def test_a_bad_ts_is_named(client, relay, frozen_now, ts, reason) -> None:
    batch = minutes(NOW - timedelta(minutes=2), 2)
    batch[1]["ts"] = ts

    status, body = _refusal(client, relay.token, batch)

    assert (status, body["field"]) == (400, "samples[1].ts")
    assert reason in body["error"]


def test_a_missing_ts_is_named(client, relay, frozen_now) -> None:
    batch = [sample(NOW)]
    del batch[0]["ts"]

    status, body = _refusal(client, relay.token, batch)

    assert (status, body["field"]) == (400, "samples[0].ts")


def test_a_ts_beyond_the_clock_skew_allowance_is_refused(
    client, relay, frozen_now
) -> None:
    status, body = _refusal(client, relay.token, [sample(NOW + timedelta(hours=1))])

    assert (status, body["field"]) == (400, "samples[0].ts")
    assert "future" in body["error"]


def test_a_ts_older_than_the_retention_is_refused(client, relay, frozen_now) -> None:
    status, body = _refusal(client, relay.token, [sample(NOW - timedelta(days=15))])

    assert (status, body["field"]) == (400, "samples[0].ts")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s["host"].update(cpu_percent="high"), "samples[0].host.cpu_percent"),
        (lambda s: s["host"].update(cpu_count=True), "samples[0].host.cpu_count"),
        (lambda s: s["host"].update(uptime_s=-1), "samples[0].host.uptime_s"),
        (lambda s: s["host"].update(uptime_s=2**64), "samples[0].host.uptime_s"),
        (lambda s: s["node"].update(tip_slot=1.5), "samples[0].node.tip_slot"),
        (lambda s: s["node"].update(reachable="yes"), "samples[0].node.reachable"),
        (lambda s: s["host"].update(disks={}), "samples[0].host.disks"),
        (
            lambda s: s["host"]["disks"][0].update(percent=[1]),
            "samples[0].host.disks[0].percent",
        ),
        (lambda s: s.update(host=[]), "samples[0].host"),
        (lambda s: s.update(extra={"note": "a\x00b"}), "samples[0].extra.note"),
        (lambda s: s.update(extra={"bad\x00key": 1}), "samples[0].extra"),
    ],
)
def test_a_bad_value_is_named(client, relay, frozen_now, change, field) -> None:
    bad = sample(NOW)
    change(bad)

    status, body = _refusal(client, relay.token, [bad])

    assert (status, body["field"]) == (400, field)


def test_a_key_that_cannot_be_stored_is_named_in_the_message(
    client, relay, frozen_now
) -> None:
    bad = sample(NOW)
    bad["extra"] = {"bad\x00key": 1}

    status, body = _refusal(client, relay.token, [bad])

    assert (status, body["field"]) == (400, "samples[0].extra")
    assert body["error"] == "the key 'bad\\x00key' holds an unstorable character"


def test_a_documented_number_beyond_2_to_the_53_says_the_range(
    client, relay, frozen_now
) -> None:
    bad = sample(NOW)
    bad["host"]["load_1m"] = 1e16

    status, body = _refusal(client, relay.token, [bad])

    assert (status, body["field"]) == (400, "samples[0].host.load_1m")
    assert f"from -{2**53} to {2**53}" in body["error"]


def test_a_sample_that_is_not_an_object_is_named(client, relay) -> None:
    status, body = _refusal(client, relay.token, [[1, 2]])

    assert (status, body["field"]) == (400, "samples[0]")


@pytest.mark.parametrize(
    "envelope",
    [{"samples": []}, {"version": 2, "samples": []}, {"version": "1", "samples": []}],
)
def test_a_missing_or_unknown_version_is_named(client, relay, envelope) -> None:
    response = post(client, relay.token, gzipped(envelope))

    assert response.status_code == 400
    assert response.json()["field"] == "version"


def test_a_missing_version_is_called_required(client, relay) -> None:
    response = post(client, relay.token, gzipped({"samples": []}))

    assert response.json() == {
        "error": "version is required; this service speaks 1",
        "field": "version",
    }


def test_an_unreadable_body_names_no_field(client, relay) -> None:
    # The agent then halves the batch down to the sample at fault.
    response = post(client, relay.token, b"{not json", encoding=None)

    assert response.status_code == 400
    assert "field" not in response.json()


def test_nan_is_not_json(client, relay, frozen_now) -> None:
    text = json.dumps({"version": 1, "samples": [sample(NOW)]})
    body = text.replace('"load_1m": 0.8', '"load_1m": NaN').encode()

    response = post(client, relay.token, body, encoding=None)

    assert response.status_code == 400


def test_unknown_keys_are_kept_and_missing_ones_are_null(
    client, relay, frozen_now
) -> None:
    # Given a later agent's sample: a new key, and an older key left out
    newer = sample(NOW)
    newer["host"]["gpu"] = {"percent": 3}
    del newer["host"]["load_1m"]

    response = post_samples(client, relay.token, [newer])

    stored = Sample.objects.get()
    assert response.json()["accepted"] == 1
    assert stored.data["host"]["gpu"] == {"percent": 3}
    assert stored.load_1m is None


@pytest.mark.parametrize(
    ("literal", "where"),
    [
        ("1e400", "samples[0].host.vendor_extra"),
        ("-1E+999", "samples[0].host.vendor_extra"),
        ("1e400", "samples[0].host.load_1m"),
    ],
)
def test_a_number_too_large_to_store_is_named(
    client, relay, frozen_now, literal, where
) -> None:
    # Given a sample with a JSON number that only fits a float as infinity,
    # under an unknown key or a documented one
    batch = [sample(NOW - timedelta(minutes=1))]
    batch[0]["host"]["vendor_extra" if "vendor" in where else "load_1m"] = "@HUGE@"
    body = json.dumps({"version": 1, "samples": batch}).replace('"@HUGE@"', literal)

    # When it is sent
    response = post(client, relay.token, gzipped_text(body))

    # Then it is refused by name, not answered with a server error
    assert response.status_code == 400
    assert response.json()["field"] == where
    assert not Sample.objects.exists()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("cpu_percent",), 100.5),
        (("memory", "percent"), -1),
        (("swap", "percent"), 1e300),
        (("disks", 0, "percent"), -0.5),
    ],
)
def test_a_share_outside_0_to_100_is_named(
    client, relay, frozen_now, path, value
) -> None:
    batch = [sample(NOW - timedelta(minutes=1))]
    target = batch[0]["host"]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value

    status, body = _refusal(client, relay.token, batch)

    dotted = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path)
    assert (status, body["field"]) == (400, f"samples[0].host{dotted}")
    assert "0 to 100" in body["error"]


def gzipped_text(text: str) -> bytes:
    return gzip.compress(text.encode())
