from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from apps.organizations.roles import Permission, can


class OrganizationPermission(permissions.BasePermission):
    """Reads need membership; writes need the right named by the view.

    Membership itself is enforced by the queryset (``for_user``): an outsider's
    request finds nothing and gets 404 before this check runs.
    """

    message = "Your role in this organization does not allow this change."

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        needed = getattr(view, "write_permission", Permission.MANAGE_SETTINGS)
        return can(getattr(obj, "role", None), needed)
