"""Fetching an organization for a request, with the actor's role checked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from apps.organizations.context_processors import SESSION_KEY
from apps.organizations.models import Organization
from apps.organizations.roles import Permission, can


def organization_for(
    user: Any, public_id: Any, permission: Permission = Permission.VIEW
) -> Organization:
    """The organization, if the actor belongs to it and holds the permission.

    Not a member: 404, so outsiders cannot even learn that it exists.
    A member without the right: 403.
    """
    organization = get_object_or_404(
        Organization.objects.for_user(user), public_id=public_id
    )
    if not can(organization.role, permission):
        raise PermissionDenied
    return organization


def current_organization(request: HttpRequest) -> Organization | None:
    """The organization the user used last, else their first one, else None."""
    organizations = Organization.objects.for_user(request.user)
    current = request.session.get(SESSION_KEY)
    found = organizations.filter(public_id=current).first() if current else None
    return found or organizations.first()
