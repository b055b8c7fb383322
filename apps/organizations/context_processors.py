from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.organizations.models import Organization

SESSION_KEY = "current_organization"


def organizations(request: HttpRequest) -> dict[str, Any]:
    """The organizations for the switcher in the header, loaded only when rendered."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "switcher_organizations": Organization.objects.for_user(user).only(
            "public_id", "name"
        ),
        "current_organization_id": request.session.get(SESSION_KEY),
    }
