"""The main pages fit a phone and a desktop, in both themes, with labelled controls.

Set SPOGUILD_SCREENSHOTS to a folder to also save a screenshot of every page in
every width and theme there, for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from apps.apikeys.models import Scope
from apps.organizations import actions
from apps.organizations.models import Organization
from apps.organizations.roles import Role
from tests.browser.conftest import SignIn
from tests.factories import add_member, make_api_key, make_organization, make_user

Theme = Literal["light", "dark"]
WIDTHS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 800},
    "mobile": {"width": 390, "height": 844},
}
THEMES: tuple[Theme, ...] = ("light", "dark")
SCREENSHOTS = os.environ.get("SPOGUILD_SCREENSHOTS")

# The controls a screen reader could not name, listed by id, name or markup.
UNLABELLED_CONTROLS = """() => [...document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button"
)].filter(control => !(
    control.labels?.length
    || control.getAttribute("aria-label")
    || control.getAttribute("aria-labelledby")
    || (control.tagName === "BUTTON" && control.textContent.trim())
)).map(control => control.id || control.name || control.outerHTML)"""


@pytest.fixture
def busy_organization() -> Organization:
    """An organization with a member, a pending invitation and two API keys."""
    owner = make_user("olive@example.org", name="Olive Owner")
    organization = make_organization(owner, name="Acme Stake Pool")
    add_member(organization, make_user("max@example.org", name="Max Member"))
    actions.invite(organization, owner, "newcomer@example.org", Role.ADMIN)
    make_api_key(organization, Scope.WRITE, name="deploy script")
    revoked, _plaintext = make_api_key(organization, name="old grafana exporter")
    revoked.revoke()
    return organization


def open_landing(page: Page, organization: Organization, sign_in: SignIn) -> None:
    page.goto("/")


def open_login(page: Page, organization: Organization, sign_in: SignIn) -> None:
    page.goto("/accounts/login/")


def open_signup(page: Page, organization: Organization, sign_in: SignIn) -> None:
    page.goto("/accounts/signup/")


def open_overview(page: Page, organization: Organization, sign_in: SignIn) -> None:
    _as_owner(page, organization, sign_in, "")


def open_members(page: Page, organization: Organization, sign_in: SignIn) -> None:
    _as_owner(page, organization, sign_in, "members/")


def open_new_api_key(page: Page, organization: Organization, sign_in: SignIn) -> None:
    # Right after creating a key, the page has the most to fit: the long key too.
    _as_owner(page, organization, sign_in, "api-keys/")
    page.get_by_label("Name:").fill("relay health probe")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_test_id("new-api-key")).to_be_visible()


def _as_owner(
    page: Page, organization: Organization, sign_in: SignIn, path: str
) -> None:
    sign_in(page, organization.memberships.get(role=Role.OWNER).user)
    page.goto(f"/orgs/{organization.public_id}/{path}")


PAGES = {
    "landing": open_landing,
    "login": open_login,
    "signup": open_signup,
    "overview": open_overview,
    "members": open_members,
    "api-keys": open_new_api_key,
}


@pytest.mark.parametrize("name", PAGES)
def test_the_page_fits_every_width_and_theme_with_labelled_controls(
    name: str, page: Page, sign_in: SignIn, busy_organization: Organization
) -> None:
    # Given the page, filled with realistic data
    PAGES[name](page, busy_organization, sign_in)

    # Then every control can be read out by a screen reader
    assert page.evaluate(UNLABELLED_CONTROLS) == []

    for width, viewport in WIDTHS.items():
        for theme in THEMES:
            # When it is seen at this width in this theme
            page.set_viewport_size(viewport)
            page.emulate_media(color_scheme=theme)

            if SCREENSHOTS:
                path = Path(SCREENSHOTS) / f"{name}-{width}-{theme}.png"
                page.screenshot(path=path, full_page=True)

            # Then nothing sticks out sideways
            assert _overflow(page) == 0, f"{name} scrolls sideways at {width}"


def _overflow(page: Page) -> int:
    """How many pixels the document is wider than the window."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
    )
