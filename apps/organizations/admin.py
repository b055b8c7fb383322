from django.contrib import admin

from apps.organizations.models import Invitation, Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "public_id", "created_at"]
    search_fields = ["name", "public_id", "memberships__user__email"]
    list_filter = ["created_at"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "created_at"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organization",
        "role",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "organization__name"]
    list_select_related = ["organization"]
    # The token digest is never shown or edited: a link cannot be rebuilt from it.
    exclude = ["token_digest"]
    readonly_fields = ["token_lookup", "public_id", "created_at", "updated_at"]
    autocomplete_fields = ["organization", "invited_by", "accepted_by"]
