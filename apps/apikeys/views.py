from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.apikeys import actions
from apps.apikeys.forms import ApiKeyForm
from apps.apikeys.models import ApiKey
from apps.organizations.access import organization_for
from apps.organizations.roles import Permission, can
from spoguild import shown_once

NEW_KEY = "new_api_key"


@login_required
def api_keys(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org)
    manage = can(organization.role, Permission.MANAGE_KEYS)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and not manage:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        key, plaintext = actions.create_api_key(
            organization,
            request.user,
            form.cleaned_data["name"],
            form.cleaned_data["scope"],
        )
        shown_once.keep(request, NEW_KEY, {"id": str(key.public_id), "key": plaintext})
        return redirect("apikeys:list", organization.public_id)
    keys = (
        ApiKey.objects.for_user(request.user)
        .filter(organization=organization)
        .select_related("created_by")
    )
    created = shown_once.take(request, NEW_KEY)
    created_key = next(
        (key for key in keys if created and str(key.public_id) == created["id"]), None
    )
    context = {
        "organization": organization,
        "keys": keys,
        "form": form if manage else None,
        "created_key": created_key,
        "created_plaintext": created["key"] if created and created_key else None,
    }
    return render(request, "apikeys/api_keys.html", context)


@login_required
@require_POST
def revoke(request: HttpRequest, org: UUID, key: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.MANAGE_KEYS)
    api_key = get_object_or_404(
        ApiKey.objects.for_user(request.user), organization=organization, public_id=key
    )
    actions.revoke_api_key(api_key)
    messages.success(
        request, _("The key %(prefix)s is revoked.") % {"prefix": api_key.prefix}
    )
    return redirect("apikeys:list", organization.public_id)
