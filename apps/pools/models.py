from __future__ import annotations

from urllib.parse import urlencode

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.chain.sources.base import MetadataCheck
from apps.networks.constants import Network
from apps.organizations.models import Organization, TenantQuerySet
from apps.pools import numbers
from apps.pools.queries import PoolQuerySet


class PoolStatus(models.TextChoices):
    """Where a pool stands in the directory of its network."""

    REGISTERED = "registered", _("Registered")
    RETIRING = "retiring", _("Retiring")
    RETIRED = "retired", _("Retired")


class Pool(models.Model):
    """A registered stake pool as read off the chain; public, owned by no tenant.

    Directory fields come from the bulk listing of every pool; the detail fields
    (registration, relays, live pledge, metadata check) only for pools that are
    followed or were viewed recently. Amounts are lovelace; margin is a fraction.
    Derived public numbers (ROS, luck) are stored at sync time so the directory
    can sort on them. A bech32 pool id names no network: an operator who
    registers the same cold key on mainnet and preprod has the same id on
    both, so a pool is one network's row for that id.
    """

    network = models.CharField(max_length=16, choices=Network.choices)
    pool_id = models.CharField(_("pool id"), max_length=64)
    pool_id_hex = models.CharField(max_length=56)
    ticker = models.CharField(max_length=16, blank=True)
    name = models.CharField(max_length=128, blank=True)
    description = models.TextField(blank=True)
    homepage = models.URLField(max_length=255, blank=True)
    metadata_url = models.CharField(max_length=255, blank=True)
    metadata_hash = models.CharField(max_length=64, blank=True)
    metadata_check = models.CharField(
        max_length=16, choices=MetadataCheck.choices, default=MetadataCheck.UNKNOWN
    )
    metadata_check_detail = models.CharField(max_length=255, blank=True)
    vrf_key_hash = models.CharField(max_length=64, blank=True)
    reward_account = models.CharField(max_length=128, blank=True)
    owners = models.JSONField(default=list)
    relays = models.JSONField(default=list)
    pledge = models.BigIntegerField(default=0)
    live_pledge = models.BigIntegerField(null=True)
    margin = models.FloatField(default=0)
    fixed_cost = models.BigIntegerField(default=0)
    live_stake = models.BigIntegerField(null=True)
    active_stake = models.BigIntegerField(null=True)
    live_saturation = models.FloatField(null=True)
    delegators_count = models.IntegerField(null=True)
    blocks_minted = models.IntegerField(null=True)
    retiring_epoch = models.IntegerField(null=True)
    status = models.CharField(
        max_length=16, choices=PoolStatus.choices, default=PoolStatus.REGISTERED
    )
    ros_lifetime = models.FloatField(null=True)
    ros_recent = models.FloatField(null=True)
    luck_recent = models.FloatField(null=True)
    is_demo = models.BooleanField(default=False)
    directory_synced_at = models.DateTimeField(null=True)
    detail_synced_at = models.DateTimeField(null=True)
    last_viewed_at = models.DateTimeField(null=True)
    # Detail sync bookkeeping: when each step last asked the source. None means
    # due; the directory sync resets a step when it sees its data change.
    registration_synced_at = models.DateTimeField(null=True, blank=True)
    metadata_checked_at = models.DateTimeField(null=True, blank=True)
    history_synced_at = models.DateTimeField(null=True, blank=True)
    blocks_synced_at = models.DateTimeField(null=True, blank=True)
    blocks_seen = models.IntegerField(
        null=True, blank=True, help_text="blocks_minted when blocks were last read"
    )
    detail_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PoolQuerySet.as_manager()

    class Meta:
        ordering = ["network", "-live_stake", "pool_id"]
        constraints = [
            # The id first, so this one index also serves a lookup by id
            # alone (which networks know a pool), besides the pages' and the
            # sync's lookups by both.
            models.UniqueConstraint(
                fields=["pool_id", "network"], name="pool_id_unique_per_network"
            ),
        ]
        indexes = [
            # The directory's default listing: a network's pools by stake.
            models.Index(fields=["network", "-live_stake"], name="pool_network_stake"),
            # Ticker search (prefix match, case-insensitive in the query).
            models.Index(fields=["ticker"], name="pool_ticker"),
            # The detail sync's pick of pools viewed in the last days.
            models.Index(fields=["network", "last_viewed_at"], name="pool_viewed"),
        ]

    def __str__(self) -> str:
        return f"[{self.ticker}] {self.name}" if self.ticker else self.pool_id

    def get_absolute_url(self) -> str:
        return reverse("pools:card", args=[self.pool_id]) + self.network_query

    @property
    def network_query(self) -> str:
        """What a link to one of the pool's pages adds to name its network;
        nothing for mainnet, the default, so those addresses stay short."""
        return f"?{self.network_param}" if self.network_param else ""

    @property
    def network_param(self) -> str:
        """``network=<name>`` for a query that has other parameters, or nothing
        for mainnet."""
        if self.network == Network.MAINNET:
            return ""
        return urlencode({"network": self.network})

    @property
    def pledge_met(self) -> bool | None:
        return numbers.pledge_met(self.live_pledge, self.pledge)


class PoolEpoch(models.Model):
    """A pool's result in one epoch: its active stake, blocks, delegators, rewards."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="epochs")
    epoch = models.IntegerField()
    blocks = models.IntegerField(default=0)
    active_stake = models.BigIntegerField(default=0)
    active_size = models.FloatField(null=True, help_text="share of all active stake")
    delegators_count = models.IntegerField(default=0)
    rewards = models.BigIntegerField(default=0, help_text="to delegators, lovelace")
    fees = models.BigIntegerField(default=0, help_text="to the operator, lovelace")
    expected_blocks = models.FloatField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pool", "-epoch"]
        constraints = [
            # Also the index for a pool's history, newest first.
            models.UniqueConstraint(fields=["pool", "epoch"], name="pool_epoch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pool_id} epoch {self.epoch}"


class PoolBlock(models.Model):
    """A block a pool made, fetched incrementally from the chain source."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="blocks")
    hash = models.CharField(max_length=64, unique=True)
    slot = models.BigIntegerField()
    height = models.BigIntegerField()
    epoch = models.IntegerField()
    time = models.DateTimeField()
    size = models.IntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pool", "-slot"]
        indexes = [
            # Incremental fetches and per-epoch counts read a pool's newest blocks.
            models.Index(fields=["pool", "-slot"], name="poolblock_pool_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.pool_id} block {self.height}"


class FollowedPoolQuerySet(TenantQuerySet):
    pass


class FollowedPool(models.Model):
    """An organization's interest in a pool, which makes it tracked in detail."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="followed_pools"
    )
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowedPoolQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "pool"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "pool"], name="follow_once_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} follows {self.pool_id}"
