"""A pool id may be stored once per network: the same cold key registered on
mainnet and preprod is two pools, the same one twice on a network is refused."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from tests.pools.pages_support import make_pool, pool_id_for

SHARED_ID = pool_id_for(4_444)


def test_the_same_pool_id_may_be_on_two_networks(db) -> None:
    main = make_pool("MAIN", pool_id=SHARED_ID)
    pre = make_pool("PRE", network="preprod", pool_id=SHARED_ID)

    assert main.pk != pre.pk


def test_the_same_pool_id_twice_on_one_network_is_refused(db) -> None:
    make_pool("ONE", network="preprod", pool_id=SHARED_ID)

    with pytest.raises(IntegrityError):
        make_pool("TWO", network="preprod", pool_id=SHARED_ID)
