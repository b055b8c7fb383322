"""Marks the pool tables repeat on every row: the saturation gauge, the pledge
flag, and the directory's whole row. Written in Python because the same markup
as template code (an include or a dozen filters per row) costs several times
more, fifty times per keystroke in the directory.

Every mark carries a word or an icon besides its colour.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.pools.templatetags.ada import (
    UNKNOWN,
    ada,
    ada_abbr,
    ada_exact,
    percent,
    saturation_state,
    thousands,
)

register = template.Library()


@register.simple_tag
def saturation_gauge(fraction: float | None) -> SafeString:
    """A meter filled to the saturation (full at 120%), the percentage, a word."""
    if fraction is None:
        return format_html('<span class="muted">{}</span>', UNKNOWN)
    state = saturation_state(fraction)
    word = _state_word(state, get_language())
    # Made from a float and fixed words only: nothing to escape.
    return mark_safe(
        f'<span class="saturation {state}"><meter min="0" max="1.2" low="0.9" '
        f'high="1" optimum="0" value="{fraction:f}" aria-hidden="true"></meter>'
        f'<span class="value">{percent(fraction, 0)}</span>{word}</span>'
    )


@lru_cache(maxsize=32)
def _state_word(state: str, language: str | None) -> SafeString:
    # Cached per language: a directory page asks fifty times for two words.
    if state == "critical":
        return format_html('<span class="word">▲ {}</span>', _("oversaturated"))
    if state == "warning":
        return format_html('<span class="word">◆ {}</span>', _("nearly full"))
    return SafeString("")


@register.simple_tag
def pledge_flag(met: bool | None, short: bool = False) -> SafeString:
    """✓ met, ✕ not met or ? unknown; ``short`` leaves the word to screen readers
    except for "not met", which is always written out."""
    return _pledge_flag(met, short, get_language())


@lru_cache(maxsize=32)
def _pledge_flag(met: bool | None, short: bool, language: str | None) -> SafeString:
    if met is None:
        css, icon, word, title = (
            "unknown",
            "?",
            _("unknown"),
            _("What the owners hold is not known yet"),
        )
    elif met:
        css, icon, word, title = (
            "met",
            "✓",
            _("met"),
            _("The owners hold at least the pledge"),
        )
    else:
        css, icon, word, title = (
            "not-met",
            "✕",
            _("not met"),
            _("The owners hold less than the pledge"),
        )
    shown = "visually-hidden" if short and met is not False else "word"
    return format_html(
        '<span class="pledge {}" title="{}"><span aria-hidden="true">{}</span> '
        '<span class="{}">{}</span></span>',
        css,
        title,
        icon,
        shown,
        _("pledge %(state)s") % {"state": word} if shown != "word" else word,
    )


@register.simple_tag
def directory_row(pool: Any, directory_url: str, compare: str) -> SafeString:
    """One row of the directory table.

    The directory renders fifty of these per keystroke; built here, a row costs
    a fraction of the same markup as template code. The header row in
    ``pools/_directory_results.html`` lists the columns in the same order. The
    texts that come from the chain (ticker, name, pool id) are escaped; the
    numbers are written by this module's own formatters. A pool off mainnet
    is linked with its network, since a pool id names none.
    """
    pool_id = escape(pool.pool_id)
    network = escape(pool.network)
    card = f"{escape(directory_url)}{pool_id}/{escape(pool.network_query)}"
    label = escape(pool.ticker or pool.pool_id)
    name = escape(pool.name or pool.pool_id)
    return mark_safe(
        "<tr>"
        f'<td class="pick"><input type="checkbox" name="ids" value="{pool_id}" '
        f'form="compare-form" id="pick-{pool_id}" data-compare-pick '
        f'data-network="{network}" '
        f'data-ticker="{escape((pool.ticker or pool.pool_id)[:12])}">'
        f'<label for="pick-{pool_id}" class="visually-hidden">'
        f"{escape(compare)} {label}</label></td>"
        f'<th scope="row" class="pool"><a href="{card}">'
        f'<span class="ticker">{escape(pool.ticker) or UNKNOWN}</span> '
        f'<span class="name">{name}</span></a>{_row_tags(pool)}</th>'
        f'<td class="num">{_stake(pool)}</td>'
        f'<td class="sat">{saturation_gauge(pool.live_saturation)}</td>'
        f'<td class="num">{ada_abbr(pool.pledge)}'
        f"{pledge_flag(pool.pledge_met, short=True)}</td>"
        f'<td class="num">{percent(pool.margin, 2)}</td>'
        f'<td class="num">{ada(pool.fixed_cost)}</td>'
        f'<td class="num">{percent(pool.ros_recent, 2)}</td>'
        f'<td class="num">{percent(pool.luck_recent, 0)}</td>'
        f'<td class="num">{thousands(pool.blocks_minted)}</td>'
        "</tr>"
    )


@register.simple_tag
def epoch_row(row: Any) -> SafeString:
    """One epoch of a card's history table (see ``pools/card.html``): numbers
    only, written by this module's formatters, so nothing needs escaping."""
    expected = "—" if row.expected_blocks is None else f"{row.expected_blocks:.2f}"
    return mark_safe(
        f'<tr><th scope="row">{row.epoch}</th>'
        f'<td class="num">{ada_abbr(row.active_stake)}</td>'
        f'<td class="num">{thousands(row.delegators_count)}</td>'
        f'<td class="num">{row.blocks}</td>'
        f'<td class="num">{expected}</td>'
        f'<td class="num">{percent(row.luck, 0)}</td>'
        f'<td class="num" title="{ada_exact(row.rewards)}">{ada(row.rewards)}</td>'
        f'<td class="num" title="{ada_exact(row.fees)}">{ada(row.fees)}</td>'
        f'<td class="num">{percent(row.ros, 2)}</td></tr>'
    )


def _row_tags(pool: Any) -> SafeString:
    tags = SafeString("")
    if pool.retiring_epoch is not None:
        text = _("retiring, epoch %(epoch)d") % {"epoch": pool.retiring_epoch}
        tags += format_html(' <span class="tag critical">⚑ {}</span>', text)
    if pool.metadata_check == "mismatch":
        text = _("metadata hash mismatch")
        tags += format_html(' <span class="tag warning">⚠ {}</span>', text)
    return tags


def _stake(pool: Any) -> str:
    """Live stake; the active stake, marked so, where live is not known yet."""
    if pool.live_stake is not None or pool.active_stake is None:
        return ada_abbr(pool.live_stake)
    note = escape(_("active stake: the live stake is read when the pool is viewed"))
    return f'{ada_abbr(pool.active_stake)}<span class="muted" title="{note}">*</span>'
