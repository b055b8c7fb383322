"""Chain data from Koios (https://koios.rest), keyless or with a bearer token.

Koios is PostgREST over cardano-db-sync: lists come 1,000 rows at a time, paged
with ``offset``/``limit`` and described by ``Content-Range``; results can be
filtered and ordered in the query string (``abs_slot=gt.N``,
``order=epoch_no.asc``), which keeps incremental reads to one call. Lookups by
pool id are POSTs of ``{"_pool_bech32_ids": [...]}``.

Limits kept here (FACTS §7): 100 requests per 10 s per IP (a token bucket of
100 refilling at 10/s); a 429 means a 60 s penalty, so it is retried after
60 s rather than sooner, which would only extend it; 5xx (504 after a 30 s
query) are retried with backoff. There is no quota or ban status to stop on.

Written over :mod:`spoguild.http` for the same reasons as the Blockfrost
source. Community wrappers exist on PyPI (koios-python, koios-api, last released
early 2024); they were not adopted, as the retry, paging and call-counting rules
here would have to wrap them just the same.

The directory comes from ``/pool_list`` alone: 3,100 pools in 4 calls. That
listing has no live stake, saturation, block count or name; those stay None
here and come from :meth:`KoiosSource.pool`.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping
from typing import Any, Final

import requests

from apps.chain.sources.base import (
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
    Relay,
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
    PermanentError,
    RetryPolicy,
    Sleeper,
    TokenBucket,
    calls,
    decode_json,
)

BASE_URLS: Final = {
    "mainnet": "https://api.koios.rest/api/v1",
    "preprod": "https://preprod.koios.rest/api/v1",
    "preview": "https://preview.koios.rest/api/v1",
}
PAGE_SIZE: Final = 1000
RATE_PER_SECOND: Final = 10
BURST: Final = 100
PENALTY_SECONDS: Final = 60.0
RETRY: Final = RetryPolicy(attempts=4, rate_limit_delay=PENALTY_SECONDS)
# PostgREST answers 416 when an offset lies past the last row.
_RANGE_NOT_SATISFIABLE: Final = 416


class KoiosSource:
    """A :class:`~apps.chain.sources.base.ChainSource` backed by Koios."""

    name = "koios"

    def __init__(
        self,
        network: str,
        *,
        base_url: str | None = None,
        bearer_token: str | None = None,
        session: requests.Session | None = None,
        sleep: Sleeper = time.sleep,
        clock: Clock = time.monotonic,
        counter: CallCounter = calls,
        retry: RetryPolicy = RETRY,
    ) -> None:
        self.network = network
        headers = {"Authorization": f"Bearer {bearer_token}"} if bearer_token else {}
        self._client = Client(
            self.name,
            base_url=base_url or BASE_URLS[network],
            headers=headers,
            retry=retry,
            limiter=TokenBucket(RATE_PER_SECOND, BURST, clock=clock, sleep=sleep),
            session=session,
            counter=counter,
            sleep=sleep,
        )

    def tip(self) -> Tip:
        row = self._one("/tip")
        with parsing(self.name, "tip"):
            return Tip(
                hash=to_str(row["hash"]),
                slot=to_int(row["abs_slot"]),
                # The spec lists the deprecated block_no; the API sends block_height.
                height=to_int(row.get("block_height", row.get("block_no"))),
                epoch=to_int(row["epoch_no"]),
                epoch_slot=to_int(row["epoch_slot"]),
                time=utc(row["block_time"]),
            )

    def stake_supply(self, epoch: int) -> int | None:
        # Koios's ``supply`` is treasury, rewards, UTxOs, deposits and fees:
        # everything not in the reserves.
        rows = self._get("/totals", {"_epoch_no": epoch})
        if not rows:
            return None
        with parsing(self.name, "totals"):
            return to_int(rows[0]["supply"])

    def epoch(self, number: int | None = None) -> EpochInfo:
        if number is None:
            params: dict[str, Any] = {"order": "epoch_no.desc", "limit": 1}
        else:
            params = {"_epoch_no": number}
        info = self._one("/epoch_info", params)
        with parsing(self.name, "epoch"):
            epoch = to_int(info["epoch_no"])
        protocol = self._one("/epoch_params", {"_epoch_no": epoch})
        with parsing(self.name, "epoch"):
            return EpochInfo(
                epoch=epoch,
                start_time=utc(info["start_time"]),
                end_time=utc(info["end_time"]),
                block_count=to_int(info["blk_count"]),
                tx_count=to_int(info["tx_count"]),
                fees=to_int(info["fees"]),
                active_stake=to_int_or_none(info["active_stake"]),
                params=_protocol_params(protocol),
            )

    def pool_directory(self) -> list[PoolListing]:
        params = {
            "pool_status": "in.(registered,retiring)",
            # Offset paging needs a stable order, or rows shift between pages.
            "order": "pool_id_bech32.asc",
        }
        with parsing(self.name, "pool directory"):
            return [_listing(row) for row in self._rows("/pool_list", params)]

    def pool(self, pool_id: str) -> PoolDetails | None:
        rows = self._post("/pool_info", {"_pool_bech32_ids": [pool_id]})
        if not rows:
            return None
        with parsing(self.name, "pool"):
            return _details(rows[0])

    def pool_metadata(self, pool_id: str) -> PoolMetadata | None:
        rows = self._post("/pool_metadata", {"_pool_bech32_ids": [pool_id]})
        if not rows:
            return None
        with parsing(self.name, "pool metadata"):
            return _metadata(rows[0])

    def pool_history(
        self, pool_id: str, *, after_epoch: int | None = None
    ) -> list[PoolEpoch]:
        params: dict[str, Any] = {"_pool_bech32": pool_id, "order": "epoch_no.asc"}
        if after_epoch is not None:
            params["epoch_no"] = f"gt.{after_epoch}"
        with parsing(self.name, "pool history"):
            return [_pool_epoch(row) for row in self._rows("/pool_history", params)]

    def pool_blocks(
        self, pool_id: str, *, after: BlockRef | None = None, limit: int | None = None
    ) -> list[PoolBlock]:
        """Newest first so ``limit`` keeps the newest; the slot filter makes an
        incremental read one call, and covers a rolled-back known block."""
        params: dict[str, Any] = {"_pool_bech32": pool_id, "order": "abs_slot.desc"}
        if after is not None:
            params["abs_slot"] = f"gt.{after.slot}"
        rows = self._rows("/pool_blocks", params)
        with parsing(self.name, "pool blocks"):
            blocks = [_pool_block(row) for row in itertools.islice(rows, limit)]
        return blocks[::-1]

    def block_at_slot(self, slot: int) -> BlockAtSlot | None:
        rows = self._get("/blocks", {"abs_slot": f"eq.{slot}"})
        if not rows:
            return None
        with parsing(self.name, "block at slot"):
            return _block_at_slot(rows[0])

    def _one(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        rows = self._get(path, params)
        if not rows:
            raise UnexpectedPayload(f"{path} returned no rows.", source=self.name)
        return rows[0]

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        return _as_list(self._client.get_json(path, params=params), path, self.name)

    def _post(self, path: str, body: Any) -> list[Any]:
        return _as_list(self._client.post_json(path, body), path, self.name)

    def _rows(self, path: str, params: Mapping[str, Any]) -> Iterator[Any]:
        """Every row of a list, a page of 1,000 per call; stops early by not
        asking for the next page."""
        offset = 0
        while True:
            page_params = {**params, "offset": offset, "limit": PAGE_SIZE}
            try:
                response = self._client.request("GET", path, params=page_params)
            except PermanentError as error:
                if error.status == _RANGE_NOT_SATISFIABLE:
                    return
                raise
            page = _as_list(decode_json(response, self.name), path, self.name)
            yield from page
            if _is_last_page(response.headers.get("Content-Range"), len(page)):
                return
            offset += len(page)


def _as_list(data: Any, path: str, source: str) -> list[Any]:
    if not isinstance(data, list):
        raise UnexpectedPayload(f"{path} is not a list.", source=source)
    return data


def _is_last_page(content_range: str | None, rows: int) -> bool:
    """Short page, or ``Content-Range: 2000-2999/3000`` reaching the total."""
    if rows < PAGE_SIZE:
        return True
    if not content_range or "/" not in content_range:
        return False
    span, _, total = content_range.partition("/")
    _, _, last = span.partition("-")
    if not total.isdigit() or not last.isdigit():
        return False
    return int(last) + 1 >= int(total)


def _percent(value: object) -> float | None:
    """Koios gives saturation and stake share in percent; we keep fractions."""
    number = to_float_or_none(value)
    return None if number is None else number / 100


def _protocol_params(data: Mapping[str, Any]) -> ProtocolParams:
    return ProtocolParams(
        n_opt=to_int(data["optimal_pool_count"]),
        a0=to_float(data["influence"]),
        rho=to_float(data["monetary_expand_rate"]),
        tau=to_float(data["treasury_growth_rate"]),
        min_pool_cost=to_int(data["min_pool_cost"]),
        key_deposit=to_int(data["key_deposit"]),
        pool_deposit=to_int(data["pool_deposit"]),
        e_max=to_int(data["max_epoch"]),
        decentralisation=to_float_or_none(data["decentralisation"]),
        protocol_major=to_int(data["protocol_major"]),
        protocol_minor=to_int(data["protocol_minor"]),
        nonce=to_str_or_none(data["nonce"]),
    )


def _listing(row: Mapping[str, Any]) -> PoolListing:
    return PoolListing(
        pool_id=to_str(row["pool_id_bech32"]),
        pool_id_hex=to_str(row["pool_id_hex"]),
        ticker=to_str_or_none(row["ticker"]),
        name=None,
        live_stake=None,
        active_stake=to_int_or_none(row["active_stake"]),
        live_saturation=None,
        pledge=to_int(row["pledge"]),
        margin=to_float(row["margin"]),
        fixed_cost=to_int(row["fixed_cost"]),
        blocks_minted=None,
        retiring_epoch=to_int_or_none(row["retiring_epoch"]),
        metadata_url=to_str_or_none(row["meta_url"]),
        metadata_hash=to_str_or_none(row["meta_hash"]),
    )


def _details(row: Mapping[str, Any]) -> PoolDetails:
    return PoolDetails(
        pool_id=to_str(row["pool_id_bech32"]),
        pool_id_hex=to_str(row["pool_id_hex"]),
        vrf_key_hash=to_str(row["vrf_key_hash"]),
        pledge=to_int(row["pledge"]),
        margin=to_float(row["margin"]),
        fixed_cost=to_int(row["fixed_cost"]),
        reward_account=to_str(row["reward_addr"]),
        owners=tuple(to_str(owner) for owner in row["owners"] or ()),
        metadata_url=to_str_or_none(row["meta_url"]),
        metadata_hash=to_str_or_none(row["meta_hash"]),
        relays=tuple(_relay(relay) for relay in row["relays"]),
        live_stake=to_int(row["live_stake"] or 0),
        live_pledge=to_int(row["live_pledge"] or 0),
        live_saturation=_percent(row["live_saturation"]),
        active_stake=to_int_or_none(row["active_stake"]),
        delegators_count=to_int(row["live_delegators"]),
        blocks_minted=to_int(row["block_count"] or 0),
        retiring_epoch=to_int_or_none(row["retiring_epoch"]),
    )


def _relay(data: Mapping[str, Any]) -> Relay:
    return Relay(
        ipv4=to_str_or_none(data["ipv4"]),
        ipv6=to_str_or_none(data["ipv6"]),
        dns=to_str_or_none(data["dns"]),
        dns_srv=to_str_or_none(data["srv"]),
        port=to_int_or_none(data["port"]),
    )


def _metadata(row: Mapping[str, Any]) -> PoolMetadata:
    # db-sync stores the file only once it has fetched it and the hash matched;
    # Koios does not say why a file is missing, so that stays unknown.
    meta = row["meta_json"]
    fields = meta if isinstance(meta, Mapping) else {}
    return PoolMetadata(
        pool_id=to_str(row["pool_id_bech32"]),
        url=to_str_or_none(row["meta_url"]),
        hash=to_str_or_none(row["meta_hash"]),
        ticker=to_str_or_none(fields.get("ticker")),
        name=to_str_or_none(fields.get("name")),
        description=to_str_or_none(fields.get("description")),
        homepage=to_str_or_none(fields.get("homepage")),
        check=MetadataCheck.OK if fields else MetadataCheck.UNKNOWN,
    )


def _pool_epoch(row: Mapping[str, Any]) -> PoolEpoch:
    return PoolEpoch(
        epoch=to_int(row["epoch_no"]),
        blocks=to_int(row["block_cnt"] or 0),
        active_stake=to_int(row["active_stake"] or 0),
        active_size=_percent(row["active_stake_pct"]),
        delegators_count=to_int(row["delegator_cnt"]),
        rewards=to_int(row["deleg_rewards"]),
        fees=to_int(row["pool_fees"]),
    )


def _pool_block(row: Mapping[str, Any]) -> PoolBlock:
    return PoolBlock(
        slot=to_int(row["abs_slot"]),
        epoch_slot=to_int_or_none(row["epoch_slot"]),
        height=to_int(row["block_height"]),
        hash=to_str(row["block_hash"]),
        epoch=to_int(row["epoch_no"]),
        time=utc(row["block_time"]),
        size=None,
    )


def _block_at_slot(row: Mapping[str, Any]) -> BlockAtSlot:
    return BlockAtSlot(
        slot=to_int(row["abs_slot"]),
        hash=to_str(row["hash"]),
        height=to_int(row["block_height"]),
        epoch=to_int(row["epoch_no"]),
        time=utc(row["block_time"]),
        pool_id=to_str_or_none(row["pool"]),
        op_cert_counter=to_int_or_none(row["op_cert_counter"]),
        vrf_key=to_str_or_none(row["vrf_key"]),
    )
