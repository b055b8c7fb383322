"""KES days left and expiry, worked by hand from the genesis constants.

Mainnet at 2025-06-01T00:00:00Z is slot 157,169,709 (FACTS §1). Its KES period
is 157,169,709 // 129,600 = 1212, which began 157,169,709 - 1212 x 129,600 =
94,509 s earlier. With 10 periods left the key lasts 10 x 129,600 = 1,296,000 s
from that start: 1,296,000 - 94,509 = 1,201,491 s after the sample, which is
13 days 21:44:51 later, 2025-06-14T21:44:51Z: 1,201,491 / 86,400 = 13.906
days left. In general days left = (remaining x 129,600 - 94,509) / 86,400.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.nodes.health import kes_outlook

TS = datetime(2025, 6, 1, tzinfo=UTC)


def test_ten_periods_left_on_mainnet():
    kes = kes_outlook("mainnet", 10, TS)

    assert kes is not None
    assert kes.remaining_periods == 10
    assert kes.days_left == pytest.approx(13.906, abs=0.001)
    assert kes.expires_at == datetime(2025, 6, 14, 21, 44, 51, tzinfo=UTC)
    assert kes.level == "ok"


@pytest.mark.parametrize(
    ("remaining", "days", "level"),
    [
        (62, 91.906, "ok"),
        (9, 12.406, "ok"),
        (8, 10.906, "warning"),
        (1, 0.406, "warning"),
        (0, 0.0, "critical"),
        (-3, 0.0, "critical"),
    ],
)
def test_days_left_and_warning_level(remaining, days, level):
    kes = kes_outlook("mainnet", remaining, TS)

    assert kes is not None
    assert kes.days_left == pytest.approx(days, abs=0.001)
    assert kes.level == level


def test_a_relay_has_no_kes_outlook():
    assert kes_outlook("mainnet", None, TS) is None


def test_preview_uses_its_own_slot_clock():
    # Preview's slot 0 is 2022-10-25T00:00:00Z (1666656000): at TS its slot is
    # 1748736000 - 1666656000 = 82,080,000, 82,080,000 % 129,600 = 43,200 s into
    # its KES period; one period left ends 129,600 - 43,200 = 86,400 s later.
    kes = kes_outlook("preview", 1, TS)

    assert kes is not None
    assert kes.expires_at == datetime(2025, 6, 2, tzinfo=UTC)


def test_days_left_run_from_now_when_the_sample_is_old():
    # Given a sample with 10 periods left (13.906 days from TS), read 3 days on
    kes = kes_outlook("mainnet", 10, TS, TS + timedelta(days=3))

    # Then days left shrink by those 3 days while the expiry stays put
    assert kes is not None
    assert kes.days_left == pytest.approx(10.906, abs=0.001)
    assert kes.expires_at == datetime(2025, 6, 14, 21, 44, 51, tzinfo=UTC)


@pytest.mark.parametrize("remaining", [63, 10**7, 2**53])
def test_more_periods_than_a_key_can_hold_give_no_outlook(remaining):
    # Mainnet keys evolve at most 62 times: anything above is a broken report.
    assert kes_outlook("mainnet", remaining, TS) is None


@pytest.mark.parametrize(
    ("later", "periods", "level"),
    [
        # Periods begin at TS + 35,091 s and every 129,600 s after.
        (timedelta(0), 10, "ok"),
        (timedelta(seconds=35_090), 10, "ok"),
        (timedelta(seconds=35_091), 9, "ok"),
        (timedelta(days=3), 8, "warning"),
        (timedelta(days=13, seconds=78_290), 1, "warning"),
        (timedelta(days=13, seconds=78_291), 0, "critical"),
        (timedelta(days=20), 0, "critical"),
    ],
)
def test_the_level_follows_the_periods_left_now(later, periods, level):
    # Given a sample with 10 periods left at TS, read later
    kes = kes_outlook("mainnet", 10, TS, TS + later)

    # Then the periods that began since count off, and the level with them
    assert kes is not None
    assert (kes.remaining_periods, kes.level) == (periods, level)


def test_a_producer_silent_since_its_key_ran_out_is_expired():
    # Given a block producer whose last sample, 20 days ago, had 10 periods
    kes = kes_outlook("mainnet", 10, TS, TS + timedelta(days=20))

    # Then it shows no days left, and expired rather than fine
    assert kes is not None
    assert kes.days_left == 0.0
    assert kes.level == "critical"


def test_a_clock_behind_the_sample_keeps_the_samples_count():
    kes = kes_outlook("mainnet", 10, TS, TS - timedelta(days=2))

    assert kes is not None
    assert kes.remaining_periods == 10
