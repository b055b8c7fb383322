from django.contrib import admin

from apps.chain.models import Epoch, NetworkTip, SourceStatus, SourceUsage


@admin.register(NetworkTip)
class NetworkTipAdmin(admin.ModelAdmin):
    list_display = ["network", "epoch", "height", "slot", "time", "source"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Epoch)
class EpochAdmin(admin.ModelAdmin):
    list_display = ["network", "number", "start_time", "block_count", "n_opt"]
    list_filter = ["network"]
    search_fields = ["number"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(SourceStatus)
class SourceStatusAdmin(admin.ModelAdmin):
    list_display = [
        "network",
        "source",
        "stopped_until",
        "last_success_at",
        "last_error_at",
        "last_error",
    ]
    list_filter = ["network", "source"]
    readonly_fields = ["last_error", "last_error_at", "last_success_at", "created_at"]
    # stopped_until stays editable: an admin may lift a stop by hand, say after
    # upgrading the Blockfrost plan.


@admin.register(SourceUsage)
class SourceUsageAdmin(admin.ModelAdmin):
    list_display = ["day", "network", "source", "calls"]
    list_filter = ["network", "source", "day"]
    date_hierarchy = "day"
    readonly_fields = ["network", "source", "day", "calls", "created_at", "updated_at"]
