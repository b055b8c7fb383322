"""A fake Blockfrost over scenario state, for :class:`tests.http.server.FakeServer`.

Answers the endpoints :class:`~apps.chain.sources.BlockfrostSource` uses, in
the shapes of Blockfrost's OpenAPI description (tests/fixtures/blockfrost),
with its ``count``/``page``/``order`` paging and its error bodies. A scenario
changes the state between runs (a new epoch, new blocks) and can answer any
request with an error through ``interrupt``. The benchmark in
``bench/source_calls.py`` uses it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.http.server import Reply, Request

ADA = 1_000_000
MAINNET_SHELLEY_SLOT = 4_492_800
MAINNET_SHELLEY_TIME = 1_596_059_091
EPOCH_LENGTH = 432_000
TOTAL_STAKE = 21_600_000_000 * ADA
VRF_KEY_HASH = "0b5245f9934ec2151116fb8ec00f35fd00e0aa3b075c4ed12cce440f999d8233"
REWARD_ACCOUNT = "stake1uxkptsa4lkr55jleztw43t37vgdn88l6ghclfwuxld2eykgpgvg3f"
NONCE = "1a3be38bcbb7911969283716ad7aa550250226b76a61fc51cc9a9a35d9276d81"

_ERRORS = {
    402: ("Payment Required", "Project over daily limit."),
    404: ("Not Found", "The requested component has not been found."),
    418: ("Requested Banned", "IP has been auto-banned for flooding."),
    429: ("Project Over Limit", "Usage is over limit."),
    500: ("Internal Server Error", "An unexpected response was received."),
}


def error(status: int) -> Reply:
    title, message = _ERRORS[status]
    return Reply(status, {"status_code": status, "error": title, "message": message})


def epoch_start(epoch: int) -> int:
    return MAINNET_SHELLEY_TIME + (epoch - 208) * EPOCH_LENGTH


def slot_of(epoch: int, epoch_slot: int) -> int:
    return MAINNET_SHELLEY_SLOT + (epoch - 208) * EPOCH_LENGTH + epoch_slot


def pool_bech32(n: int) -> str:
    return f"pool1fake{n:049d}"


@dataclass
class FakePool:
    """One pool's state: its history rows and block payloads, oldest first."""

    pool_id: str
    hex: str
    live_stake: int = 21_600_000 * ADA
    metadata: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def add_epoch(self, epoch: int, *, blocks: int = 3, rewards: int = 0) -> None:
        self.history.append(
            {
                "epoch": epoch,
                "blocks": blocks,
                "active_stake": str(self.live_stake),
                "active_size": self.live_stake / TOTAL_STAKE,
                "delegators_count": 120,
                "rewards": str(rewards),
                "fees": str(rewards // 10),
            }
        )

    def settle(self, epoch: int, rewards: int) -> None:
        """The rewards of ``epoch`` are paid."""
        for row in self.history:
            if row["epoch"] == epoch:
                row["rewards"], row["fees"] = str(rewards), str(rewards // 10)

    def add_block(self, epoch: int, epoch_slot: int) -> None:
        number = len(self.blocks)
        slot = slot_of(epoch, epoch_slot)
        self.blocks.append(
            {
                "time": epoch_start(epoch) + epoch_slot,
                "height": 11_000_000 + number,
                "hash": f"{self.hex[:8]}{number:056x}",
                "slot": slot,
                "epoch": epoch,
                "epoch_slot": epoch_slot,
                "slot_leader": self.pool_id,
                "size": 2048,
                "tx_count": 3,
                "output": "128314491794",
                "fees": "592661",
                "block_vrf": "vrf_vk1wf2k6lhujezqcfe00l6zetxpnmh9n6mwhpmhm0dvf",
                "op_cert": "da905277534faf75dae41732650568af545134ee08a3c0392dbe",
                "op_cert_counter": "18",
                "previous_block": None,
                "next_block": None,
                "confirmations": 10,
            }
        )

    def listing(self) -> dict[str, Any]:
        """A ``/pools/extended`` row."""
        return {
            "pool_id": self.pool_id,
            "hex": self.hex,
            "active_stake": str(self.live_stake),
            "live_stake": str(self.live_stake),
            "blocks_minted": len(self.blocks),
            "live_saturation": self.live_stake / (TOTAL_STAKE / 500),
            "declared_pledge": str(5_000 * ADA),
            "margin_cost": 0.02,
            "fixed_cost": str(170 * ADA),
            "metadata": self.metadata or None,
        }

    def details(self) -> dict[str, Any]:
        """The ``/pools/{pool_id}`` answer."""
        return {
            **self.listing(),
            "vrf_key": VRF_KEY_HASH,
            "blocks_epoch": 0,
            "live_size": self.live_stake / TOTAL_STAKE,
            "live_delegators": 127,
            "active_size": self.live_stake / TOTAL_STAKE,
            "live_pledge": str(5_000 * ADA + 1),
            "reward_account": REWARD_ACCOUNT,
            "owners": ["stake1u98nnlkvkk23vtvf9273uq7cph5ww6u2yq2389psuqet90sv4xv9v"],
            "registration": [
                "9f83e5484f543e05b52e99988272a31da373f3aab4c064c76db96643"
            ],
            "retirement": [],
            "calidus_key": None,
        }


@dataclass
class FakeBlockfrost:
    """Serves the scenario; ``interrupt`` may answer a request first."""

    epoch: int = 500
    pools: dict[str, FakePool] = field(default_factory=dict)
    interrupt: Callable[[Request], Reply | None] | None = None

    def add_pool(self, n: int, **fields: Any) -> FakePool:
        pool = FakePool(pool_bech32(n), f"{n:056x}", **fields)
        pool.metadata = {
            "url": f"https://pool{n}.example.org/meta.json",
            "hash": f"{n:064x}",
            "ticker": f"P{n}"[:5],
            "name": f"Pool {n}",
            "description": "A pool",
            "homepage": f"https://pool{n}.example.org/",
        }
        self.pools[pool.pool_id] = pool
        return pool

    def __call__(self, request: Request) -> Reply:
        if self.interrupt is not None and (reply := self.interrupt(request)):
            return reply
        for pattern, answer in self._routes():
            match = re.fullmatch(pattern, request.path)
            if match:
                return answer(request, *match.groups())
        return error(404)

    def _routes(self) -> list[tuple[str, Callable[..., Reply]]]:
        return [
            (r"/blocks/latest", self._tip),
            (r"/network", self._network),
            (r"/epochs/(latest|\d+)", self._epoch),
            (r"/epochs/(latest|\d+)/parameters", self._parameters),
            (r"/pools/extended", self._directory),
            (r"/pools/retiring", lambda request: page_of([], request)),
            (r"/pools/(pool1\w+)", self._pool),
            (r"/pools/(pool1\w+)/metadata", self._metadata),
            (r"/pools/(pool1\w+)/relays", self._relays),
            (r"/pools/(pool1\w+)/history", self._history),
            (r"/pools/(pool1\w+)/blocks", self._block_list),
            (r"/blocks/([0-9a-f]{64})", self._block),
        ]

    def _tip(self, request: Request) -> Reply:
        slot = slot_of(self.epoch, 1000)
        return Reply(
            200,
            {
                "time": epoch_start(self.epoch) + 1000,
                "height": 11_000_000,
                "hash": "ab" * 32,
                "slot": slot,
                "epoch": self.epoch,
                "epoch_slot": 1000,
            },
        )

    def _network(self, request: Request) -> Reply:
        # The spec's ``network`` schema, with mainnet-like amounts.
        supply = {
            "max": str(45_000_000_000 * ADA),
            "total": str(37_500_000_000 * ADA),
            "circulating": str(36_000_000_000 * ADA),
            "locked": str(100_000_000 * ADA),
            "treasury": str(1_500_000_000 * ADA),
            "reserves": str(7_500_000_000 * ADA),
        }
        stake = {"live": str(TOTAL_STAKE), "active": str(TOTAL_STAKE)}
        return Reply(200, {"supply": supply, "stake": stake})

    def _epoch(self, request: Request, which: str) -> Reply:
        number = self.epoch if which == "latest" else int(which)
        return Reply(
            200,
            {
                "epoch": number,
                "start_time": epoch_start(number),
                "end_time": epoch_start(number + 1),
                "block_count": 21_000,
                "tx_count": 300_000,
                "fees": str(80_000 * ADA),
                "active_stake": str(TOTAL_STAKE),
            },
        )

    def _parameters(self, request: Request, which: str) -> Reply:
        return Reply(
            200,
            {
                "epoch": self.epoch if which == "latest" else int(which),
                "n_opt": 500,
                "a0": 0.3,
                "rho": 0.003,
                "tau": 0.2,
                "min_pool_cost": str(170 * ADA),
                "key_deposit": str(2 * ADA),
                "pool_deposit": str(500 * ADA),
                "e_max": 18,
                "decentralisation_param": 0,
                "protocol_major_ver": 10,
                "protocol_minor_ver": 0,
                "nonce": NONCE,
            },
        )

    def _directory(self, request: Request) -> Reply:
        return page_of([pool.listing() for pool in self.pools.values()], request)

    def _pool(self, request: Request, pool_id: str) -> Reply:
        pool = self.pools.get(pool_id)
        return error(404) if pool is None else Reply(200, pool.details())

    def _metadata(self, request: Request, pool_id: str) -> Reply:
        pool = self.pools.get(pool_id)
        if pool is None:
            return error(404)
        return Reply(200, {"pool_id": pool_id, "hex": pool.hex, **pool.metadata})

    def _relays(self, request: Request, pool_id: str) -> Reply:
        relay = {
            "ipv4": "4.4.4.4",
            "ipv6": None,
            "dns": "relay1.example.org",
            "dns_srv": None,
            "port": 3001,
        }
        return Reply(200, [relay]) if pool_id in self.pools else error(404)

    def _history(self, request: Request, pool_id: str) -> Reply:
        pool = self.pools.get(pool_id)
        return error(404) if pool is None else page_of(pool.history, request)

    def _block_list(self, request: Request, pool_id: str) -> Reply:
        pool = self.pools.get(pool_id)
        if pool is None:
            return error(404)
        return page_of([block["hash"] for block in pool.blocks], request)

    def _block(self, request: Request, block_hash: str) -> Reply:
        for pool in self.pools.values():
            for block in pool.blocks:
                if block["hash"] == block_hash:
                    return Reply(200, block)
        return error(404)


def page_of(rows: list[Any], request: Request) -> Reply:
    """Blockfrost's paging: ``count`` rows of page ``page``, in ``order``."""
    count = int(request.query.get("count", 100))
    page = int(request.query.get("page", 1))
    if request.query.get("order") == "desc":
        rows = rows[::-1]
    return Reply(200, rows[(page - 1) * count : page * count])
