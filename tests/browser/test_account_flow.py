"""The foundation's acceptance flow, driven through the real pages in Chromium."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.mail import EmailMessage
from django.test import override_settings
from playwright.sync_api import Page, expect

from apps.organizations.roles import Role
from tests.browser.conftest import ConsoleWatch, SignIn
from tests.factories import PASSWORD, add_member, make_organization, make_user

ORGANIZATION_URL = re.compile(r"/orgs/[0-9a-f-]{36}/$")


def sign_up(page: Page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_label("Password (again):").fill(password)
    page.get_by_role("button", name="Sign Up").click()
    # Waiting for the answer also means its confirmation email has been sent.
    expect(
        page.get_by_role("heading", name="Verify Your Email Address")
    ).to_be_visible()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Sign In").click()


def log_out(page: Page) -> None:
    page.get_by_label("Account menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()


def link_in(message: EmailMessage, path_start: str) -> str:
    """The path of the link in an email, to open on the live server's host."""
    found = re.search(
        rf"https?://[^/\s]+({re.escape(path_start)}\S+)", str(message.body)
    )
    assert found, f"no {path_start} link in: {message.body}"
    return found.group(1)


def mail_to(outbox: list[EmailMessage], address: str) -> EmailMessage:
    sent = [message for message in outbox if address in message.to]
    assert sent, f"no email to {address}"
    return sent[-1]


