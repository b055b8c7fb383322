from django.contrib import admin

from apps.health.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "beat_at", "hostname"]
    readonly_fields = ["name", "beat_at", "hostname", "created_at", "updated_at"]
