"""What SPO Guild needs to know from the chain, whichever indexer answers.

A :class:`ChainSource` (Blockfrost or Koios) turns its vendor's JSON into the
frozen dataclasses below: amounts in lovelace as ``int`` (the APIs send them
as strings), times as aware UTC datetimes, ratios as floats between 0 and 1
(Koios sends some as percentages).

Missing things are not errors. A lookup of one thing (a pool, its metadata, the
block at a slot) returns None when the chain has no such thing; a list about an
unknown pool is empty. Koios answers an empty list where Blockfrost answers 404,
so this is the one rule both can keep.

Failures raise the :mod:`spoguild.http` exceptions, plus :class:`SourceStopped`
when the vendor has asked us to stop for now, and :class:`UnexpectedPayload`
when a response lacks a documented field.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from django.db import models

from spoguild.http import PermanentError


class SourceStopped(PermanentError):
    """The vendor told us to stop calling; the source refuses further calls."""


class QuotaExhausted(SourceStopped):
    """Blockfrost 402: the project's daily request quota is used up."""


class Banned(SourceStopped):
    """Blockfrost 418: this IP address was banned for flooding after 402/429."""


class UnexpectedPayload(PermanentError):
    """A response did not have the shape the vendor's specification documents."""


class MetadataCheck(models.TextChoices):
    """Whether a pool's metadata file matched the hash in its registration."""

    OK = "ok", "Matches the registered hash"
    MISMATCH = "mismatch", "Does not match the registered hash"
    UNREACHABLE = "unreachable", "Could not be fetched"
    INVALID = "invalid", "Is not valid metadata"
    TOO_LARGE = "too_large", "Is larger than allowed"
    UNKNOWN = "unknown", "Not checked or unknown"


@dataclass(frozen=True)
class Tip:
    hash: str
    slot: int
    height: int
    epoch: int
    epoch_slot: int
    time: datetime


@dataclass(frozen=True)
class ProtocolParams:
    """The protocol parameters that matter to pools and their rewards."""

    n_opt: int
    a0: float
    rho: float
    tau: float
    min_pool_cost: int
    key_deposit: int
    pool_deposit: int
    e_max: int
    decentralisation: float | None
    protocol_major: int
    protocol_minor: int
    nonce: str | None


@dataclass(frozen=True)
class EpochInfo:
    epoch: int
    start_time: datetime
    end_time: datetime
    block_count: int
    tx_count: int
    fees: int
    active_stake: int | None
    params: ProtocolParams


@dataclass(frozen=True)
class PoolListing:
    """One row of the pool directory, as a bulk listing gives it.

    Koios's bulk listing has no live stake, saturation, blocks or name: those
    are None from Koios and filled in per pool from :class:`PoolDetails`.
    """

    pool_id: str
    pool_id_hex: str
    ticker: str | None
    name: str | None
    live_stake: int | None
    active_stake: int | None
    live_saturation: float | None
    pledge: int
    margin: float
    fixed_cost: int
    blocks_minted: int | None
    retiring_epoch: int | None
    metadata_url: str | None
    metadata_hash: str | None


@dataclass(frozen=True)
class Relay:
    ipv4: str | None
    ipv6: str | None
    dns: str | None
    dns_srv: str | None
    port: int | None


@dataclass(frozen=True)
class PoolDetails:
    """A pool's current registration and stake.

    ``pledge`` is what the certificate declares; ``live_pledge`` is what the
    owners' accounts actually hold now.
    """

    pool_id: str
    pool_id_hex: str
    vrf_key_hash: str
    pledge: int
    margin: float
    fixed_cost: int
    reward_account: str
    owners: tuple[str, ...]
    metadata_url: str | None
    metadata_hash: str | None
    relays: tuple[Relay, ...]
    live_stake: int
    live_pledge: int
    live_saturation: float | None
    active_stake: int | None
    delegators_count: int
    blocks_minted: int
    retiring_epoch: int | None


@dataclass(frozen=True)
class PoolMetadata:
    """The off-chain metadata file, and whether it matched its on-chain hash."""

    pool_id: str
    url: str | None
    hash: str | None
    ticker: str | None
    name: str | None
    description: str | None
    homepage: str | None
    check: MetadataCheck
    check_detail: str = ""


@dataclass(frozen=True)
class PoolEpoch:
    """A pool's numbers for one epoch: ``rewards`` to its delegators and
    ``fees`` to its operator, whatever each vendor calls them."""

    epoch: int
    blocks: int
    active_stake: int
    active_size: float | None
    delegators_count: int
    rewards: int
    fees: int


@dataclass(frozen=True)
class PoolBlock:
    """A block the pool made. Koios's pool block list carries no size."""

    slot: int
    epoch_slot: int | None
    height: int
    hash: str
    epoch: int
    time: datetime
    size: int | None


@dataclass(frozen=True)
class BlockAtSlot:
    """The block that won a slot; ``pool_id`` is None for non-pool blocks."""

    slot: int
    hash: str
    height: int
    epoch: int
    time: datetime
    pool_id: str | None
    op_cert_counter: int | None
    vrf_key: str | None


@dataclass(frozen=True)
class BlockRef:
    """The newest block already known, so a block list can stop there."""

    slot: int
    hash: str


@runtime_checkable
class ChainSource(Protocol):
    """Read-only chain data for one network."""

    name: str
    network: str

    def tip(self) -> Tip: ...

    def epoch(self, number: int | None = None) -> EpochInfo:
        """The given epoch, or the current one, with its protocol parameters."""
        ...

    def stake_supply(self, epoch: int) -> int | None:
        """Total supply less the reserves, in lovelace: all the stake that can
        be delegated. The saturation point is this over ``n_opt`` (k). None when
        the source does not know it for that epoch."""
        ...

    def pool_directory(self) -> list[PoolListing]:
        """Every registered pool (retiring ones included), in as few calls as
        the API allows."""
        ...

    def pool(self, pool_id: str) -> PoolDetails | None: ...

    def pool_metadata(self, pool_id: str) -> PoolMetadata | None:
        """None when the pool is unknown or registered no metadata."""
        ...

    def pool_history(
        self, pool_id: str, *, after_epoch: int | None = None
    ) -> list[PoolEpoch]:
        """Per-epoch numbers, oldest first, only epochs after ``after_epoch``."""
        ...

    def pool_blocks(
        self, pool_id: str, *, after: BlockRef | None = None, limit: int | None = None
    ) -> list[PoolBlock]:
        """Blocks made after ``after``, oldest first; at most the newest
        ``limit`` of them."""
        ...

    def block_at_slot(self, slot: int) -> BlockAtSlot | None: ...


@contextmanager
def parsing(source: str, what: str) -> Iterator[None]:
    """Turn a missing or mistyped field into :class:`UnexpectedPayload`."""
    try:
        yield
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise UnexpectedPayload(
            f"{source} {what}: unexpected payload ({type(exc).__name__}: {exc}).",
            source=source,
        ) from exc


def to_int(value: object) -> int:
    """An integer from a JSON number or a numeric string (lovelace amounts)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value)
    raise TypeError(f"expected an integer, got {type(value).__name__}")


def to_int_or_none(value: object) -> int | None:
    return None if value is None else to_int(value)


def to_float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)


def to_float_or_none(value: object) -> float | None:
    return None if value is None else to_float(value)


def to_str_or_none(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {type(value).__name__}")


def to_str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def utc(unix_time: object) -> datetime:
    return datetime.fromtimestamp(to_int(unix_time), tz=UTC)
