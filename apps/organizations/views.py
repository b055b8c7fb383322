"""Pages for organizations: overview, members, invitations, settings."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.nodes.views import overview_context
from apps.organizations import actions
from apps.organizations.access import current_organization, organization_for
from apps.organizations.context_processors import SESSION_KEY
from apps.organizations.forms import (
    InvitationForm,
    OrganizationForm,
    RoleForm,
    TransferForm,
)
from apps.organizations.models import Invitation, Membership, Organization
from apps.organizations.roles import Permission, Role, can, permission_table


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Sends the user to the organization they used last, or their first one."""
    current = current_organization(request)
    if current is None:
        return redirect("organizations:create")
    return redirect("organizations:overview", current.public_id)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = actions.create_organization(
            request.user, form.cleaned_data["name"]
        )
        request.session[SESSION_KEY] = str(organization.public_id)
        return redirect("organizations:overview", organization.public_id)
    return render(request, "organizations/create.html", {"form": form})


@login_required
def overview(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org)
    request.session[SESSION_KEY] = str(organization.public_id)
    context = {
        "organization": organization,
        **overview_context(request.user, organization),
    }
    return render(request, "organizations/overview.html", context)


@login_required
@require_POST
def switch(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org)
    request.session[SESSION_KEY] = str(organization.public_id)
    return redirect("organizations:overview", organization.public_id)


@login_required
def members(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org)
    manage = can(organization.role, Permission.MANAGE_MEMBERS)
    context = {
        "organization": organization,
        "memberships": Membership.objects.for_user(request.user)
        .filter(organization=organization)
        .select_related("user")
        .by_rank(),
        "invitations": Invitation.objects.for_user(request.user)
        .filter(organization=organization)
        .pending()
        .select_related("invited_by"),
        "can_manage": manage,
        "is_owner": organization.role == Role.OWNER,
        "invite_form": InvitationForm(actor_role=organization.role or "")
        if manage
        else None,
        "role_choices": Role.choices,
        "permission_table": permission_table(),
        "roles": [role.label for role in Role],
    }
    return render(request, "organizations/members.html", context)


@login_required
@require_POST
def invite(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.MANAGE_MEMBERS)
    form = InvitationForm(request.POST, actor_role=organization.role or "")
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
        return redirect("organizations:members", organization.public_id)
    try:
        actions.invite(
            organization,
            request.user,
            form.cleaned_data["email"],
            form.cleaned_data["role"],
        )
    except actions.MembershipError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
    return redirect("organizations:members", organization.public_id)


@login_required
@require_POST
def revoke_invitation(
    request: HttpRequest, org: UUID, invitation: UUID
) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.MANAGE_MEMBERS)
    row = get_object_or_404(
        Invitation.objects.for_user(request.user),
        organization=organization,
        public_id=invitation,
    )
    _apply(request, lambda: actions.revoke_invitation(row), _("Invitation revoked."))
    return redirect("organizations:members", organization.public_id)


@login_required
@require_POST
def change_role(request: HttpRequest, org: UUID, member: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.MANAGE_MEMBERS)
    membership = _membership(request, organization, member)
    form = RoleForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"]
        _apply(
            request,
            lambda: actions.change_role(request.user, membership, role),
            _("Role changed."),
        )
    return redirect("organizations:members", organization.public_id)


@login_required
@require_POST
def remove_member(request: HttpRequest, org: UUID, member: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.MANAGE_MEMBERS)
    membership = _membership(request, organization, member)
    _apply(
        request,
        lambda: actions.remove_member(request.user, membership),
        _("Member removed."),
    )
    return redirect("organizations:members", organization.public_id)


@login_required
@require_POST
def leave(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org)
    if _apply(
        request,
        lambda: actions.leave(request.user, organization),
        _("You left %(name)s.") % {"name": organization.name},
    ):
        request.session.pop(SESSION_KEY, None)
        return redirect("organizations:home")
    return redirect("organizations:members", organization.public_id)


@login_required
def settings(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.MANAGE_SETTINGS)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("organizations:settings", organization.public_id)
    transfer_form = _transfer_form(request, organization)
    context = {
        "organization": organization,
        "form": form,
        "transfer_form": transfer_form if organization.role == Role.OWNER else None,
    }
    return render(request, "organizations/settings.html", context)


@login_required
@require_POST
def transfer(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.TRANSFER)
    form = _transfer_form(request, organization, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the member who becomes the owner."))
    else:
        new_owner = form.cleaned_data["new_owner"]
        _apply(
            request,
            lambda: actions.transfer_ownership(organization, request.user, new_owner),
            _("Ownership transferred."),
        )
    return redirect("organizations:members", organization.public_id)


def _transfer_form(
    request: HttpRequest, organization: Organization, data: object = None
) -> TransferForm:
    """The form offering every other member as the new owner."""
    others = (
        Membership.objects.for_user(request.user)
        .filter(organization=organization)
        .exclude(user=request.user)
        .select_related("user")
    )
    members = [(m.user_id, m.user.email) for m in others]
    return TransferForm(data, members=members)


@login_required
@require_POST
def delete(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.TRANSFER)
    if request.POST.get("confirm_name") != organization.name:
        messages.error(request, _("Type the organization's exact name to delete it."))
        return redirect("organizations:settings", organization.public_id)
    organization.delete()
    request.session.pop(SESSION_KEY, None)
    messages.success(request, _("The organization was deleted."))
    return redirect("organizations:home")


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation link opens; accepting needs the invited address."""
    found = actions.find_invitation(token)
    if found is None or not found.is_pending:
        return render(request, "organizations/invitation_invalid.html", status=404)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            actions.accept_invitation(found, request.user)
        except actions.MembershipError as exc:
            messages.error(request, str(exc))
        else:
            request.session[SESSION_KEY] = str(found.organization.public_id)
            messages.success(
                request, _("Welcome to %(name)s.") % {"name": found.organization.name}
            )
            return redirect("organizations:overview", found.organization.public_id)
    return render(request, "organizations/invitation.html", {"invitation": found})


def _membership(
    request: HttpRequest, organization: Organization, member: UUID
) -> Membership:
    return get_object_or_404(
        Membership.objects.for_user(request.user).select_related("organization"),
        organization=organization,
        public_id=member,
    )


def _apply(request: HttpRequest, change: Callable[[], object], success: str) -> bool:
    """Runs an action, turning its rule violation into a message for the user."""
    try:
        change()
    except actions.MembershipError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True
