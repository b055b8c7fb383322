"""The periodic tasks run each network's sync, and running them twice is harmless."""

import pytest
from pytest_django.fixtures import Settings

from apps.chain import tasks
from apps.chain.models import Epoch, NetworkTip, SourceUsage
from apps.chain.sync import runs
from apps.organizations.models import Organization
from apps.pools.models import Pool, PoolBlock, PoolEpoch
from spoguild.http import CallCounter
from tests.sync.fakes import POOL, FakeChainSource, listing, one_pool
from tests.sync.support import follow, make_pool


@pytest.fixture
def sources(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> dict[str, FakeChainSource]:
    """Mainnet knows the followed pool; preprod lists two pools of its own."""
    settings.CHAIN_NETWORKS = ["mainnet", "preprod"]
    fakes = {
        "mainnet": one_pool(),
        "preprod": FakeChainSource(
            network="preprod", directory=[listing(10), listing(11)]
        ),
    }

    def source_for(network: str, counter: CallCounter) -> FakeChainSource:
        return fakes[network].using(counter)

    monkeypatch.setattr(runs, "source_for", source_for)
    return fakes


def rows() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (NetworkTip, Epoch, Pool, PoolEpoch, PoolBlock)
    )


def test_the_beat_tasks_sync_every_network_and_a_repeat_changes_nothing(
    organization: Organization, sources: dict[str, FakeChainSource]
) -> None:
    # Given a followed mainnet pool
    follow(organization, make_pool())

    # When the three periodic tasks run
    tasks.sync_networks()
    tasks.sync_directories()
    tasks.sync_pool_details()

    # Then both networks have a tip and an epoch, a directory, and the
    # followed pool its details
    assert set(NetworkTip.objects.values_list("network", flat=True)) == {
        "mainnet",
        "preprod",
    }
    assert Pool.objects.filter(network="preprod").count() == 2
    assert Pool.objects.get(pool_id=POOL).epochs.count() == 21
    # tip, epoch, stake supply and directory
    assert SourceUsage.objects.filter(network="preprod").get().calls == 4
    first = rows()

    # When they run again at once
    asked = {network: len(fake.asked) for network, fake in sources.items()}
    tasks.sync_networks()
    tasks.sync_directories()
    tasks.sync_pool_details()

    # Then the same rows stay, and only the tips were asked for again
    assert rows() == first
    assert {
        network: fake.asked[asked[network] :] for network, fake in sources.items()
    } == {"mainnet": ["tip"], "preprod": ["tip"]}


def test_one_pool_can_be_synced_at_once(
    organization: Organization, sources: dict[str, FakeChainSource]
) -> None:
    pool = make_pool()

    tasks.sync_pool(pool.pk)
    tasks.sync_pool(pool.pk)

    assert Pool.objects.get(pk=pool.pk).epochs.count() == 21
    assert sources["mainnet"].asked.count("pool_history") == 1
