from django.contrib import admin

from apps.pools.models import FollowedPool, Pool, PoolBlock, PoolEpoch


@admin.register(Pool)
class PoolAdmin(admin.ModelAdmin):
    list_display = [
        "pool_id",
        "ticker",
        "network",
        "status",
        "live_stake",
        "metadata_check",
        "detail_synced_at",
        "detail_error",
    ]
    list_filter = ["network", "status", "metadata_check", "is_demo"]
    search_fields = ["pool_id", "pool_id_hex", "ticker", "name"]
    readonly_fields = [
        "directory_synced_at",
        "detail_synced_at",
        "registration_synced_at",
        "metadata_checked_at",
        "history_synced_at",
        "blocks_synced_at",
        "blocks_seen",
        "detail_error",
        "last_viewed_at",
        "created_at",
        "updated_at",
    ]


@admin.register(PoolEpoch)
class PoolEpochAdmin(admin.ModelAdmin):
    list_display = ["pool", "epoch", "blocks", "expected_blocks", "active_stake"]
    search_fields = ["pool__pool_id", "pool__ticker"]
    list_select_related = ["pool"]
    raw_id_fields = ["pool"]


@admin.register(PoolBlock)
class PoolBlockAdmin(admin.ModelAdmin):
    list_display = ["pool", "height", "slot", "epoch", "time"]
    search_fields = ["hash", "pool__pool_id", "pool__ticker"]
    list_select_related = ["pool"]
    raw_id_fields = ["pool"]


@admin.register(FollowedPool)
class FollowedPoolAdmin(admin.ModelAdmin):
    list_display = ["organization", "pool", "created_at"]
    search_fields = ["organization__name", "pool__pool_id", "pool__ticker"]
    list_select_related = ["organization", "pool"]
    raw_id_fields = ["organization", "pool"]
