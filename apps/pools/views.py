"""Public pool pages (directory, card, comparison) and an organization's follows."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from apps.networks.constants import Network
from apps.organizations.access import current_organization, organization_for
from apps.organizations.roles import Permission, can
from apps.pools import actions, history
from apps.pools.compare import comparison
from apps.pools.forms import (
    PAGE_SIZE,
    DirectoryForm,
    parse_compared_ids,
    parse_network,
)
from apps.pools.models import FollowedPool, Pool
from apps.pools.queries import DEFAULT_SORT, SORTS, PoolQuerySet
from apps.pools.templatetags.ada import NEARLY_SATURATED

# The directory's sortable columns: sort key, header, numeric, methodology anchor.
COLUMNS = (
    ("ticker", _lazy("Pool"), False, ""),
    ("stake", _lazy("Live stake"), True, ""),
    ("saturation", _lazy("Saturation"), False, "saturation"),
    ("pledge", _lazy("Pledge"), True, "pledge"),
    ("margin", _lazy("Margin"), True, "fees"),
    ("fixed_cost", _lazy("Fixed cost"), True, "fees"),
    ("ros", _lazy("ROS"), True, "ros"),
    ("luck", _lazy("Luck"), True, "luck"),
    ("blocks", _lazy("Blocks"), True, ""),
)
# The directory form's drop-downs, in the order the page shows them.
SELECTS = ("network", "sort", "dir", "pledge", "retiring")

# How a registered relay is reached, in the order a resolver would try.
RELAY_KINDS = (
    ("dns_srv", _lazy("DNS SRV record")),
    ("dns", _lazy("DNS name")),
    ("ipv4", "IPv4"),
    ("ipv6", "IPv6"),
)

# The rewards export: amounts in lovelace, ratios as fractions.
CSV_HEADER = [
    "epoch",
    "active_stake_lovelace",
    "delegators",
    "blocks",
    "expected_blocks",
    "luck",
    "delegator_rewards_lovelace",
    "operator_fees_lovelace",
    "ros_annualised",
]


def on_network(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Gives the view the network ``?network=`` names, mainnet by default.

    A pool id is the same on every network, so the pages of a pool name its
    network in the query; an unknown name is a 404 that says which there are.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            network = parse_network(request.GET.get("network"))
        except ValidationError as error:
            context = {"error": error.messages[0]}
            return render(request, "pools/unknown_network.html", context, status=404)
        return view(request, *args, network=network, **kwargs)

    return wrapped


@vary_on_headers("HX-Request")
def directory(request: HttpRequest) -> HttpResponse:
    """The searchable table of every pool; htmx asks for the results part only."""
    form = DirectoryForm(request.GET)
    pools = Pool.objects.none()
    if form.is_valid():
        pools = form.apply(Pool.objects.for_directory())
    page = _page(pools, request.GET.get("page"))
    paginator = page.paginator
    context = {
        "form": form,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_ends=1),
        "columns": _columns(request.GET, form),
        "selects": [form[name] for name in SELECTS],
        "page_query": _query(request.GET, page=None),
        "has_demo": any(pool.is_demo for pool in page),
        "filters_active": _filters_active(form),
        "network": form.listed_network,
    }
    template = "pools/directory.html"
    if _wants_fragment(request):
        template = "pools/_directory_results.html"
    return render(request, template, context)


def _page(pools: PoolQuerySet, number: str | None) -> Page:
    """A page of the directory and the total, in one query with a window count.

    The directory's search cannot use an index (a name may match anywhere), so
    a separate COUNT would scan the table a second time. Past the last page
    falls back to Django's paginator, which shows the last page instead.
    """
    paginator = Paginator(pools, PAGE_SIZE)
    try:
        wanted = max(1, int(number or 1))
    except ValueError:
        wanted = 1
    start = (wanted - 1) * PAGE_SIZE
    counted = pools.annotate(total=Window(Count("pk")))
    rows = list(counted[start : start + PAGE_SIZE])
    if not rows and wanted > 1:
        return paginator.get_page(wanted)
    paginator.count = rows[0].total if rows else 0  # type: ignore[attr-defined,misc]
    return Page(rows, wanted, paginator)


@on_network
def card(request: HttpRequest, pool_id: str, network: Network) -> HttpResponse:
    """A pool's public card; looking at it asks the sync to keep it fresh."""
    pool = get_object_or_404(Pool, network=network, pool_id=pool_id)
    actions.record_view(pool)
    rows = history.latest_epoch_rows(pool, history.CARD_EPOCHS)
    context = {
        "pool": pool,
        "rows": rows,
        "summary": history.summarise(rows[:10]),
        "chart": history.chart_series(rows),
        "similar": Pool.objects.nearest_in_stake(pool),
        "relays": _relays(pool.relays),
        "follow": _follow_state(request, pool),
    }
    return render(request, "pools/card.html", context)


def _relays(relays: Any) -> list[tuple[str, Any]]:
    """The registered relays as (address, kind), whichever keys each one has."""
    rows = []
    for relay in relays if isinstance(relays, list) else []:
        if not isinstance(relay, dict):
            continue
        for key, kind in RELAY_KINDS:
            if relay.get(key):
                port = relay.get("port")
                rows.append((f"{relay[key]}:{port}" if port else relay[key], kind))
                break
    return rows


@on_network
def rewards_csv(request: HttpRequest, pool_id: str, network: Network) -> HttpResponse:
    """Every epoch of the pool as CSV, amounts in lovelace, newest first."""
    pool = get_object_or_404(
        Pool.objects.only("pool_id", "ticker", "network"),
        network=network,
        pool_id=pool_id,
    )
    name = f"{pool.ticker or pool.pool_id}-rewards.csv".replace('"', "")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in history.latest_epoch_rows(pool):
        writer.writerow(_csv_row(row))
    return response


