"""The amount and ratio filters, checked against numbers worked out by hand."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from apps.pools.templatetags.ada import (
    ada,
    ada_exact,
    ada_short,
    percent,
    saturation_state,
    thousands,
)


@pytest.mark.parametrize(
    ("lovelace", "expected"),
    [
        (0, "0 ₳"),
        (340_000_000, "340 ₳"),
        # 1,234.56789 ADA rounds to the nearest whole ADA.
        (1_234_567_890, "1,235 ₳"),
        (12_400_123_456_789, "12,400,123 ₳"),
        (None, "—"),
    ],
)
def test_ada_writes_whole_ada_with_thousands_separators(lovelace, expected) -> None:
    assert ada(lovelace) == expected


@pytest.mark.parametrize(
    ("lovelace", "expected"),
    [
        (12_400_123_456_789, "12,400,123.456789 ₳"),
        (1_500_000, "1.5 ₳"),
        (340_000_000, "340 ₳"),
        (1, "0.000001 ₳"),
        (-2_500_000, "-2.5 ₳"),
    ],
)
def test_ada_exact_keeps_every_lovelace(lovelace, expected) -> None:
    assert ada_exact(lovelace) == expected


@pytest.mark.parametrize(
    ("ada_amount", "expected"),
    [
        (999, "999 ₳"),
        # 999.6 ADA rounds up into the next unit.
        (999.6, "1K ₳"),
        (1_234.56789, "1.23K ₳"),
        (849_960, "850K ₳"),
        # Three significant figures of 999,960 make a round million.
        (999_960, "1M ₳"),
        (12_400_000, "12.4M ₳"),
        (77_000_000, "77M ₳"),
        (123_456_000, "123M ₳"),
        (1_500_000_000, "1.5B ₳"),
    ],
)
def test_ada_short_abbreviates_to_three_significant_figures(
    ada_amount, expected
) -> None:
    assert ada_short(round(ada_amount * 1_000_000)) == expected


def test_ada_abbr_shows_the_short_amount_with_the_exact_one_on_hover() -> None:
    template = Template("{% load ada %}{% ada_abbr amount %}|{% ada_abbr nothing %}")

    html = template.render(Context({"amount": 12_400_123_456_789, "nothing": None}))

    assert html == (
        '<span class="ada" title="12,400,123.456789 ₳">12.4M ₳</span>|'
        '<span class="ada" title="unknown">—</span>'
    )


@pytest.mark.parametrize(
    ("fraction", "digits", "expected"),
    [
        (0.04237, 1, "4.2%"),
        (0.0314, 2, "3.14%"),
        (1.053, 0, "105%"),
        (0.5, 0, "50%"),
        (None, 1, "—"),
    ],
)
def test_percent_writes_a_fraction_as_a_percentage(fraction, digits, expected) -> None:
    assert percent(fraction, digits) == expected


@pytest.mark.parametrize(
    ("fraction", "state"),
    [
        (None, "ok"),
        (0.5, "ok"),
        (0.899, "ok"),
        (0.9, "warning"),
        (1.0, "warning"),
        (1.01, "critical"),
    ],
)
def test_saturation_state_flags_nearly_full_and_oversaturated_pools(
    fraction, state
) -> None:
    assert saturation_state(fraction) == state


def test_thousands_separates_counts() -> None:
    assert (thousands(12345), thousands(0), thousands(None)) == ("12,345", "0", "—")
