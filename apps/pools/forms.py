"""The directory's search, filters and sort, shared by the page and the API."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.networks.constants import Network
from apps.pools.queries import DEFAULT_SORT, PoolQuerySet

# bech32 "pool" + separator + 45 data characters (a 28-byte hash) + 6 checksum.
POOL_ID = re.compile(r"pool1[02-9ac-hj-np-z]{51}")
MAX_COMPARED = 5
PAGE_SIZE = 50

SORT_CHOICES = [
    ("stake", _("Live stake")),
    ("saturation", _("Saturation")),
    ("ros", _("ROS, recent")),
    ("ros_lifetime", _("ROS, lifetime")),
    ("luck", _("Luck")),
    ("margin", _("Margin")),
    ("fixed_cost", _("Fixed cost")),
    ("pledge", _("Pledge")),
    ("blocks", _("Blocks made")),
    ("delegators", _("Delegators")),
    ("ticker", _("Ticker")),
]
DIRECTION_CHOICES = [
    ("", _("Natural order")),
    ("desc", _("Largest first")),
    ("asc", _("Smallest first")),
]
PLEDGE_CHOICES = [
    ("", _("Any pledge")),
    ("met", _("Pledge met")),
    ("not_met", _("Pledge not met")),
]
RETIRING_CHOICES = [
    ("", _("Retiring or not")),
    ("hide", _("Hide retiring")),
    ("only", _("Only retiring")),
]


class DirectoryForm(forms.Form):
    """Validated directory query; every field is optional and has a default.

    Saturation bounds are percentages, as people read them (100 is saturated).
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=64,
        help_text=_("Ticker, name or pool id"),
    )
    network = forms.ChoiceField(
        label=_("Network"), choices=Network.choices, required=False
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    dir = forms.ChoiceField(label=_("Order"), choices=DIRECTION_CHOICES, required=False)
    sat_min = forms.FloatField(
        label=_("Saturation from (%)"), required=False, min_value=0, max_value=1000
    )
    sat_max = forms.FloatField(
        label=_("Saturation to (%)"), required=False, min_value=0, max_value=1000
    )
    pledge = forms.ChoiceField(
        label=_("Pledge"), choices=PLEDGE_CHOICES, required=False
    )
    retiring = forms.ChoiceField(
        label=_("Retiring"), choices=RETIRING_CHOICES, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("sat_min"), data.get("sat_max")
        if low is not None and high is not None and low > high:
            raise ValidationError(
                {"sat_max": _("The upper bound is below the lower bound.")}
            )
        return data

    @property
    def listed_network(self) -> str:
        """The network listed: the one asked for, else mainnet."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("network") or Network.MAINNET

    def apply(self, pools: PoolQuerySet) -> PoolQuerySet:
        """The pools matching the cleaned query, in its order."""
        data = self.cleaned_data
        pools = pools.listed().on_network(self.listed_network)
        pools = pools.search(data.get("q") or "")
        pools = pools.saturation_between(
            _fraction(data.get("sat_min")), _fraction(data.get("sat_max"))
        )
        if data.get("pledge"):
            pools = pools.pledge_met(data["pledge"] == "met")
        if data.get("retiring"):
            pools = pools.retiring(data["retiring"] == "only")
        return pools.sorted_by(data.get("sort") or DEFAULT_SORT, data.get("dir", ""))


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100


def parse_compared_ids(values: list[str]) -> list[str]:
    """Pool ids from ``?ids=a,b`` or ``?ids=a&ids=b``, in order, without repeats.

    Raises ValidationError naming the problem: too many, or not pool ids.
    """
    ids: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if part and part not in ids:
                ids.append(part)
    if not ids:
        raise ValidationError(_("Choose at least one pool to compare."))
    if len(ids) > MAX_COMPARED:
        raise ValidationError(
            _("Up to %(max)d pools can be compared at once; you chose %(count)d.")
            % {"max": MAX_COMPARED, "count": len(ids)}
        )
    malformed = [value for value in ids if not POOL_ID.fullmatch(value)]
    if malformed:
        raise ValidationError(
            _("Not a pool id: %(ids)s.") % {"ids": ", ".join(malformed)}
        )
    return ids


def parse_network(value: str | None) -> Network:
    """The network a pool page or API call asks for in ``?network=``; mainnet
    when it names none.

    Raises ValidationError naming the networks there are.
    """
    if not value:
        return Network.MAINNET
    try:
        return Network(value)
    except ValueError:
        raise ValidationError(
            _("There is no network “%(network)s”; pools are on %(known)s.")
            % {"network": value[:32], "known": ", ".join(Network.values)}
        ) from None
