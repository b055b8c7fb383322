"""The comparison table: pools side by side, one row per number, best marked.

A row of numbers knows which way is better (lower margin, higher ROS); the
best cells are marked only when the pools differ, so five equal margins mark
nothing. Rows of states (pledge held, retiring, metadata) mark the problems
instead: "best" among four healthy pools would say nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.pools.models import Pool
from apps.pools.templatetags.ada import ada, ada_abbr, percent, thousands

HIGHER, LOWER, NEITHER = "higher", "lower", ""


@dataclass(frozen=True)
class Cell:
    display: str
    best: bool = False
    problem: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    better: str
    cells: list[Cell]
    explained: str = ""  # anchor on the methodology page


@dataclass(frozen=True)
class Spec:
    label: Any
    better: str
    value: Callable[[Pool], Any]
    display: Callable[[Pool], str]
    explained: str = ""
    problem: Callable[[Pool], bool] | None = None


def _yes_no(flag: bool | None, yes: str, no: str) -> str:
    if flag is None:
        return _("unknown")
    return yes if flag else no


SPECS = (
    Spec(
        gettext_lazy("Network"),
        NEITHER,
        lambda p: None,
        lambda p: str(p.get_network_display()),
    ),
    Spec(
        gettext_lazy("Live stake"),
        NEITHER,
        lambda p: p.live_stake,
        lambda p: ada_abbr(p.live_stake),
    ),
    Spec(
        gettext_lazy("Saturation"),
        LOWER,
        lambda p: p.live_saturation,
        lambda p: percent(p.live_saturation),
        "saturation",
    ),
    Spec(
        gettext_lazy("Pledge declared"),
        HIGHER,
        lambda p: p.pledge,
        lambda p: ada_abbr(p.pledge),
        "pledge",
    ),
    Spec(
        gettext_lazy("Pledge held"),
        NEITHER,
        lambda p: p.pledge_met,
        lambda p: _yes_no(p.pledge_met, "✓ " + _("met"), "✕ " + _("not met")),
        "pledge",
        lambda p: p.pledge_met is False,
    ),
    Spec(
        gettext_lazy("Margin"),
        LOWER,
        lambda p: p.margin,
        lambda p: percent(p.margin, 2),
        "fees",
    ),
    Spec(
        gettext_lazy("Fixed cost"),
        LOWER,
        lambda p: p.fixed_cost,
        lambda p: ada(p.fixed_cost),
        "fees",
    ),
    Spec(
        gettext_lazy("ROS, recent"),
        HIGHER,
        lambda p: p.ros_recent,
        lambda p: percent(p.ros_recent, 2),
        "ros",
    ),
    Spec(
        gettext_lazy("ROS, lifetime"),
        HIGHER,
        lambda p: p.ros_lifetime,
        lambda p: percent(p.ros_lifetime, 2),
        "ros",
    ),
    Spec(
        gettext_lazy("Luck, recent"),
        HIGHER,
        lambda p: p.luck_recent,
        lambda p: percent(p.luck_recent, 0),
        "luck",
    ),
    Spec(
        gettext_lazy("Blocks made"),
        HIGHER,
        lambda p: p.blocks_minted,
        lambda p: thousands(p.blocks_minted),
    ),
    Spec(
        gettext_lazy("Delegators"),
        NEITHER,
        lambda p: p.delegators_count,
        lambda p: thousands(p.delegators_count),
    ),
    Spec(
        gettext_lazy("Retiring"),
        NEITHER,
        lambda p: p.retiring_epoch,
        lambda p: _retiring(p.retiring_epoch),
        problem=lambda p: p.retiring_epoch is not None,
    ),
    Spec(
        gettext_lazy("Metadata"),
        NEITHER,
        lambda p: p.metadata_check,
        lambda p: _metadata(p),
        "metadata",
        lambda p: p.metadata_check not in ("ok", "unknown"),
    ),
)


def _retiring(epoch: int | None) -> str:
    if epoch is None:
        return _("no")
    return "⚑ " + _("retiring in epoch %(epoch)d") % {"epoch": epoch}


def _metadata(pool: Pool) -> str:
    icon = {"ok": "✓", "mismatch": "✕", "unknown": "?"}.get(pool.metadata_check, "⚠")
    return f"{icon} {pool.get_metadata_check_display()}"


def comparison(pools: Sequence[Pool]) -> list[Row]:
    return [_row(spec, pools) for spec in SPECS]


def _row(spec: Spec, pools: Sequence[Pool]) -> Row:
    values = [spec.value(pool) for pool in pools]
    best = _best(values, spec.better)
    cells = [
        Cell(
            spec.display(pool),
            best=best is not None and value == best,
            problem=spec.problem is not None and spec.problem(pool),
        )
        for pool, value in zip(pools, values, strict=True)
    ]
    return Row(str(spec.label), spec.better, cells, spec.explained)


def _best(values: list[Any], better: str) -> Any:
    """The best known value, or None when the row has no better way or no contest."""
    known = [value for value in values if value is not None]
    if not better or len(known) < 2 or len(set(known)) == 1:
        return None
    return max(known) if better == HIGHER else min(known)
