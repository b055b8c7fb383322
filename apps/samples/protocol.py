"""Reading an agent's request body: size caps, gzip, and the version 1 schema.

The contract is ``agent/PROTOCOL.md``. Every refusal is an ``IntakeError``
carrying the HTTP status and, for a 400, the path of the offending field:
``samples[<i>]...`` names one sample (the agent quarantines it and resends
the rest), ``version`` an envelope the service does not speak. Only keys the
protocol documents are type-checked; unknown keys are kept but must still be
storable (no NUL characters, no lone surrogates, no number too large for a
float, bounded depth).
"""

from __future__ import annotations

import enum
import json
import math
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

PROTOCOL_VERSION = 1
MAX_BODY_BYTES = 1024 * 1024
"""The body as sent (compressed or not); above it the agent splits the batch."""
MAX_JSON_BYTES = 8 * 1024 * 1024
"""The JSON after decompression: the guard against gzip bombs."""
MAX_SAMPLES = 1000
"""Twice the agent's default batch; a larger batch is answered 413 and split."""
MAX_CLOCK_SKEW = timedelta(minutes=10)
"""How far in the future a sample's ts may be: a wrong clock must not make a
node look up for hours, yet cardano-node hosts keep NTP time."""
MAX_DEPTH = 12

_INT_LIMIT = 2**53
_TS_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# NUL and lone surrogates cannot be stored: PostgreSQL's jsonb refuses the
# first, UTF-8 the second.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class IntakeError(Exception):
    """A request the intake refuses; ``status`` is the HTTP answer."""

    def __init__(self, message: str, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class Kind(enum.Enum):
    INT = "integer"
    NUM = "number"
    STR = "string"
    BOOL = "boolean"
    TS = "timestamp"
    PERCENT = "percent"

    # Members are singletons, so the identity hash is right, and it is
    # computed in C: Enum's own hashes the name in Python, and a batch of
    # 500 samples looks up some 45,000 leaves by kind.
    __hash__ = object.__hash__


INT, NUM, STR, BOOL, TS = Kind.INT, Kind.NUM, Kind.STR, Kind.BOOL, Kind.TS
# A share of the whole host (CPU, memory, swap, one disk): the pages draw it
# on a 0-100 scale and forecast from it, so a value outside is refused.
PERCENT = Kind.PERCENT

# The documented keys of a version 1 sample. A dict is an object, a one-item
# list an array of that item; every value may be null except ``ts``.
_NODE_STRINGS = ("error", "version", "revision", "tip_hash", "opcert_error")
_NODE_NUMBERS = (
    "density",
    "block_delay_s",
    "block_delay_cdf_1s",
    "block_delay_cdf_3s",
    "block_delay_cdf_5s",
)
_NODE_INTEGERS = [
    "tip_slot",
    "block_height",
    "epoch",
    "slot_in_epoch",
    "forks",
    "gsm_state",
    "node_start_time",
    "kes_period",
    "kes_remaining_periods",
    "opcert_start_kes_period",
    "opcert_expiry_kes_period",
    "leadership_checks",
    "slots_missed",
    "leader_slots",
    "not_leader_slots",
    "blocks_forged",
    "blocks_adopted",
    "blocks_didnt_adopt",
    "blocks_forged_invalid",
    "could_not_forge",
    "forged_slot_last",
    "peers_connected",
    "peers_hot",
    "peers_warm",
    "peers_cold",
    "peers_known",
    "peers_established",
    "peers_active",
    "conns_inbound",
    "conns_outbound",
    "conns_duplex",
    "conns_full_duplex",
    "conns_unidirectional",
    "inbound_governor_hot",
    "inbound_governor_warm",
    "inbound_governor_cold",
    "inbound_governor_idle",
    "mempool_txs",
    "mempool_bytes",
    "txs_processed",
    "late_blocks",
    "served_blocks",
    "mem_resident_bytes",
    "gc_live_bytes",
    "gc_heap_bytes",
    "gc_major_count",
    "gc_minor_count",
    "threads",
    "opcert_counter",
    "opcert_counter_on_chain",
]

NODE: dict[str, Any] = {
    "reachable": BOOL,
    "forging_enabled": BOOL,
    **dict.fromkeys(_NODE_STRINGS, STR),
    **dict.fromkeys(_NODE_NUMBERS, NUM),
    **dict.fromkeys(_NODE_INTEGERS, INT),
}
HOST: dict[str, Any] = {
    "hostname": STR,
    "uptime_s": INT,
    "cpu_count": INT,
    "cpu_percent": PERCENT,
    "load_1m": NUM,
    "load_5m": NUM,
    "load_15m": NUM,
    "memory": {
        "total_bytes": INT,
        "used_bytes": INT,
        "available_bytes": INT,
        "percent": PERCENT,
    },
    "swap": {"total_bytes": INT, "used_bytes": INT, "percent": PERCENT},
    "disks": [
        {
            "mountpoint": STR,
            "device": STR,
            "fstype": STR,
            "total_bytes": INT,
            "used_bytes": INT,
            "free_bytes": INT,
            "percent": PERCENT,
        }
    ],
    "network": {
        "interfaces": [STR],
        "rx_bytes_total": INT,
        "tx_bytes_total": INT,
        "rx_bytes_per_s": NUM,
        "tx_bytes_per_s": NUM,
    },
    "tcp": {
        "established_in": INT,
        "established_out": INT,
        "node_in": INT,
        "node_out": INT,
        "node_ports": [INT],
    },
    "node_process": {
        "found": BOOL,
        "pid": INT,
        "rss_bytes": INT,
        "cpu_percent": NUM,
        "uptime_s": INT,
        "started_at": STR,
        "restarts": INT,
    },
}
SAMPLE: dict[str, Any] = {
    "ts": TS,
    "agent_version": STR,
    "agent": {
        "interval_s": NUM,
        "spooled": INT,
        "dropped_samples": INT,
        "rejected_samples": INT,
    },
    "host": HOST,
    "node": NODE,
}


@dataclass(frozen=True)
class IncomingSample:
    """One validated sample: its identity ``ts`` and the object as sent."""

    ts: datetime
    data: dict[str, Any]


def decode_body(raw: bytes, content_encoding: str) -> bytes:
    """The JSON bytes of a body already read up to ``MAX_BODY_BYTES``."""
    if len(raw) > MAX_BODY_BYTES:
        raise IntakeError(f"body above {MAX_BODY_BYTES} bytes", status=413)
    encoding = content_encoding.strip().lower()
    if encoding == "gzip":
        return gunzip(raw, MAX_JSON_BYTES)
    if encoding in ("", "identity"):
        return raw
    raise IntakeError(f"unsupported Content-Encoding {encoding!r}", status=415)


def gunzip(data: bytes, limit: int) -> bytes:
    """Inflates gzip members, refusing output above ``limit`` as it streams.

    Inflating in bounded steps keeps a bomb (a few kB that expand to
    gigabytes) from ever holding more than ``limit`` bytes in memory.
    """
    out = bytearray()
    pending = data
    try:
        while pending:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            while pending and not inflater.eof:
                out += inflater.decompress(pending, limit + 1 - len(out))
                if len(out) > limit:
                    raise IntakeError(f"JSON above {limit} bytes", status=413)
                pending = inflater.unconsumed_tail
            if not inflater.eof:
                raise IntakeError("the gzip stream is truncated")
            pending = inflater.unused_data
    except zlib.error as exc:
        raise IntakeError(f"the body is not valid gzip: {exc}") from None
    return bytes(out)


def parse_batch(body: bytes, now: datetime, oldest: datetime) -> list[IncomingSample]:
    """The samples of a request, or an ``IntakeError`` naming the first problem.

    ``oldest`` is the earliest ts still kept (the raw retention).
    """
    envelope = _load_json(body)
    if not isinstance(envelope, dict):
        raise IntakeError("the body must be a JSON object")
    version = envelope.get("version")
    if version is None:
        message = f"version is required; this service speaks {PROTOCOL_VERSION}"
        raise IntakeError(message, field="version")
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise IntakeError(
            f"unsupported protocol version {version!r}; this service speaks "
            f"{PROTOCOL_VERSION}",
            field="version",
        )
    samples = envelope.get("samples")
    if not isinstance(samples, list):
        raise IntakeError("samples must be an array", field="samples")
    if len(samples) > MAX_SAMPLES:
        raise IntakeError(f"more than {MAX_SAMPLES} samples", status=413)
    return [
        _sample(item, f"samples[{i}]", now, oldest) for i, item in enumerate(samples)
    ]


def _load_json(body: bytes) -> Any:
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        # ValueError covers bad UTF-8, bad JSON and integers too long to
        # convert; RecursionError very deep nesting.
        raise IntakeError("the body is not valid JSON") from None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _sample(item: Any, path: str, now: datetime, oldest: datetime) -> IncomingSample:
    if not isinstance(item, dict):
        raise IntakeError("a sample must be an object", field=path)
    _check(item, SAMPLE, path, 0)
    ts = _timestamp(item.get("ts"), f"{path}.ts")
    if ts > now + MAX_CLOCK_SKEW:
        raise IntakeError("ts is in the future; check the host's clock", f"{path}.ts")
    if ts < oldest:
        raise IntakeError("ts is older than the service keeps samples", f"{path}.ts")
    return IncomingSample(ts=ts, data=item)


def _timestamp(value: Any, path: str) -> datetime:
    if value is None:
        raise IntakeError("ts is required", field=path)
    if not isinstance(value, str) or not _TS_FORMAT.fullmatch(value):
        raise IntakeError("ts must look like 2025-06-01T00:00:00Z", field=path)
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise IntakeError("ts is not a valid date and time", field=path) from None


def _check(value: Any, spec: Any, path: str, depth: int) -> None:
    """Checks ``value`` against ``spec``; null is allowed everywhere."""
    if value is None:
        return
    if depth > MAX_DEPTH:
        raise IntakeError("nested too deeply", field=path)
    if isinstance(spec, dict):
        _check_object(value, spec, path, depth)
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise IntakeError("expected an array", field=path)
        for i, item in enumerate(value):
            _check(item, spec[0], f"{path}[{i}]", depth + 1)
    elif spec is None:
        _check_free(value, path, depth)
    elif not _KIND_CHECKS[spec](value):
        raise IntakeError(f"expected {_KIND_WORDS[spec]}", field=path)


def _check_object(value: Any, spec: dict[str, Any], path: str, depth: int) -> None:
    if not isinstance(value, dict):
        raise IntakeError("expected an object", field=path)
    for key, item in value.items():
        if item is None:
            continue
        known: Any = spec.get(key)
        # Leaves are most of a sample: checked inline, their path is only
        # built for an error (a batch of 500 holds some 60,000 of them).
        if known.__class__ is Kind:
            if not _KIND_CHECKS[known](item):
                message = f"expected {_KIND_WORDS[known]}"
                raise IntakeError(message, field=f"{path}.{key}")
            continue
        if known is None and _UNSTORABLE.search(key):
            # The key itself cannot go into the answer as it is: escaped.
            message = f"the key {key!a} holds an unstorable character"
            raise IntakeError(message, field=path)
        _check(item, known, f"{path}.{key}", depth + 1)


def _check_free(value: Any, path: str, depth: int) -> None:
    """An unknown key's value: any JSON, as long as it can be stored."""
    if isinstance(value, dict):
        _check_object(value, {}, path, depth)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, None, f"{path}[{i}]", depth + 1)
    elif isinstance(value, str) and _UNSTORABLE.search(value):
        raise IntakeError("the text holds an unstorable character", field=path)
    elif type(value) is float and not math.isfinite(value):
        # json.loads reads 1e400 as infinity, which neither jsonb nor
        # SQLite's JSON accepts back.
        raise IntakeError("the number is too large to store", field=path)


def _is_int(value: Any) -> bool:
    return type(value) is int and 0 <= value <= _INT_LIMIT


def _is_number(value: Any) -> bool:
    if type(value) is int:  # compared before any float conversion can overflow
        return -_INT_LIMIT <= value <= _INT_LIMIT
    return type(value) is float and math.isfinite(value) and abs(value) <= _INT_LIMIT


def _is_percent(value: Any) -> bool:
    return type(value) in (int, float) and 0 <= value <= 100


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and not _UNSTORABLE.search(value)


_KIND_CHECKS = {
    INT: _is_int,
    NUM: _is_number,
    STR: _is_text,
    BOOL: lambda value: type(value) is bool,
    TS: _is_text,
    PERCENT: _is_percent,
}
_KIND_WORDS = {
    INT: f"a whole number from 0 to {_INT_LIMIT} or null",
    NUM: f"a number from -{_INT_LIMIT} to {_INT_LIMIT} or null",
    STR: "a string without NUL characters, or null",
    BOOL: "true, false or null",
    TS: "a timestamp",
    PERCENT: "a number from 0 to 100 or null",
}
