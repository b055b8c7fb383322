"""A metadata file that no longer matches its registered hash is shown as such."""

from apps.chain.sources.base import MetadataCheck
from apps.chain.sync.details import sync_details
from apps.organizations.models import Organization
from apps.pools.models import Pool
from tests.sync.fakes import POOL, metadata, moment, one_pool
from tests.sync.support import follow, make_pool

NOW = moment(500)
MESSAGE = "Hash of the fetched metadata does not match the registered hash."


def test_a_mismatch_is_stored_with_its_detail_and_the_pool_keeps_its_name(
    organization: Organization,
) -> None:
    # Given a pool known as NUTS whose file now fails its hash check, which
    # Blockfrost reports with empty fields
    follow(organization, make_pool(ticker="NUTS", name="Stake Nuts"))
    source = one_pool("blockfrost")
    source.metadata[POOL] = metadata(
        check=MetadataCheck.MISMATCH,
        check_detail=MESSAGE,
        ticker=None,
        name=None,
        description=None,
        homepage=None,
    )

    # When
    sync_details(source, NOW)

    # Then the mismatch and why are stored for the card to show
    pool = Pool.objects.get(pool_id=POOL)
    assert pool.metadata_check == MetadataCheck.MISMATCH
    assert pool.metadata_check_detail == MESSAGE
    assert pool.metadata_checked_at == NOW
    # and the pool is still recognisable next to the warning
    assert (pool.ticker, pool.name) == ("NUTS", "Stake Nuts")


def test_a_failed_check_is_retried_the_next_day_not_at_once(
    organization: Organization,
) -> None:
    follow(organization, make_pool())
    source = one_pool("blockfrost")
    source.metadata[POOL] = metadata(check=MetadataCheck.MISMATCH)
    sync_details(source, NOW)
    source.asked.clear()

    # When the sync runs again an hour later, then a day later
    sync_details(source, moment(500, days=1.05))
    an_hour_later = list(source.asked)
    sync_details(source, moment(500, days=2.05))

    # Then only the day-later run checked the file again
    assert "pool_metadata" not in an_hour_later
    assert "pool_metadata" in source.asked
