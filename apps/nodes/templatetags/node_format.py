"""Short, unit-carrying wording for live numbers ("8 s ago", "41 days")."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.nodes.disk import DiskOutlook

register = template.Library()

_SVG = (
    '<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
    "{}</svg>"
)
# Each status has its own shape as well as its colour and word.
_ICONS = {
    "up": '<circle cx="8" cy="8" r="6.5"/><path d="M5 8.3l2 2 4-4.3"/>',
    "late": '<circle cx="8" cy="8" r="6.5"/><path d="M8 4.5V8l2.4 1.6"/>',
    "down": (
        '<path d="M5.3 1.5h5.4l3.8 3.8v5.4l-3.8 3.8H5.3l-3.8-3.8V5.3z"/>'
        '<path d="M5.8 5.8l4.4 4.4m0-4.4l-4.4 4.4"/>'
    ),
    "new": '<circle cx="8" cy="8" r="6.5" stroke-dasharray="2.5 2"/>',
}
_WORDS = {
    "up": gettext_lazy("up"),
    "late": gettext_lazy("late"),
    "down": gettext_lazy("down"),
    "new": gettext_lazy("waiting"),
}


@register.simple_tag
def node_status(status: str) -> SafeString:
    """A node's status as an icon and a word, never colour alone.

    A tag rather than an include: the overview shows one per node and row
    includes are the slowest part of rendering it.
    """
    icon = mark_safe(_SVG.format(_ICONS[status]))  # our own constant markup
    return format_html(
        '<span class="node-status {}">{}<span>{}</span></span>',
        status,
        icon,
        _WORDS[status],
    )


@register.simple_tag
def meter_cell(value: float | str | None, label: str, flag: str = "") -> SafeString:
    """A 0-100 % gauge cell; the browser colours <meter> by low/high, the number
    says it too. A node without a sample yet gives "" here, as templates do.
    ``flag`` is markup of our own (``disk_flag``) shown after the number."""
    if value is None or value == "":
        return format_html(
            '<td class="meter-cell" data-label="{}"><span class="muted">—</span></td>',
            label,
        )
    return format_html(
        '<td class="meter-cell" data-label="{label}"><meter min="0" max="100"'
        ' low="80" high="90" optimum="0" value="{value}" aria-label="{label}">'
        '{whole} %</meter><span class="meter-value">{whole} %</span>{flag}</td>',
        label=label,
        value=f"{float(value):.1f}",
        whole=round(float(value)),
        flag=conditional_escape(flag),
    )


@register.simple_tag
def disk_flag(outlook: DiskOutlook | None) -> SafeString:
    """A short "full in 3 days" beside the disk meter, when that is a week or less."""
    if outlook is None or outlook.level == "ok":
        return mark_safe("")
    title = _("The fullest disk grows %(rate)s points a day: full around %(date)s.") % {
        "rate": points(outlook.points_per_day),
        "date": date_format(timezone.localtime(outlook.full_at), "j M Y H:i"),
    }
    text = _("full in %(duration)s") % {"duration": short_duration(outlook.time_left)}
    return format_html(
        '<span class="disk-flag {}" title="{}"><span aria-hidden="true">⚠ </span>'
        "{}</span>",
        outlook.level,
        title,
        text,
    )


@register.filter
def points(value: float | None) -> str:
    """A rate in percentage points, unsigned, to the digits it needs: "1.2", "0.07"."""
    if value is None:
        return ""
    return floatformat(abs(value), 1 if abs(value) >= 1 else 2)


@register.filter
def short_duration(value: timedelta | float | int | None) -> str:
    """A duration in its largest sensible unit: "8 s", "3 min", "2 h", "4 days"."""
    if value is None:
        return ""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    seconds = max(0, seconds)
    if seconds < 90:
        return _("%(n)d s") % {"n": seconds}
    if seconds < 90 * 60:
        return _("%(n)d min") % {"n": round(seconds / 60)}
    if seconds < 36 * 3600:
        return _("%(n)d h") % {"n": round(seconds / 3600)}
    days = round(seconds / 86400)
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


@register.filter
def ago(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return _("%(duration)s ago") % {"duration": short_duration(timezone.now() - moment)}


@register.filter
def days(value: float | None) -> str:
    """Days left, to a tenth of a day."""
    if value is None:
        return ""
    shown = f"{value:.1f}".removesuffix(".0")
    return ngettext("%(n)s day", "%(n)s days", round(value)) % {"n": shown}
