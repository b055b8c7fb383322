from __future__ import annotations

from datetime import datetime

from django.db import models

from apps.networks.constants import Network


class NetworkTip(models.Model):
    """The newest block of a network as the chain source last reported it."""

    network = models.CharField(max_length=16, choices=Network.choices, unique=True)
    slot = models.BigIntegerField()
    height = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    epoch = models.IntegerField()
    time = models.DateTimeField()
    source = models.CharField(max_length=16, help_text="blockfrost or koios")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network"]

    def __str__(self) -> str:
        return f"{self.network} tip {self.height} at slot {self.slot}"


class Epoch(models.Model):
    """One epoch of a network with the protocol parameters in force during it.

    The parameters used for pool numbers (n_opt for saturation, decentralisation
    for expected blocks) have columns; the full set stays in ``params``.
    """

    network = models.CharField(max_length=16, choices=Network.choices)
    number = models.IntegerField()
    start_time = models.DateTimeField()
    end_time = models.DateTimeField()
    block_count = models.IntegerField(default=0)
    tx_count = models.BigIntegerField(default=0)
    fees = models.BigIntegerField(default=0, help_text="lovelace")
    active_stake = models.BigIntegerField(null=True, help_text="lovelace")
    stake_supply = models.BigIntegerField(
        null=True,
        help_text="total supply less reserves, lovelace; over n_opt it is "
        "the saturation point",
    )
    n_opt = models.IntegerField(null=True)
    decentralisation = models.FloatField(null=True)
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="epoch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.network} epoch {self.number}"


class SourceStatus(models.Model):
    """How the chain source of one network is faring, as the sync last found it.

    A quota (402) or ban (418) answer stops the source until ``stopped_until``;
    every sync run reads this row first and sends nothing while it holds,
    because Blockfrost bans an address that keeps calling after a 402 or 429.
    The last error stays until a run succeeds, so the admin sees why data is old.
    """

    network = models.CharField(max_length=16, choices=Network.choices)
    source = models.CharField(max_length=16, help_text="blockfrost or koios")
    stopped_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["network", "source"]
        verbose_name_plural = "source statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["network", "source"], name="source_status_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} for {self.network}"

    def is_stopped(self, now: datetime) -> bool:
        return self.stopped_until is not None and self.stopped_until > now


class SourceUsage(models.Model):
    """Requests sent to a chain source for one network on one UTC day.

    Blockfrost's quota is counted per UTC day, so this is the figure to compare
    with the plan's limit. Retries count: the vendor counts them too.
    """

    network = models.CharField(max_length=16, choices=Network.choices)
    source = models.CharField(max_length=16, help_text="blockfrost or koios")
    day = models.DateField(help_text="UTC")
    calls = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "network", "source"]
        constraints = [
            # One row a day per source, which each run's increment looks up.
            models.UniqueConstraint(
                fields=["network", "source", "day"], name="source_usage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} for {self.network} on {self.day}: {self.calls} calls"
