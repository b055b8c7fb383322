from __future__ import annotations

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