def _csv_row(row: history.EpochRow) -> list[Any]:
    def fixed(value: float | None, digits: int) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    return [
        row.epoch,
        row.active_stake,
        row.delegators_count,
        row.blocks,
        fixed(row.expected_blocks, 3),
        fixed(row.luck, 4),
        row.rewards,
        row.fees,
        fixed(row.ros, 6),
    ]


@on_network
def compare(request: HttpRequest, network: Network) -> HttpResponse:
    """Up to five pools of one network side by side; a clear error for too many
    or unknown ids."""
    if not any(request.GET.getlist("ids")):
        return render(request, "pools/compare.html", {"pools": []})
    try:
        ids = parse_compared_ids(request.GET.getlist("ids"))
    except ValidationError as error:
        return _compare_error(request, error.messages[0], 400)
    chosen = Pool.objects.filter(network=network, pool_id__in=ids)
    found = {pool.pool_id: pool for pool in chosen}
    unknown = [pool_id for pool_id in ids if pool_id not in found]
    if unknown:
        message = _("No %(network)s pool has the id %(ids)s.") % {
            "network": network.value,
            "ids": ", ".join(unknown),
        }
        return _compare_error(request, message, 404)
    pools = [found[pool_id] for pool_id in ids]
    context = {"pools": pools, "rows": comparison(pools)}
    return render(request, "pools/compare.html", context)


def _compare_error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    context = {"pools": [], "error": message}
    return render(request, "pools/compare.html", context, status=status)


def methodology(request: HttpRequest) -> HttpResponse:
    return render(request, "pools/methodology.html")


@login_required
def followed(request: HttpRequest, org: UUID) -> HttpResponse:
    """The organization's pools, problems first (UI.md), then by ticker."""
    organization = organization_for(request.user, org)
    follows = sorted(
        FollowedPool.objects.for_user(request.user)
        .filter(organization=organization)
        .select_related("pool"),
        key=lambda follow: (-_severity(follow.pool), follow.pool.ticker),
    )
    context = {
        "organization": organization,
        "follows": follows,
        "all_healthy": not any(_severity(follow.pool) for follow in follows),
        "can_operate": can(organization.role, Permission.OPERATE),
    }
    return render(request, "pools/followed.html", context)


def _severity(pool: Pool) -> int:
    """2 when delegators lose rewards or the facts are in doubt, 1 to watch."""
    saturation = pool.live_saturation or 0
    if (
        pool.pledge_met is False
        or saturation > 1
        or pool.retiring_epoch is not None
        or pool.metadata_check == "mismatch"
    ):
        return 2
    if saturation >= NEARLY_SATURATED or pool.metadata_check not in ("ok", "unknown"):
        return 1
    return 0


@login_required
@require_POST
@on_network
def follow(
    request: HttpRequest, org: UUID, pool_id: str, network: Network
) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.OPERATE)
    pool = get_object_or_404(Pool, network=network, pool_id=pool_id)
    actions.follow(organization, pool)
    messages.success(
        request,
        _("%(org)s now follows %(pool)s.") % {"org": organization, "pool": pool},
    )
    return _back(request, pool)


@login_required
@require_POST
@on_network
def unfollow(
    request: HttpRequest, org: UUID, pool_id: str, network: Network
) -> HttpResponse:
    organization = organization_for(request.user, org, Permission.OPERATE)
    pool = get_object_or_404(Pool, network=network, pool_id=pool_id)
    if actions.unfollow(organization, pool):
        messages.success(
            request,
            _("%(org)s no longer follows %(pool)s.")
            % {"org": organization, "pool": pool},
        )
    return _back(request, pool)


def _back(request: HttpRequest, pool: Pool) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(pool)


def _follow_state(request: HttpRequest, pool: Pool) -> dict[str, Any] | None:
    """For a signed-in user: their current organization and whether it follows."""
    if not request.user.is_authenticated:
        return None
    organization = current_organization(request)
    if organization is None:
        return None
    following = (
        FollowedPool.objects.for_user(request.user)
        .filter(organization=organization, pool=pool)
        .exists()
    )
    return {
        "organization": organization,
        "following": following,
        "can_operate": can(organization.role, Permission.OPERATE),
    }


def _filters_active(form: DirectoryForm) -> bool:
    """Whether anything but the search narrows or reorders the directory."""
    if not form.is_valid():
        return True
    data = form.cleaned_data
    return any(data[name] not in (None, "") for name in data if name != "q")


def _wants_fragment(request: HttpRequest) -> bool:
    # A history restore after a cache miss needs the whole page, not the part.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _query(params: QueryDict, **changes: str | None) -> str:
    """The query string with some parameters replaced (None drops one)."""
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    return query.urlencode()


def _columns(params: QueryDict, form: DirectoryForm) -> list[dict[str, Any]]:
    """Each column's header: the link that sorts by it, and its aria-sort.

    Clicking the current column flips its direction; another column starts
    in its natural direction.
    """
    data = form.cleaned_data if form.is_valid() else {}
    current = data.get("sort") or DEFAULT_SORT
    columns = []
    for key, label, numeric, explained in COLUMNS:
        largest_first = SORTS[key][1]
        direction = data.get("dir") or ("desc" if largest_first else "asc")
        active = key == current
        flipped = "asc" if direction == "desc" else "desc"
        aria = "none"
        if active:
            aria = "descending" if direction == "desc" else "ascending"
        url = _query(params, sort=key, dir=flipped if active else None, page=None)
        columns.append(
            {
                "key": key,
                "label": label,
                "num": numeric,
                "help": explained,
                "url": f"?{url}",
                "aria": aria,
            }
        )
    return columns
