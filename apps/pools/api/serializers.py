from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.pools.models import Pool

LOVELACE = "Lovelace (1 ADA = 1,000,000 lovelace)."

_NUMBER_HELP = {
    "pledge": f"Pledge declared in the registration. {LOVELACE}",
    "live_pledge": f"What the owners' accounts hold now. {LOVELACE}",
    "margin": "The operator's share of rewards after the fixed cost, 0 to 1.",
    "fixed_cost": f"Taken by the operator each epoch before the margin. {LOVELACE}",
    "live_stake": f"Stake delegated now. {LOVELACE}",
    "active_stake": f"Stake taken into account for this epoch. {LOVELACE}",
    "live_saturation": "Live stake over the saturation point; 1 is saturated.",
    "blocks_minted": "Blocks made over the pool's lifetime.",
    "retiring_epoch": "The epoch in which the pool retires, if announced.",
    "ros_lifetime": "Return on stake to delegators over the pool's life, annualised.",
    "ros_recent": "Return on stake to delegators over recent epochs, annualised.",
    "luck_recent": "Blocks made over blocks expected in recent epochs; 1 is par.",
    "is_demo": "Generated demo data, not read from the chain.",
}

LIST_FIELDS = [
    "pool_id",
    "network",
    "ticker",
    "name",
    "pledge",
    "live_pledge",
    "pledge_met",
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
    "metadata_check",
    "is_demo",
]


class PoolSerializer(serializers.ModelSerializer[Pool]):
    """A directory row: the public numbers of a pool."""

    pledge_met = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Whether the held pledge covers the declared one; null if unknown.",
    )

    class Meta:
        model = Pool
        fields = LIST_FIELDS
        read_only_fields = LIST_FIELDS
        extra_kwargs: dict[str, Any] = {
            name: {"help_text": text} for name, text in _NUMBER_HELP.items()
        }


class RelaySerializer(serializers.Serializer[dict[str, Any]]):
    ipv4 = serializers.CharField(allow_null=True, required=False)
    ipv6 = serializers.CharField(allow_null=True, required=False)
    dns = serializers.CharField(allow_null=True, required=False)
    dns_srv = serializers.CharField(allow_null=True, required=False)
    port = serializers.IntegerField(allow_null=True, required=False)


class PoolDetailSerializer(PoolSerializer):
    """A pool's card: the directory numbers plus registration and metadata."""

    relays = RelaySerializer(many=True, read_only=True)
    owners = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(PoolSerializer.Meta):
        fields = [
            *LIST_FIELDS,
            "description",
            "homepage",
            "metadata_url",
            "metadata_hash",
            "metadata_check_detail",
            "reward_account",
            "owners",
            "relays",
            "directory_synced_at",
            "detail_synced_at",
        ]
        read_only_fields = fields


class PoolEpochSerializer(serializers.Serializer[Any]):
    """One epoch of a pool, with its luck and annualised return."""

    epoch = serializers.IntegerField()
    active_stake = serializers.IntegerField(help_text=LOVELACE)
    delegators_count = serializers.IntegerField()
    blocks = serializers.IntegerField(help_text="Blocks made in the epoch.")
    expected_blocks = serializers.FloatField(
        allow_null=True, help_text="Blocks the pool's stake share should make."
    )
    luck = serializers.FloatField(
        allow_null=True, help_text="Blocks made over blocks expected; 1 is par."
    )
    rewards = serializers.IntegerField(help_text=f"To delegators. {LOVELACE}")
    fees = serializers.IntegerField(help_text=f"To the operator. {LOVELACE}")
    ros = serializers.FloatField(
        allow_null=True,
        help_text=(
            "((rewards / active stake) + 1) ^ epochs per year - 1 (73 on mainnet "
            "and preprod, 365 on preview): the epoch, annualised."
        ),
    )
