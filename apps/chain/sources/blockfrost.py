"""Chain data from Blockfrost (https://blockfrost.io), one project id per network.

Written over :mod:`spoguild.http` rather than the official ``blockfrost-python``
SDK (0.7.0 on PyPI, installed here only as a pycardano dependency). The SDK
calls the module-level ``requests.get`` with no timeout and no session, raises
one ``ApiError`` for every status (so a 402 quota stop, a 418 ban and a
retryable 429 look alike and none is retried), paginates by recursion with no
way to stop at a known block, has no rate limiter, and returns
``SimpleNamespace`` objects with amounts still as strings. Each of those is
something this service needs, so the SDK would have been wrapped until nothing
of it was left.

Limits kept here (FACTS §7): 10 requests/s with a burst of 500 (a token
bucket); 429 and 5xx are retried with backoff; 402 (daily quota used up) and
418 (banned for flooding) stop this source at once, and it then refuses every
further call without sending it. The quota resets at midnight UTC and the ban
length is not documented, so a new source, made by the next task run, is what
tries again.

The pool directory comes from ``/pools/extended`` (100 pools per page, with
stake, pledge, costs and metadata) plus one ``/pools/retiring`` call: a
directory of 3,100 pools costs 32 + 1 = 33 calls.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping
from typing import Any, Final

import requests

from apps.chain.sources.base import (
    Banned,
    BlockAtSlot,
    BlockRef,
    EpochInfo,
    MetadataCheck,
    PoolBlock,
    PoolDetails,
    PoolEpoch,
    PoolListing,
    PoolMetadata,
    ProtocolParams,
    QuotaExhausted,
    Relay,
    SourceStopped,
    Tip,
    UnexpectedPayload,
    parsing,
    to_float,
    to_float_or_none,
    to_int,
    to_int_or_none,
    to_str,
    to_str_or_none,
    utc,
)
from spoguild.http import (
    CallCounter,
    Client,
    Clock,
    NotFound,
    PermanentError,
    RetryPolicy,
    Sleeper,
    TokenBucket,
    calls,
)

BASE_URLS: Final = {
    "mainnet": "https://cardano-mainnet.blockfrost.io/api/v0",
    "preprod": "https://cardano-preprod.blockfrost.io/api/v0",
    "preview": "https://cardano-preview.blockfrost.io/api/v0",
}
PAGE_SIZE: Final = 100
RATE_PER_SECOND: Final = 10
BURST: Final = 500
RETRY: Final = RetryPolicy(attempts=5, base_delay=1.0, max_delay=30.0)

_METADATA_ERRORS: Final = {
    "HASH_MISMATCH": MetadataCheck.MISMATCH,
    "CONNECTION_ERROR": MetadataCheck.UNREACHABLE,
    "HTTP_RESPONSE_ERROR": MetadataCheck.UNREACHABLE,
    "DECODE_ERROR": MetadataCheck.INVALID,
    "SIZE_EXCEEDED": MetadataCheck.TOO_LARGE,
    "UNKNOWN_ERROR": MetadataCheck.UNKNOWN,
}
_STOPS: Final[dict[int, type[SourceStopped]]] = {402: QuotaExhausted, 418: Banned}


class BlockfrostSource:
    """A :class:`~apps.chain.sources.base.ChainSource` backed by Blockfrost."""

    name = "blockfrost"

    def __init__(
        self,
        project_id: str,
        network: str,
        *,
        base_url: str | None = None,
        session: requests.Session | None = None,
        sleep: Sleeper = time.sleep,
        clock: Clock = time.monotonic,
        counter: CallCounter = calls,
        retry: RetryPolicy = RETRY,
    ) -> None:
        if not project_id:
            raise ValueError("Blockfrost needs a project id for this network.")
        self.network = network
        self._client = Client(
            self.name,
            base_url=base_url or BASE_URLS[network],
            headers={"project_id": project_id},
            retry=retry,
            limiter=TokenBucket(RATE_PER_SECOND, BURST, clock=clock, sleep=sleep),
            session=session,
            counter=counter,
            sleep=sleep,
        )
        self._stopped: tuple[type[SourceStopped], str] | None = None
        self._metadata: dict[str, Any] = {}

    def tip(self) -> Tip:
        data = self._get("/blocks/latest")
        with parsing(self.name, "tip"):
            return Tip(
                hash=to_str(data["hash"]),
                slot=to_int(data["slot"]),
                height=to_int(data["height"]),
                epoch=to_int(data["epoch"]),
                epoch_slot=to_int(data["epoch_slot"]),
                time=utc(data["time"]),
            )

    def stake_supply(self, epoch: int) -> int | None:
        # /network knows only the current supply; the epoch is the caller's.
        data = self._get_or_none("/network")
        if data is None:
            return None
        with parsing(self.name, "network"):
            return to_int(data["supply"]["total"])

    def epoch(self, number: int | None = None) -> EpochInfo:
        path = "/epochs/latest" if number is None else f"/epochs/{number}"
        data = self._get(path)
        params = self._get(f"{path}/parameters")
        with parsing(self.name, "epoch"):
            return EpochInfo(
                epoch=to_int(data["epoch"]),
                start_time=utc(data["start_time"]),
                end_time=utc(data["end_time"]),
                block_count=to_int(data["block_count"]),
                tx_count=to_int(data["tx_count"]),
                fees=to_int(data["fees"]),
                active_stake=to_int_or_none(data["active_stake"]),
                params=_protocol_params(params),
            )

    def pool_directory(self) -> list[PoolListing]:
        retiring = self._retiring_epochs()
        with parsing(self.name, "pool directory"):
            return [
                _listing(row, retiring.get(row["pool_id"]))
                for page in self._pages("/pools/extended")
                for row in page
            ]

    def pool(self, pool_id: str) -> PoolDetails | None:
        """Three calls: the pool, its metadata reference and its relays; a
        fourth, ``/pools/retiring``, only if it ever sent a retirement."""
        data = self._get_or_none(f"/pools/{pool_id}")
        if data is None:
            return None
        metadata = self._raw_metadata(pool_id) or {}
        relays = self._get_or_none(f"/pools/{pool_id}/relays") or []
        with parsing(self.name, "pool"):
            retiring_epoch = None
            if data["retirement"]:
                retiring_epoch = self._retiring_epochs().get(data["pool_id"])
            return _details(data, metadata, relays, retiring_epoch)

    def pool_metadata(self, pool_id: str) -> PoolMetadata | None:
        data = self._raw_metadata(pool_id)
        # An empty object means the pool registered no metadata.
        if not data:
            return None
        with parsing(self.name, "pool metadata"):
            return _metadata(data)

    def _raw_metadata(self, pool_id: str) -> Any:
        """``/pools/{id}/metadata``, asked once per run: ``pool`` and
        ``pool_metadata`` both need it, and each call counts against the quota.
        A source lives for one sync run, so the answer cannot go stale."""
        if pool_id not in self._metadata:
            self._metadata[pool_id] = self._get_or_none(f"/pools/{pool_id}/metadata")
        return self._metadata[pool_id]

    def pool_history(
        self, pool_id: str, *, after_epoch: int | None = None
    ) -> list[PoolEpoch]:
        epochs: list[PoolEpoch] = []
        with parsing(self.name, "pool history"):
            for row in self._rows(f"/pools/{pool_id}/history", order="desc"):
                epoch = _pool_epoch(row)
                if after_epoch is not None and epoch.epoch <= after_epoch:
                    break
                epochs.append(epoch)
        return epochs[::-1]

    def pool_blocks(
        self, pool_id: str, *, after: BlockRef | None = None, limit: int | None = None
    ) -> list[PoolBlock]:
        """The list gives hashes only, newest first, so each new block costs one
        more call for its details; paging stops at the known block, or at an
        older slot should that block have been rolled back."""
        blocks: list[PoolBlock] = []
        for row in self._rows(f"/pools/{pool_id}/blocks", order="desc"):
            with parsing(self.name, "pool blocks"):
                block_hash = to_str(row)
            if after is not None and block_hash == after.hash:
                break
            block = self._block(block_hash)
            if after is not None and block.slot <= after.slot:
                break
            blocks.append(block)
            if limit is not None and len(blocks) >= limit:
                break
        return blocks[::-1]

    def block_at_slot(self, slot: int) -> BlockAtSlot | None:
        data = self._get_or_none(f"/blocks/slot/{slot}")
        if data is None:
            return None
        with parsing(self.name, "block at slot"):
            leader = to_str(data["slot_leader"])
            return BlockAtSlot(
                slot=to_int(data["slot"]),
                hash=to_str(data["hash"]),
                height=to_int(data["height"]),
                epoch=to_int(data["epoch"]),
                time=utc(data["time"]),
                # Blocks without a pool name their kind here instead.
                pool_id=leader if leader.startswith("pool1") else None,
                op_cert_counter=to_int_or_none(data["op_cert_counter"]),
                vrf_key=to_str_or_none(data["block_vrf"]),
            )

    def _block(self, block_hash: str) -> PoolBlock:
        data = self._get(f"/blocks/{block_hash}")
        with parsing(self.name, "block"):
            return PoolBlock(
                slot=to_int(data["slot"]),
                epoch_slot=to_int_or_none(data["epoch_slot"]),
                height=to_int(data["height"]),
                hash=to_str(data["hash"]),
                epoch=to_int(data["epoch"]),
                time=utc(data["time"]),
                size=to_int(data["size"]),
            )

    def _retiring_epochs(self) -> dict[str, int]:
        with parsing(self.name, "retiring pools"):
            return {
                to_str(row["pool_id"]): to_int(row["epoch"])
                for row in self._rows("/pools/retiring")
            }

    def _rows(self, path: str, *, order: str = "asc") -> Iterator[Any]:
        for page in self._pages(path, order=order):
            yield from page

    def _pages(self, path: str, *, order: str = "asc") -> Iterator[list[Any]]:
        """Pages of ``count=100`` until a short one; stop early by not asking.

        A list about an unknown pool is empty, as Koios would have it.
        """
        for page_number in itertools.count(1):
            params = {"count": PAGE_SIZE, "page": page_number, "order": order}
            try:
                page = self._get(path, params)
            except NotFound:
                return
            if not isinstance(page, list):
                raise UnexpectedPayload(f"{path} is not a list.", source=self.name)
            yield page
            if len(page) < PAGE_SIZE:
                return

    def _get_or_none(self, path: str) -> Any:
        try:
            return self._get(path)
        except NotFound:
            return None

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        if self._stopped is not None:
            error_class, message = self._stopped
            raise error_class(message, source=self.name)
        try:
            return self._client.get_json(path, params=params)
        except PermanentError as error:
            if error.status not in _STOPS:
                raise
            self._stopped = (_STOPS[error.status], str(error))
            raise _STOPS[error.status](
                str(error), source=self.name, url=error.url, status=error.status
            ) from error


def _protocol_params(data: Mapping[str, Any]) -> ProtocolParams:
    return ProtocolParams(
        n_opt=to_int(data["n_opt"]),
        a0=to_float(data["a0"]),
        rho=to_float(data["rho"]),
        tau=to_float(data["tau"]),
        min_pool_cost=to_int(data["min_pool_cost"]),
        key_deposit=to_int(data["key_deposit"]),
        pool_deposit=to_int(data["pool_deposit"]),
        e_max=to_int(data["e_max"]),
        decentralisation=to_float_or_none(data["decentralisation_param"]),
        protocol_major=to_int(data["protocol_major_ver"]),
        protocol_minor=to_int(data["protocol_minor_ver"]),
        nonce=to_str_or_none(data["nonce"]),
    )


def _listing(row: Mapping[str, Any], retiring_epoch: int | None) -> PoolListing:
    metadata = row["metadata"] or {}
    return PoolListing(
        pool_id=to_str(row["pool_id"]),
        pool_id_hex=to_str(row["hex"]),
        ticker=to_str_or_none(metadata.get("ticker")),
        name=to_str_or_none(metadata.get("name")),
        live_stake=to_int(row["live_stake"]),
        active_stake=to_int(row["active_stake"]),
        live_saturation=to_float(row["live_saturation"]),
        pledge=to_int(row["declared_pledge"]),
        margin=to_float(row["margin_cost"]),
        fixed_cost=to_int(row["fixed_cost"]),
        blocks_minted=to_int(row["blocks_minted"]),
        retiring_epoch=retiring_epoch,
        metadata_url=to_str_or_none(metadata.get("url")),
        metadata_hash=to_str_or_none(metadata.get("hash")),
    )


def _details(
    data: Mapping[str, Any],
    metadata: Mapping[str, Any],
    relays: list[Mapping[str, Any]],
    retiring_epoch: int | None,
) -> PoolDetails:
    return PoolDetails(
        pool_id=to_str(data["pool_id"]),
        pool_id_hex=to_str(data["hex"]),
        vrf_key_hash=to_str(data["vrf_key"]),
        pledge=to_int(data["declared_pledge"]),
        margin=to_float(data["margin_cost"]),
        fixed_cost=to_int(data["fixed_cost"]),
        reward_account=to_str(data["reward_account"]),
        owners=tuple(to_str(owner) for owner in data["owners"]),
        metadata_url=to_str_or_none(metadata.get("url")),
        metadata_hash=to_str_or_none(metadata.get("hash")),
        relays=tuple(_relay(relay) for relay in relays),
        live_stake=to_int(data["live_stake"]),
        live_pledge=to_int(data["live_pledge"]),
        live_saturation=to_float(data["live_saturation"]),
        active_stake=to_int(data["active_stake"]),
        delegators_count=to_int(data["live_delegators"]),
        blocks_minted=to_int(data["blocks_minted"]),
        retiring_epoch=retiring_epoch,
    )


def _relay(data: Mapping[str, Any]) -> Relay:
    return Relay(
        ipv4=to_str_or_none(data["ipv4"]),
        ipv6=to_str_or_none(data["ipv6"]),
        dns=to_str_or_none(data["dns"]),
        dns_srv=to_str_or_none(data["dns_srv"]),
        port=to_int_or_none(data["port"]),
    )


def _metadata(data: Mapping[str, Any]) -> PoolMetadata:
    error = data.get("error") or {}
    return PoolMetadata(
        pool_id=to_str(data["pool_id"]),
        url=to_str_or_none(data["url"]),
        hash=to_str_or_none(data["hash"]),
        ticker=to_str_or_none(data["ticker"]),
        name=to_str_or_none(data["name"]),
        description=to_str_or_none(data["description"]),
        homepage=to_str_or_none(data["homepage"]),
        check=_metadata_check(data, error),
        check_detail=str(error.get("message", "")),
    )


def _metadata_check(data: Mapping[str, Any], error: Mapping[str, Any]) -> MetadataCheck:
    if error:
        return _METADATA_ERRORS.get(str(error.get("code")), MetadataCheck.UNKNOWN)
    # No error and no fields: Blockfrost has not fetched the file yet.
    if data["ticker"] is None and data["name"] is None:
        return MetadataCheck.UNKNOWN
    return MetadataCheck.OK


def _pool_epoch(row: Mapping[str, Any]) -> PoolEpoch:
    return PoolEpoch(
        epoch=to_int(row["epoch"]),
        blocks=to_int(row["blocks"]),
        active_stake=to_int(row["active_stake"]),
        active_size=to_float_or_none(row["active_size"]),
        delegators_count=to_int(row["delegators_count"]),
        # Blockfrost's rewards are the pool's whole reward, the operator's
        # share (fees) included; the delegators get the rest.
        rewards=max(to_int(row["rewards"]) - to_int(row["fees"]), 0),
        fees=to_int(row["fees"]),
    )
