from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from apps.organizations.actions import create_personal_organization

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """Gives every new user an organization of their own at sign-up."""

    def save_user(
        self, request: HttpRequest, user: Any, form: Any, commit: bool = True
    ) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            organization = create_personal_organization(user)
            logger.info(
                "User signed up",
                extra={"user_id": user.pk, "organization": organization.public_id},
            )
        return user
