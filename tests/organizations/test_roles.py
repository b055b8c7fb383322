import pytest

from apps.organizations.roles import Permission, Role, assignable_roles, can

EXPECTED = {
    # permission: roles that hold it
    Permission.VIEW: {Role.OWNER, Role.ADMIN, Role.MEMBER, Role.VIEWER},
    Permission.OPERATE: {Role.OWNER, Role.ADMIN, Role.MEMBER},
    Permission.MANAGE_KEYS: {Role.OWNER, Role.ADMIN},
    Permission.MANAGE_MEMBERS: {Role.OWNER, Role.ADMIN},
    Permission.MANAGE_SETTINGS: {Role.OWNER, Role.ADMIN},
    Permission.TRANSFER: {Role.OWNER},
}


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("role", list(Role))
def test_the_role_table_grants_exactly_the_written_rights(role, permission) -> None:
    assert can(role, permission) == (role in EXPECTED[permission])


def test_nobody_holds_a_right_without_a_role() -> None:
    assert not any(can(None, permission) for permission in Permission)


def test_an_admin_gives_any_role_but_owner_and_a_member_none_above_member() -> None:
    assert assignable_roles(Role.ADMIN) == [Role.ADMIN, Role.MEMBER, Role.VIEWER]
    assert assignable_roles(Role.MEMBER) == [Role.MEMBER, Role.VIEWER]
