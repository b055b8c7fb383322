from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from apps.accounts.models import User
from apps.organizations.models import Membership
from apps.organizations.roles import Role
from tests.factories import PASSWORD, make_user

SIGNUP = {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}


def test_signing_up_sends_a_verification_email_and_creates_an_organization(
    db, client
) -> None:
    response = client.post(reverse("account_signup"), SIGNUP)

    user = User.objects.get(email="new@example.org")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get(user=user).verified
    assert "confirm-email" in mail.outbox[0].body
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER


def test_confirming_the_email_signs_the_user_in(db, client) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    link = re.search(r"https?://\S+/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]

    client.post(path)

    assert EmailAddress.objects.get(email="new@example.org").verified
    assert client.get(reverse("organizations:home")).status_code == 302


def test_an_unverified_user_cannot_log_in(db, client) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "new@example.org", "password": PASSWORD}
    )

    assert response.url == reverse("account_email_verification_sent")


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/ip,3/5m/key"})
def test_repeated_failed_logins_are_rate_limited(db, client) -> None:
    cache.clear()
    make_user("victim@example.org")
    bad = {"login": "victim@example.org", "password": "wrong password"}
    for _attempt in range(3):
        client.post(reverse("account_login"), bad)

    response = client.post(
        reverse("account_login"), {"login": "victim@example.org", "password": PASSWORD}
    )

    assert response.status_code == 429 or b"Too many" in response.content
    cache.clear()
