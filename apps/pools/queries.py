"""Reads of the public pool directory: search, filters and sorts as queryset methods.

The directory page and the API build their listing from the same chain of
methods (see ``DirectoryForm.apply``), so both answer the same question the
same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

if TYPE_CHECKING:
    from apps.pools.models import Pool

# Sort key -> (column, whether it sorts largest first unless asked otherwise).
SORTS: dict[str, tuple[str, bool]] = {
    "stake": ("live_stake", True),
    "saturation": ("live_saturation", True),
    "ros": ("ros_recent", True),
    "ros_lifetime": ("ros_lifetime", True),
    "luck": ("luck_recent", True),
    "margin": ("margin", False),
    "fixed_cost": ("fixed_cost", False),
    "pledge": ("pledge", True),
    "blocks": ("blocks_minted", True),
    "delegators": ("delegators_count", True),
    "ticker": ("ticker", False),
}
DEFAULT_SORT = "stake"
# A pool's stake for sorting: live where a detail sync read it, else the active
# stake that every directory listing carries (Koios lists no live stake).
STAKE = Coalesce(F("live_stake"), F("active_stake"))

# What a directory row shows; the long text and JSON columns stay in the table.
DIRECTORY_COLUMNS = (
    "network",
    "pool_id",
    "ticker",
    "name",
    "metadata_check",
    "pledge",
    "live_pledge",
    "margin",
    "fixed_cost",
    "live_stake",
    "active_stake",
    "live_saturation",
    "delegators_count",
    "blocks_minted",
    "retiring_epoch",
    "ros_lifetime",
    "ros_recent",
    "luck_recent",
    "is_demo",
    "status",
)


class PoolQuerySet(models.QuerySet["Pool"]):
    """Public pools; no tenant owns them, so there is no ``for_user`` here."""

    def for_directory(self) -> PoolQuerySet:
        return self.only(*DIRECTORY_COLUMNS)

    def listed(self) -> PoolQuerySet:
        """Pools still registered or retiring; retired ones leave the directory."""
        return self.exclude(status="retired")

    def on_network(self, network: str) -> PoolQuerySet:
        return self.filter(network=network) if network else self

    def search(self, text: str) -> PoolQuerySet:
        """Pools whose ticker starts with, name contains, or id starts with ``text``.

        A pool whose ticker is exactly the text comes first: people type the
        ticker they were told.
        """
        text = text.strip()
        if not text:
            return self
        match = (
            Q(ticker__istartswith=text)
            | Q(name__icontains=text)
            | Q(pool_id__startswith=text.lower())
            | Q(pool_id_hex__startswith=text.lower())
        )
        exact = Case(
            When(ticker__iexact=text, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return self.filter(match).alias(ticker_rank=exact)

    def saturation_between(
        self, low: float | None = None, high: float | None = None
    ) -> PoolQuerySet:
        """Saturation as a fraction (1.0 is saturated); either bound may be open."""
        queryset = self
        if low is not None:
            queryset = queryset.filter(live_saturation__gte=low)
        if high is not None:
            queryset = queryset.filter(live_saturation__lte=high)
        return queryset

    def pledge_met(self, met: bool) -> PoolQuerySet:
        """Pools whose owners hold (or fail to hold) the pledge they declared.

        A pool whose held pledge is unknown is in neither list.
        """
        if met:
            return self.filter(live_pledge__gte=F("pledge"))
        return self.filter(live_pledge__lt=F("pledge"))

    def retiring(self, retiring: bool) -> PoolQuerySet:
        return self.filter(retiring_epoch__isnull=not retiring)

    def sorted_by(self, key: str = DEFAULT_SORT, direction: str = "") -> PoolQuerySet:
        """Orders by a directory sort key; unknown numbers always go last.

        ``direction`` is "asc" or "desc"; empty means the key's natural one
        (largest stake first, lowest margin first). An exact ticker match from
        ``search`` stays on top whatever the sort.
        """
        column, largest_first = SORTS.get(key, SORTS[DEFAULT_SORT])
        descending = direction == "desc" if direction else largest_first
        expression = STAKE if column == "live_stake" else F(column)
        ordering: list[Any] = [
            expression.desc(nulls_last=True)
            if descending
            else expression.asc(nulls_last=True),
            "pool_id",
        ]
        if "ticker_rank" in self.query.annotations:
            ordering.insert(0, "ticker_rank")
        return self.order_by(*ordering)

    def nearest_in_stake(self, pool: Pool, count: int = 2) -> list[Pool]:
        """The open pools of the same network whose live stake is closest.

        For the card's "compare with similar pools" link. The nearest larger
        and the nearest smaller pools are each read along the network's stake
        index, so neither query sorts the whole directory.
        """
        if pool.live_stake is None:
            return []
        near = self.filter(network=pool.network).listed().retiring(False)
        near = near.exclude(pk=pool.pk).only("pool_id", "live_stake")
        above = near.filter(live_stake__gte=pool.live_stake).order_by("live_stake")
        below = near.filter(live_stake__lt=pool.live_stake).order_by("-live_stake")
        candidates = [*above[:count], *below[:count]]
        stake = pool.live_stake
        candidates.sort(
            key=lambda other: (abs((other.live_stake or 0) - stake), other.pool_id)
        )
        return candidates[:count]
