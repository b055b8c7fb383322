from rest_framework import serializers

from apps.organizations.models import Membership, Organization


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    role = serializers.CharField(read_only=True, help_text="Your role in it.")

    class Meta:
        model = Organization
        fields = ["id", "name", "role", "created_at"]


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "created_at"]
