from django.contrib import admin

from apps.apikeys.actions import revoke_api_key
from apps.apikeys.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "organization",
        "scope",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "revoked_at", "last_used_at"]
    search_fields = ["name", "lookup", "organization__name"]
    list_select_related = ["organization"]
    exclude = ["digest"]
    readonly_fields = [
        "lookup",
        "public_id",
        "last_used_at",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["organization", "created_by"]
    actions = ["revoke_keys"]

    @admin.action(description="Revoke the selected keys")
    def revoke_keys(self, request, queryset):  # type: ignore[no-untyped-def]
        for key in queryset.select_related("organization"):
            revoke_api_key(key)
