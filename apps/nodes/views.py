"""Pages for nodes: register, change, watch, and manage the agent's token."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.nodes import actions, charts, delivery, disk, health
from apps.nodes.forms import NodeForm
from apps.nodes.models import Node
from apps.organizations.access import organization_for
from apps.organizations.models import Organization
from apps.organizations.roles import Permission, can
from spoguild import shown_once

# A new token's plaintext waits for exactly one page view, so reloading the
# token page neither resubmits the form nor rotates again.
NEW_TOKEN = "new_agent_token"


def overview_context(user: Any, organization: Organization) -> dict[str, Any]:
    """What the organization's overview needs to list its nodes."""
    return {
        "node_overview": health.overview(user, organization),
        "can_operate": can(organization.role, Permission.OPERATE),
    }


@never_cache
@login_required
@require_GET
def overview_list(request: HttpRequest, org: UUID) -> HttpResponse:
    """The node list alone, which the overview polls to stay live."""
    organization = organization_for(request.user, org)
    context = {
        "organization": organization,
        **overview_context(request.user, organization),
    }
    return render(request, "nodes/_overview.html", context)


@login_required
def add(request: HttpRequest, org: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.OPERATE)
    form = NodeForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        node, token = actions.create_node(organization, **form.cleaned_data)
        return _show_token_once(request, organization, node, token, created=True)
    context = {"organization": organization, "form": form}
    return render(request, "nodes/form.html", context)


@login_required
def edit(request: HttpRequest, org: UUID, node: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.OPERATE)
    found = _node(request, organization, node)
    form = NodeForm(request.POST or None, instance=found, organization=organization)
    if request.method == "POST" and form.is_valid():
        actions.change_node(found, **form.cleaned_data)
        messages.success(request, _("Node saved."))
        return redirect("nodes:detail", organization.public_id, found.public_id)
    context = {"organization": organization, "node": found, "form": form}
    return render(request, "nodes/form.html", context)


@login_required
@require_POST
def delete(request: HttpRequest, org: UUID, node: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.OPERATE)
    found = _node(request, organization, node)
    if request.POST.get("confirm_name") != found.name:
        messages.error(request, _("Type the node's exact name to delete it."))
        return redirect("nodes:edit", organization.public_id, found.public_id)
    found.delete()
    messages.success(request, _("%(name)s was deleted.") % {"name": found.name})
    return redirect("organizations:overview", organization.public_id)


@login_required
@require_GET
def detail(request: HttpRequest, org: UUID, node: UUID) -> HttpResponse:
    organization = organization_for(request.user, org)
    found = _node(request, organization, node, with_state=True)
    panels = _panel_context(organization, found)
    context = {
        **panels,
        "refusal_is_current": delivery.refusal_is_current(found),
        "recent_loss": delivery.recent_loss(found, panels["health"].delivery),
        "ranges": [(key, window.label) for key, window in charts.RANGES.items()],
        "default_range": charts.DEFAULT_RANGE,
        "can_operate": can(organization.role, Permission.OPERATE),
        "can_manage_keys": can(organization.role, Permission.MANAGE_KEYS),
        "site_url": settings.SITE_URL,
    }
    return render(request, "nodes/detail.html", context)


@never_cache
@login_required
@require_GET
def panels(request: HttpRequest, org: UUID, node: UUID) -> HttpResponse:
    """The node page's live panels alone, polled by the page."""
    organization = organization_for(request.user, org)
    found = _node(request, organization, node, with_state=True)
    return render(request, "nodes/_panels.html", _panel_context(organization, found))


@never_cache
@login_required
@require_GET
def chart_data(request: HttpRequest, org: UUID, node: UUID) -> JsonResponse:
    organization = organization_for(request.user, org)
    found = _node(request, organization, node)
    range_key = request.GET.get("range", charts.DEFAULT_RANGE)
    if range_key not in charts.RANGES:
        return JsonResponse({"error": _("unknown range"), "field": "range"}, status=400)
    # Compact separators: a day of raw samples is thousands of numbers.
    compact = {"separators": (",", ":")}
    return JsonResponse(charts.chart_data(found, range_key), json_dumps_params=compact)


@login_required
@require_POST
def rotate_token(request: HttpRequest, org: UUID, node: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.MANAGE_KEYS)
    found = _node(request, organization, node)
    token = actions.rotate_agent_token(found)
    return _show_token_once(request, organization, found, token, created=False)


@never_cache
@login_required
@require_GET
def token(request: HttpRequest, org: UUID, node: UUID) -> HttpResponse:
    """The new token, once: a second look finds nothing waiting."""
    organization = organization_for(request.user, org)
    found = _node(request, organization, node)
    waiting = shown_once.take(request, NEW_TOKEN) or {}
    if waiting.get("node") != str(found.public_id):
        messages.info(
            request,
            _("A token is shown only once. Rotate it to get a new one."),
        )
        return redirect("nodes:detail", organization.public_id, found.public_id)
    return _token_page(
        request, organization, found, waiting["token"], created=waiting["created"]
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, org: UUID, node: UUID) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.MANAGE_KEYS)
    found = _node(request, organization, node)
    actions.revoke_agent_token(found)
    messages.success(
        request,
        _("The agent token of %(name)s is revoked; its agent can no longer send.")
        % {"name": found.name},
    )
    return redirect("nodes:detail", organization.public_id, found.public_id)


def _node(
    request: HttpRequest,
    organization: Organization,
    public_id: UUID,
    *,
    with_state: bool = False,
) -> Node:
    nodes = Node.objects.for_user(request.user)
    if with_state:
        nodes = nodes.select_related("state")
    return get_object_or_404(nodes, organization=organization, public_id=public_id)


def _panel_context(organization: Organization, node: Node) -> dict[str, Any]:
    now = timezone.now()
    outlook = disk.forecasts([node], now).get(node.pk)
    row = health.NodeHealth.of(node, now, outlook)
    return {
        "organization": organization,
        "node": node,
        "health": row,
        "disk_bytes_per_day": disk.bytes_per_day(outlook, row.fullest_disk),
    }


def _show_token_once(
    request: HttpRequest,
    organization: Organization,
    node: Node,
    token: str,
    *,
    created: bool,
) -> HttpResponse:
    secret = {"node": str(node.public_id), "token": token, "created": created}
    shown_once.keep(request, NEW_TOKEN, secret)
    return redirect("nodes:token", organization.public_id, node.public_id)


def _token_page(
    request: HttpRequest,
    organization: Organization,
    node: Node,
    token: str,
    *,
    created: bool,
) -> HttpResponse:
    """The only response that ever holds the plaintext token; never cached."""
    context = {
        "organization": organization,
        "node": node,
        "token": token,
        "created": created,
        "site_url": settings.SITE_URL,
    }
    response = render(request, "nodes/token.html", context)
    response["Cache-Control"] = "no-store"
    return response
