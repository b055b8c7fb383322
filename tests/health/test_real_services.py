"""Checks that run against the real PostgreSQL and Redis named in the environment.

They are skipped on the embedded setup, and .ci/run runs the suite once with
DATABASE_URL and REDIS_URL pointing at the machine's servers.
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction

from apps.health import checks
from apps.organizations.models import Membership
from apps.organizations.roles import Role
from spoguild import counters

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL not set"
)
needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="DATABASE_URL does not name PostgreSQL",
)


@pytest.mark.services
@needs_redis
def test_the_cache_is_the_real_redis_server() -> None:
    import redis

    key = f"probe:{uuid.uuid4().hex}"
    cache.set(key, "seen", timeout=30)

    raw = redis.Redis.from_url(os.environ["REDIS_URL"])
    stored = [name for name in raw.scan_iter(match=f"*{key}*")]
    assert stored, "the value is not in the Redis server"
    assert cache.get(key) == "seen"


@pytest.mark.services
@needs_redis
def test_the_broker_check_reaches_redis() -> None:
    ok, detail = checks.broker()

    assert ok is True
    assert "redis" in detail.lower()


@pytest.mark.services
@needs_postgres
def test_the_database_is_postgresql_and_enforces_one_owner(actors) -> None:
    assert connection.vendor == "postgresql"

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=actors.member).update(role=Role.OWNER)


@pytest.mark.services
@needs_redis
def test_rate_limit_counters_live_in_redis_and_expire() -> None:
    import redis

    key = f"probe:{uuid.uuid4().hex}"

    counts = [counters.increment(key, expires_in=90) for _ in range(3)]

    raw = redis.Redis.from_url(os.environ["REDIS_URL"])
    assert counts == [1, 2, 3]
    assert int(raw.get(counters.KEY_PREFIX + key)) == 3
    # Set by the first increment and left alone by the others.
    assert 0 < raw.ttl(counters.KEY_PREFIX + key) <= 90
