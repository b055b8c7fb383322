"""One full sync through BlockfrostSource against Prism serving Blockfrost's own
OpenAPI description: the rows stored from the spec's examples have the right
types. Prism rejects any request the spec does not allow."""

from datetime import datetime

from django.utils import timezone

from apps.chain.models import Epoch, NetworkTip, SourceStatus
from apps.chain.sources import BlockfrostSource
from apps.chain.sources.base import MetadataCheck
from apps.chain.sync.details import sync_details
from apps.chain.sync.directory import sync_directory
from apps.chain.sync.network import sync_network_state
from apps.organizations.models import Organization
from apps.pools.models import Pool, PoolBlock, PoolEpoch
from spoguild.http import CallCounter
from tests.sync.support import follow, make_pool, run_on

POOL = "pool1pu5jlj4q9w9jlxeu370a3c9myx47md5j5m2str0naunn2q3lkdy"


def test_a_full_sync_stores_typed_rows(prism: str, organization: Organization) -> None:
    # Given Prism as Blockfrost for preview, and a followed pool
    def make(counter: CallCounter) -> BlockfrostSource:
        return BlockfrostSource(
            "previewTestProjectId", "preview", base_url=prism, counter=counter
        )

    follow(organization, make_pool(pool_id=POOL, network="preview"))
    now = timezone.now()

    # When the network state, the pool's details and the directory are synced
    # (the spec's example directory does not list the example pool, so after
    # the directory sync it counts as retired and would not be detailed)
    run_on(make, lambda source: sync_network_state(source, now), now, "preview")
    run_on(make, lambda source: sync_details(source, now), now, "preview")
    run_on(make, lambda source: sync_directory(source, now), now, "preview")

    # Then no run failed
    status = SourceStatus.objects.get(network="preview", source="blockfrost")
    assert (status.last_error, status.last_success_at) == ("", now)

    # and the tip and the epoch are stored
    tip = NetworkTip.objects.get(network="preview")
    assert isinstance(tip.slot, int)
    assert tip.slot > 0
    epoch = Epoch.objects.get(network="preview")
    assert isinstance(epoch.active_stake, int)
    assert isinstance(epoch.n_opt, int)

    # and the directory's three example pools
    listed = Pool.objects.filter(network="preview").exclude(pool_id=POOL)
    assert listed.count() == 3
    for pool in listed:
        assert isinstance(pool.live_stake, int)
        assert isinstance(pool.live_saturation, float)

    # and the followed pool's registration, metadata check, history and blocks
    pool = Pool.objects.get(pool_id=POOL)
    assert isinstance(pool.live_pledge, int)
    assert isinstance(pool.relays[0]["port"], int)
    assert pool.metadata_check == MetadataCheck.MISMATCH
    assert pool.detail_error == ""
    row = PoolEpoch.objects.get(pool=pool)
    assert isinstance(row.rewards, int)
    assert row.rewards >= 0
    assert isinstance(row.active_stake, int)
    block = PoolBlock.objects.get(pool=pool)
    assert isinstance(block.slot, int)
    assert isinstance(block.time, datetime)
    assert block.time.utcoffset() is not None
