"""Random bytes, random JSON and mangled samples never make the intake fail (5xx)."""

from __future__ import annotations

import copy
import gzip
import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.samples.protocol import SAMPLE
from tests.samples.payloads import NOW, post, sample, ts_text

FUZZ = settings(
    max_examples=40,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANSWERS = {200, 400, 413, 415}

# Text with the characters storage chokes on: NUL and lone surrogates.
text = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(["\x00", "\ud800", "\udfff"])),
    max_size=12,
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(text, st.sampled_from(list(SAMPLE))), inner, max_size=4
        ),
    ),
    max_leaves=20,
)
timestamps = st.integers(min_value=-20 * 24 * 60, max_value=60).map(
    lambda minutes: ts_text(NOW + timedelta(minutes=minutes))
)


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [
            leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))
        ]
    if isinstance(value, list):
        return [
            leaf for i, item in enumerate(value) for leaf in _leaves(item, (*path, i))
        ]
    return [path]


LEAVES = _leaves(sample(NOW))


def _replace(document: Any, path: tuple, value: Any) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _assert_answered(client, token, body: bytes, encoding: str | None) -> None:
    response = post(client, token, body, encoding=encoding)
    assert response.status_code in ANSWERS, response.content[:200]
    if response.status_code != 200:
        assert "error" in response.json()


@pytest.mark.parametrize("encoding", ["gzip", None])
@FUZZ
@given(body=st.binary(max_size=2048))
def test_random_bytes_are_refused_cleanly(client, relay, encoding, body) -> None:
    _assert_answered(client, relay.token, body, encoding)


@FUZZ
@given(body=st.binary(max_size=512))
def test_random_bytes_gzipped_are_refused_cleanly(client, relay, body) -> None:
    _assert_answered(client, relay.token, gzip.compress(body), "gzip")


@FUZZ
@given(envelope=json_values)
def test_random_json_is_refused_cleanly(client, relay, envelope) -> None:
    body = gzip.compress(json.dumps(envelope).encode())
    _assert_answered(client, relay.token, body, "gzip")


@FUZZ
@given(
    samples=st.lists(
        st.fixed_dictionaries(
            {"ts": timestamps},
            optional={"host": json_values, "node": json_values, "agent": json_values},
        ),
        max_size=4,
    )
)
def test_random_samples_are_stored_or_refused(
    client, relay, frozen_now, samples
) -> None:
    body = gzip.compress(json.dumps({"version": 1, "samples": samples}).encode())
    _assert_answered(client, relay.token, body, "gzip")


@FUZZ
@given(
    where=st.sampled_from(LEAVES),
    value=json_values,
    moment=timestamps,
)
def test_a_mangled_real_sample_is_stored_or_refused(
    client, relay, frozen_now, where, value, moment
) -> None:
    mangled = _replace(sample(NOW), where, value)
    mangled["ts"] = mangled["ts"] if where == ("ts",) else moment
    body = gzip.compress(json.dumps({"version": 1, "samples": [mangled]}).encode())
    _assert_answered(client, relay.token, body, "gzip")


# JSON number literals json.dumps never writes: ones that overflow a float,
# and integers far past 2**53.
number_literals = st.one_of(
    st.builds("{}e{}".format, st.integers(-9, 9), st.integers(300, 999)),
    st.integers(min_value=10**17, max_value=10**40).map(str),
)


# Unknown keys as often as documented ones: they are stored as sent, so
# they must be storable too.
any_leaf = st.one_of(
    st.sampled_from(LEAVES),
    st.sampled_from([("host", "vendor_extra"), ("node", "vendor_extra")]),
)


@FUZZ
@given(where=any_leaf, literal=number_literals)
def test_a_real_sample_with_an_extreme_number_is_stored_or_refused(
    client, relay, frozen_now, where, literal
) -> None:
    marked = _replace(sample(NOW), where, "@NUMBER@")
    marked["ts"] = marked["ts"] if where == ("ts",) else ts_text(NOW)
    text = json.dumps({"version": 1, "samples": [marked]})
    body = gzip.compress(text.replace('"@NUMBER@"', literal).encode())
    _assert_answered(client, relay.token, body, "gzip")
