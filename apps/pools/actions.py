"""Writes about pools made by the pages: following a pool, noting a card's view."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from apps.organizations.models import Organization
from apps.pools.models import FollowedPool, Pool

# The sync refreshes the details of pools viewed recently; knowing a view to
# within ten minutes is plenty, and a popular card then costs one write per
# ten minutes instead of one per visit.
VIEW_PRECISION = timedelta(minutes=10)


def follow(organization: Organization, pool: Pool) -> FollowedPool:
    """Makes the organization follow the pool; following twice changes nothing."""
    followed, _created = FollowedPool.objects.get_or_create(
        organization=organization, pool=pool
    )
    return followed


def unfollow(organization: Organization, pool: Pool) -> bool:
    """Stops following; returns whether the organization was following."""
    deleted, _rows = FollowedPool.objects.filter(
        organization=organization, pool=pool
    ).delete()
    return deleted > 0


def record_view(pool: Pool, now: datetime | None = None) -> bool:
    """Notes that someone looked at the pool's card, at most once per precision.

    The loaded ``last_viewed_at`` saves a query for a card seen a moment ago;
    the conditional update keeps concurrent views to a single write. Returns
    whether this call wrote.
    """
    now = now or timezone.now()
    threshold = now - VIEW_PRECISION
    if pool.last_viewed_at is not None and pool.last_viewed_at > threshold:
        return False
    stale = Q(last_viewed_at__isnull=True) | Q(last_viewed_at__lte=threshold)
    written = Pool.objects.filter(stale, pk=pool.pk).update(last_viewed_at=now)
    pool.last_viewed_at = now
    return written == 1
