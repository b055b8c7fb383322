"""Koios lists no live stake, saturation, block count or name: the directory
keeps what the detail sync stored and computes saturation itself."""

import pytest

from apps.chain.models import Epoch
from apps.chain.sources.base import PoolListing
from apps.chain.sync.directory import sync_directory
from apps.chain.sync.network import store_epoch
from apps.pools.models import Pool
from tests.sync.fakes import ADA, FakeChainSource, epoch_info, listing, moment, pool_id
from tests.sync.support import make_pool


def koios_listing(n: int) -> PoolListing:
    return listing(
        n,
        name=None,
        live_stake=None,
        live_saturation=None,
        blocks_minted=None,
        active_stake=21_600_000 * ADA,
    )


def test_stored_values_are_kept_and_saturation_is_computed(db: None) -> None:
    # Given a stake supply of 21.6B ADA and n_opt 500: saturated at 43.2M ADA
    store_epoch("mainnet", epoch_info(500))
    Epoch.objects.update(stake_supply=21_600_000_000 * ADA)
    # and a pool whose detail sync found 64.8M ADA live, and one never detailed
    make_pool(1, name="Detailed", live_stake=64_800_000 * ADA, blocks_minted=42)
    source = FakeChainSource(directory=[koios_listing(1), koios_listing(2)])

    # When the Koios directory is synced
    sync_directory(source, moment(500))

    # Then the detailed pool keeps its name, live stake and block count,
    detailed = Pool.objects.get(pool_id=pool_id(1))
    assert (detailed.name, detailed.live_stake) == ("Detailed", 64_800_000 * ADA)
    assert detailed.blocks_minted == 42
    # its saturation comes from its live stake: 64.8M / 43.2M
    assert detailed.live_saturation == pytest.approx(1.5)

    # and the other's from its active stake, as nothing better is known
    other = Pool.objects.get(pool_id=pool_id(2))
    assert other.live_stake is None
    assert other.live_saturation == pytest.approx(0.5)
