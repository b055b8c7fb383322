"""Who may do what inside an organization.

``PERMISSIONS`` is the single written table of rights; views and the API ask
``can(role, permission)`` and never compare role names themselves. The members
page renders this same table, so what users read is what the code enforces.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


# Higher rank includes every right of the lower ranks.
RANK = {Role.VIEWER: 0, Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}


class Permission(models.TextChoices):
    VIEW = "view", _("See the organization's nodes, pools, alerts and members")
    OPERATE = "operate", _("Add and change nodes, pools, schedules and alert rules")
    MANAGE_KEYS = "manage_keys", _("Create and revoke API keys and agent tokens")
    MANAGE_MEMBERS = (
        "manage_members",
        _("Invite, remove and change the role of members"),
    )
    MANAGE_SETTINGS = (
        "manage_settings",
        _("Rename the organization and change its settings"),
    )
    TRANSFER = "transfer", _("Transfer ownership and delete the organization")


MINIMUM_ROLE = {
    Permission.VIEW: Role.VIEWER,
    Permission.OPERATE: Role.MEMBER,
    Permission.MANAGE_KEYS: Role.ADMIN,
    Permission.MANAGE_MEMBERS: Role.ADMIN,
    Permission.MANAGE_SETTINGS: Role.ADMIN,
    Permission.TRANSFER: Role.OWNER,
}


def can(role: str | None, permission: Permission) -> bool:
    if role is None:
        return False
    return RANK[Role(role)] >= RANK[MINIMUM_ROLE[permission]]


def assignable_roles(actor_role: str) -> list[Role]:
    """Roles an actor may give: never above their own, and owner only by transfer."""
    rank = RANK[Role(actor_role)]
    return [role for role in Role if role != Role.OWNER and RANK[role] <= rank]


def permission_table() -> list[tuple[str, list[bool]]]:
    """Rows of (permission label, allowed per role from owner down) for the page."""
    roles = list(Role)
    return [
        (str(perm.label), [can(role, perm) for role in roles]) for perm in Permission
    ]
