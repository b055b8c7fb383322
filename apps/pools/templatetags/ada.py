"""ADA amounts and ratios as people read them.

Amounts are stored in lovelace (1 ADA = 1,000,000 lovelace). ``ada`` writes
whole ADA with thousands separators, ``ada_short`` abbreviates large amounts
(12.4M ₳), ``ada_exact`` keeps every lovelace for a hover title, and the
``ada_abbr`` tag puts the short form in a span whose title is the exact one.
An unknown amount or ratio (None) is written as a dash.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

LOVELACE_PER_ADA = 1_000_000
SYMBOL = "₳"
UNKNOWN = "—"
_UNITS = ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K"))

# Saturation (a fraction of the saturation point) from which a pool is
# flagged: it nears the point, then passes it and pays its delegators less.
NEARLY_SATURATED = 0.9


@register.filter
def ada(lovelace: int | None) -> str:
    """Whole ADA, rounded, with thousands separators: 1234567890 -> "1,235 ₳"."""
    if lovelace is None:
        return UNKNOWN
    return f"{round(Decimal(lovelace) / LOVELACE_PER_ADA):,} {SYMBOL}"


@register.filter
def ada_exact(lovelace: int | None) -> str:
    """Every lovelace, no trailing zeros: 12400123456789 -> "12,400,123.456789 ₳"."""
    if lovelace is None:
        return UNKNOWN
    whole, fraction = divmod(abs(lovelace), LOVELACE_PER_ADA)
    sign = "-" if lovelace < 0 else ""
    decimals = f"{fraction:06d}".rstrip("0")
    text = f"{sign}{whole:,}" + (f".{decimals}" if decimals else "")
    return f"{text} {SYMBOL}"


@register.filter
def ada_short(lovelace: int | None) -> str:
    """Large amounts in K, M or B to three significant figures.

    12_400_000 ADA -> "12.4M ₳", 849_960 ADA -> "850K ₳", 999 ADA -> "999 ₳".
    """
    if lovelace is None:
        return UNKNOWN
    amount = Decimal(lovelace) / LOVELACE_PER_ADA
    if abs(amount) < Decimal("999.5"):
        return f"{round(amount):,} {SYMBOL}"
    step = Decimal(1).scaleb(amount.adjusted() - 2)
    rounded = amount.quantize(step, rounding=ROUND_HALF_UP)
    size, suffix = next((s, u) for s, u in _UNITS if abs(rounded) >= s)
    return f"{(rounded / size).normalize():f}{suffix} {SYMBOL}"


@register.simple_tag
def ada_abbr(lovelace: int | None) -> SafeString:
    """The short amount, with the exact one on hover."""
    if lovelace is None:
        return format_html(
            '<span class="ada" title="{}">{}</span>', _("unknown"), UNKNOWN
        )
    # Both texts are made here from an integer, so there is nothing to escape;
    # skipping format_html matters in a table of fifty rows.
    return mark_safe(
        f'<span class="ada" title="{ada_exact(lovelace)}">{ada_short(lovelace)}</span>'
    )


@register.filter
def percent(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.04237 -> "4.2%"; 0.5 with 0 digits -> "50%"."""
    if fraction is None:
        return UNKNOWN
    return f"{fraction * 100:,.{int(digits)}f}%"


@register.filter
def thousands(value: int | None) -> str:
    """A count with thousands separators: 12345 -> "12,345"."""
    return UNKNOWN if value is None else f"{value:,}"


@register.filter
def saturation_state(fraction: float | None) -> str:
    """ "ok", "warning" (nearly saturated) or "critical" (oversaturated)."""
    if fraction is None or fraction < NEARLY_SATURATED:
        return "ok"
    return "warning" if fraction <= 1 else "critical"
