from django.contrib import admin

from apps.samples.models import NodeState, Rollup

# Samples themselves have a composite primary key, which the admin cannot show.


@admin.register(NodeState)
class NodeStateAdmin(admin.ModelAdmin[NodeState]):
    list_display = ["node", "ts", "node_reachable", "node_version", "tip_lag_slots"]
    list_select_related = ["node"]
    search_fields = ["node__name"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Rollup)
class RollupAdmin(admin.ModelAdmin[Rollup]):
    list_display = ["node", "resolution", "bucket_start", "sample_count"]
    list_filter = ["resolution"]
    list_select_related = ["node"]
    date_hierarchy = "bucket_start"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
