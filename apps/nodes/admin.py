from django.contrib import admin

from apps.nodes.models import Node


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin[Node]):
    list_display = [
        "name",
        "organization",
        "role",
        "network",
        "last_sample_at",
        "token_lookup",
        "is_demo",
    ]
    list_filter = ["role", "network", "is_demo"]
    search_fields = ["name", "organization__name", "pool_id", "token_lookup"]
    list_select_related = ["organization", "state"]
    # Tokens change only through rotate/revoke, which show the new one once.
    readonly_fields = [
        "public_id",
        "token_lookup",
        "token_digest",
        "token_created_at",
        "last_sample_at",
        "last_refusal",
        "last_refusal_at",
        "created_at",
        "updated_at",
    ]
