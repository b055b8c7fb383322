"""A pool's public numbers, checked against worked examples.

ROS is DOMAIN.md's ``((delegator rewards / active stake) + 1) ^ 73 - 1``;
expected blocks ``sigma * 432000 * 0.05 * (1 - d)`` (FACTS §6); saturation
``stake / (total active stake / n_opt)``.
"""

from dataclasses import dataclass

import pytest

from apps.pools import numbers

ADA = 1_000_000


@dataclass(frozen=True)
class Epoch:
    epoch: int
    active_stake: int = 10_000_000 * ADA
    rewards: int = 6_500 * ADA
    blocks: int = 20
    expected_blocks: float | None = 21.6


def test_one_epoch_of_6500_ada_on_10m_ada_is_4_86_percent_a_year() -> None:
    # 6,500 / 10,000,000 = 0.065 % an epoch; 1.00065 ^ 73 - 1 = 4.8578 %
    assert numbers.epoch_rate(6_500 * ADA, 10_000_000 * ADA) == pytest.approx(0.00065)
    assert numbers.ros(6_500 * ADA, 10_000_000 * ADA, 73) == pytest.approx(0.0485776066)


def test_an_epoch_without_stake_has_no_ros() -> None:
    assert numbers.ros(6_500 * ADA, 0, 73) is None
    assert numbers.ros_over([Epoch(500, active_stake=0)], 73) is None
    assert numbers.ros_over([], 73) is None


def test_an_epoch_with_stake_but_no_rewards_counts_as_zero() -> None:
    epochs = [Epoch(1, rewards=6_500 * ADA), Epoch(2, rewards=0)]

    # Mean rate 0.0325 %: 1.000325 ^ 73 - 1 = 2.4005 %
    assert numbers.ros_over(epochs, 73) == pytest.approx(0.0240047298)


def test_a_window_averages_rates_not_rewards() -> None:
    # 6,000 on 10M is 0.060 %, 14,000 on 20M is 0.070 %: a mean of 0.065 %,
    # where summing (20,000 on 30M, 0.0667 %) would favour the bigger epoch
    epochs = [
        Epoch(1, active_stake=10_000_000 * ADA, rewards=6_000 * ADA),
        Epoch(2, active_stake=20_000_000 * ADA, rewards=14_000 * ADA),
    ]

    assert numbers.ros_over(epochs, 73) == pytest.approx(0.0485776066)


def test_recent_ros_uses_the_six_settled_epochs_before_the_current_two() -> None:
    # At epoch 500, rewards up to 498 are paid; 499 and 500 show zero yet.
    # Epochs 493-498 earned 0.065 %; 492 earned 1 % and lies outside.
    epochs = [Epoch(492, rewards=100_000 * ADA)]
    epochs += [Epoch(e) for e in range(493, 499)]
    epochs += [Epoch(499, rewards=0), Epoch(500, rewards=0)]

    assert numbers.ros_recent(epochs, 500, "mainnet") == pytest.approx(0.0485776066)
    # Lifetime takes 492 in: mean rate (0.01 + 6 * 0.00065) / 7
    lifetime = numbers.annualise((0.01 + 6 * 0.00065) / 7, 73)
    assert numbers.ros_lifetime(epochs, 500, "mainnet") == pytest.approx(lifetime)


def test_windows_and_years_follow_the_networks_epoch_length() -> None:
    # Mainnet and preprod: five-day epochs. Preview: one-day epochs.
    assert numbers.epochs_per_year("mainnet") == 73
    assert numbers.epochs_per_year("preview") == 365
    assert numbers.recent_epochs("mainnet") == 6
    assert numbers.recent_epochs("preprod") == 6
    assert numbers.recent_epochs("preview") == 30


def test_20_blocks_where_21_6_were_expected_is_a_luck_of_92_6_percent() -> None:
    assert numbers.luck(20, 21.6) == pytest.approx(0.9259259259)


def test_luck_without_expected_blocks_is_unknown_not_a_division_by_zero() -> None:
    assert numbers.luck(3, 0) is None
    assert numbers.luck(3, None) is None
    assert numbers.luck_over([Epoch(1, expected_blocks=None)]) is None
    assert numbers.luck_over([]) is None


def test_luck_over_a_window_sums_before_dividing() -> None:
    # One block where 0.1 were expected, none where 0.9 were: 1 / 1.0, not
    # the mean of 1,000 % and 0 %
    epochs = [
        Epoch(1, blocks=1, expected_blocks=0.1),
        Epoch(2, blocks=0, expected_blocks=0.9),
    ]

    assert numbers.luck_over(epochs) == pytest.approx(1.0)


def test_recent_luck_uses_the_six_completed_epochs() -> None:
    # At epoch 500: epochs 494-499 made 20 of 21.6; 493 and the running 500 do
    # not count
    epochs = [Epoch(493, blocks=50), Epoch(500, blocks=0)]
    epochs += [Epoch(e) for e in range(494, 500)]

    assert numbers.luck_recent(epochs, 500, "mainnet") == pytest.approx(0.9259259259)


def test_expected_blocks_for_a_tenth_of_a_percent_of_the_stake() -> None:
    # 0.001 * 432,000 slots * 0.05 = 21.6 on mainnet; with d = 0.5, half
    assert numbers.expected_blocks("mainnet", 0.001) == pytest.approx(21.6)
    assert numbers.expected_blocks("mainnet", 0.001, 0.5) == pytest.approx(10.8)
    # 0.001 * 86,400 * 0.05 on preview
    assert numbers.expected_blocks("preview", 0.001) == pytest.approx(4.32)
    assert numbers.expected_blocks("mainnet", 0) == 0


def test_64_8m_ada_against_a_43_2m_saturation_point_is_150_percent() -> None:
    # 21.6B ADA active over n_opt 500 = 43.2M ADA per pool
    total = 21_600_000_000 * ADA

    assert numbers.saturation(64_800_000 * ADA, total, 500) == pytest.approx(1.5)
    assert numbers.saturation(0, total, 500) == 0


def test_saturation_is_unknown_without_stake_or_total() -> None:
    assert numbers.saturation(None, 10**15, 500) is None
    assert numbers.saturation(10**12, 0, 500) is None
    assert numbers.saturation(10**12, None, 500) is None
    assert numbers.saturation(10**12, 10**15, 0) is None


def test_pledge_is_met_when_the_owners_hold_at_least_the_declared_amount() -> None:
    declared = 5_000 * ADA

    assert numbers.pledge_met(declared + 1, declared) is True
    assert numbers.pledge_met(declared, declared) is True
    assert numbers.pledge_met(declared - 1, declared) is False
    assert numbers.pledge_met(None, declared) is None


def test_a_rate_too_large_to_annualise_gives_no_number() -> None:
    # The spec's example history (rewards ten times the stake) on preview
    assert numbers.annualise(10.1, 365) is None