def confirm_email(page: Page, outbox: list[EmailMessage], address: str) -> None:
    page.goto(link_in(mail_to(outbox, address), "/accounts/confirm-email/"))
    expect(page.get_by_role("heading", name="Confirm Email Address")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()


def current_totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_new_user_signs_up_verifies_and_lands_on_their_organization(
    page: Page, mailoutbox: list[EmailMessage]
) -> None:
    # Given a visitor on the landing page
    page.goto("/")
    page.get_by_role("link", name="Start monitoring your pool").click()

    # When they sign up
    sign_up(page, "ada@example.org")

    # Then they are asked to verify the address, which was emailed
    expect(page.get_by_text("We have sent an email to you")).to_be_visible()
    assert mail_to(mailoutbox, "ada@example.org").subject.startswith("[SPO Guild]")

    # When they confirm it from the email's link
    confirm_email(page, mailoutbox, "ada@example.org")

    # Then they are signed in on their own organization, with the first steps
    expect(page).to_have_url(ORGANIZATION_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("ada's organization")
    expect(page.get_by_text("Get started in three steps")).to_be_visible()
    steps = page.locator("ol.steps > li h3")
    expect(steps).to_have_text(
        ["Add a node", "Install the agent", "Hand in the leader schedule"]
    )


def test_a_user_signs_out_and_back_in_to_the_dashboard(page: Page) -> None:
    # Given a signed-in user
    owner = make_user("olive@example.org", name="Olive Owner")
    make_organization(owner, name="Acme Pool")
    log_in(page, "olive@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Pool")

    # When they sign out
    log_out(page)

    # Then the pages no longer know them
    expect(page.get_by_label("Account menu")).to_have_count(0)

    # When they sign in again with the same credentials
    log_in(page, "olive@example.org")

    # Then they are back on their dashboard
    expect(page).to_have_url(ORGANIZATION_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Pool")


def test_a_wrong_password_is_refused_with_a_message(page: Page) -> None:
    # Given a user
    make_user("olive@example.org")

    for _attempt in range(3):
        # When they sign in with the wrong password
        log_in(page, "olive@example.org", password="not my password")

        # Then the form says so and they stay signed out
        expect(
            page.get_by_text("The email address and/or password you specified")
        ).to_be_visible()
        expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_label("Account menu")).to_have_count(0)


# One period of tolerance, so a code computed at the end of a 30 s window is
# still accepted when the request lands in the next one.
@override_settings(MFA_TOTP_TOLERANCE=1)
def test_a_user_with_two_factor_is_asked_for_a_code_at_sign_in(page: Page) -> None:
    # Given a signed-in user on the two-factor page
    owner = make_user("olive@example.org")
    make_organization(owner, name="Acme Pool")
    log_in(page, "olive@example.org")
    page.get_by_label("Account menu").click()
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_text("An authenticator app is not active.")).to_be_visible()

    # When they activate an authenticator app with a code from its secret
    page.get_by_role("link", name="Activate").click()
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(current_totp(secret))
    page.get_by_role("button", name="Activate").click()

    # Then they are shown their recovery codes
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10

    # When they sign out and in again
    log_out(page)
    log_in(page, "olive@example.org")

    # Then a code is asked for, and with it they reach their dashboard
    expect(page.get_by_text("protected by two-factor authentication")).to_be_visible()
    page.get_by_label("Code").fill(current_totp(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(ORGANIZATION_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Pool")


def test_an_invited_person_signs_up_and_joins_the_organization(
    page: Page,
    new_page: Callable[[], Page],
    sign_in: SignIn,
    mailoutbox: list[EmailMessage],
) -> None:
    # Given an owner on their members page
    owner = make_user("olive@example.org", name="Olive Owner")
    organization = make_organization(owner, name="Acme Pool")
    sign_in(page, owner)
    members_page = f"/orgs/{organization.public_id}/members/"
    page.goto(members_page)

    # When they invite someone as a member
    page.get_by_label("Email address:").fill("newcomer@example.org")
    page.get_by_role("button", name="Send invitation").click()

    # Then the invitation is pending and its link was emailed
    expect(page.get_by_text("Invitation sent to newcomer@example.org.")).to_be_visible()
    pending = page.locator("section", has_text="Pending invitations")
    expect(pending.get_by_role("row", name=re.compile("newcomer@"))).to_contain_text(
        "Member"
    )
    invitation_link = link_in(
        mail_to(mailoutbox, "newcomer@example.org"), "/invitations/"
    )

    # When the invitee, in their own browser, signs up from the link
    invitee = new_page()
    invitee.goto(invitation_link)
    expect(invitee.get_by_role("heading", name="Join Acme Pool")).to_be_visible()
    invitee.get_by_role("main").get_by_role("link", name="Sign up").click()
    sign_up(invitee, "newcomer@example.org")
    confirm_email(invitee, mailoutbox, "newcomer@example.org")
    expect(invitee.get_by_label("Account menu")).to_be_visible()

    # And opens the link again and accepts
    invitee.goto(invitation_link)
    invitee.get_by_role("button", name="Accept the invitation").click()

    # Then they see the organization
    expect(invitee.get_by_text("Welcome to Acme Pool.")).to_be_visible()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Acme Pool")
    expect(invitee.get_by_text("Your role: Member")).to_be_visible()

    # And the owner's members page lists them, with nothing left pending
    page.goto(members_page)
    expect(page.get_by_role("row", name=re.compile("newcomer@"))).to_be_visible()
    expect(page.get_by_text("Pending invitations")).to_have_count(0)


def test_an_api_key_is_shown_once_listed_by_prefix_and_revoked(
    page: Page, sign_in: SignIn
) -> None:
    # Given an owner on the API keys page
    owner = make_user("olive@example.org")
    organization = make_organization(owner, name="Acme Pool")
    sign_in(page, owner)
    keys_page = f"/orgs/{organization.public_id}/api-keys/"
    page.goto(keys_page)
    expect(page.get_by_text("No API keys yet.")).to_be_visible()

    # When they create a key
    page.get_by_label("Name:").fill("deploy script")
    page.get_by_label("Scope:").select_option(label="Read and write")
    page.get_by_role("button", name="Create key").click()

    # Then its plaintext is shown, and the list shows its prefix
    plaintext = page.get_by_test_id("new-api-key").inner_text()
    assert plaintext.startswith("sgk_")
    prefix = "_".join(plaintext.split("_")[:2])
    row = page.get_by_role("row", name=re.compile("deploy script"))
    expect(row).to_contain_text(prefix)
    expect(row).to_contain_text("Read and write")

    # When the page is opened again
    page.goto(keys_page)

    # Then the plaintext is gone for good, but the key is still listed
    expect(page.get_by_test_id("new-api-key")).to_have_count(0)
    assert plaintext not in page.content()
    expect(row).to_contain_text("active")

    # When they revoke it
    row.get_by_role("button", name="Revoke").click()

    # Then it is marked revoked and cannot be revoked again
    expect(page.get_by_text(f"The key {prefix} is revoked.")).to_be_visible()
    expect(row).to_contain_text("revoked")
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)


def test_the_theme_toggle_switches_and_survives_a_reload(page: Page) -> None:
    # Given a visitor whose system prefers a light theme
    page.emulate_media(color_scheme="light")
    page.goto("/")
    html = page.locator("html")
    toggle = page.get_by_role("button", name="Switch between light and dark theme")
    light_background = html.evaluate("node => getComputedStyle(node).backgroundColor")

    # When they switch to dark
    toggle.click()

    # Then the page turns dark, and stays so after a reload
    expect(html).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    dark_background = html.evaluate("node => getComputedStyle(node).backgroundColor")
    assert dark_background != light_background

    # When they switch back
    toggle.click()
    page.reload()

    # Then light is remembered too
    expect(html).to_have_attribute("data-theme", "light")
    expect(toggle).to_have_attribute("aria-pressed", "false")


def test_an_unknown_address_shows_the_friendly_404(
    page: Page, console: ConsoleWatch
) -> None:
    # The browser logs the 404 status of the document itself as a console error.
    console.allow(r"status of 404")

    # When a visitor opens an address that does not exist
    response = page.goto("/no-such-page/")

    # Then they get the site's own 404 page with a way back
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="This page is not here")).to_be_visible()
    page.get_by_role("link", name="Go to the start page").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_another_organizations_page_is_the_same_friendly_404(
    page: Page, sign_in: SignIn, console: ConsoleWatch
) -> None:
    console.allow(r"status of 404")

    # Given a signed-in user and an organization they are not in
    user = make_user("olive@example.org")
    make_organization(user, name="Acme Pool")
    other = make_organization(make_user("otto@example.org"), name="Other Pool")
    sign_in(page, user)

    # When they open that organization's members page
    response = page.goto(f"/orgs/{other.public_id}/members/")

    # Then it does not exist for them
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="This page is not here")).to_be_visible()
    expect(page.get_by_text("Other Pool")).to_have_count(0)


def test_a_member_of_two_organizations_switches_from_the_header(
    page: Page, sign_in: SignIn
) -> None:
    # Given a user who owns one organization and is a member of another
    user = make_user("olive@example.org")
    acme = make_organization(user, name="Acme Pool")
    beta = make_organization(make_user("bea@example.org"), name="Beta Pool")
    add_member(beta, user, Role.MEMBER)
    sign_in(page, user)
    page.goto(f"/orgs/{acme.public_id}/")
    switcher = page.get_by_role("combobox", name="Organization")
    expect(switcher.locator("option:checked")).to_have_text("Acme Pool")

    # When they pick the other organization in the header
    switcher.select_option(label="Beta Pool")

    # Then they land on its overview, and the dashboard remembers it
    expect(page).to_have_url(re.compile(rf"/orgs/{beta.public_id}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Beta Pool")
    expect(page.get_by_text("Your role: Member")).to_be_visible()
    page.get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(rf"/orgs/{beta.public_id}/$"))
