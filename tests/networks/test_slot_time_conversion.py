"""Slot, epoch and time conversions checked against the genesis reference points."""

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from apps.networks import slots
from apps.networks.constants import Network, params

REFERENCE_FILE = Path(__file__).parents[1] / "fixtures/genesis/time-conversion.json"
REFERENCE = json.loads(REFERENCE_FILE.read_text())
VECTORS = REFERENCE["test_vectors_mainnet"]
HARD_FORKS = REFERENCE["mainnet_events"]
NETWORKS_WITH_BYRON = [n for n in Network if params(n).shelley_transition_epoch]

MAINNET = Network.MAINNET
KES_PERIOD = timedelta(seconds=129600)


def _at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _slot_id(point: dict[str, Any]) -> str:
    return f"slot-{point.get('slot', point.get('firstSlot'))}"


def _boundary_slots() -> list[tuple[Network, int]]:
    cases = []
    for network in Network:
        p = params(network)
        first = p.first_shelley_slot
        candidates = [0, 1, first - 1, first, first + 1]
        candidates += [first + p.epoch_length - 1, first + p.epoch_length]
        candidates += [200_000_000]
        cases += [(network, slot) for slot in candidates if slot >= 0]
    return cases


@pytest.mark.parametrize("point", VECTORS, ids=_slot_id)
def test_every_verified_point_converts_both_ways(point: dict[str, Any]) -> None:
    # given a real mainnet slot with its known epoch, position, time and KES period
    slot, moment = point["slot"], _at(point["iso"])

    # when it is converted to a time, and the time back to a slot
    converted = slots.slot_to_datetime(MAINNET, slot)
    back = slots.datetime_to_slot(MAINNET, moment)

    # then every figure matches the reference
    assert converted == moment
    assert converted.timestamp() == point["unix"]
    assert back == slot
    assert slots.epoch_of_slot(MAINNET, slot) == point["epoch"]
    assert slots.slot_in_epoch(MAINNET, slot) == point["slotInEpoch"]
    assert slots.kes_period(MAINNET, slot) == point["kesPeriod"]


@pytest.mark.parametrize("event", HARD_FORKS, ids=_slot_id)
def test_every_mainnet_hard_fork_starts_its_epoch(event: dict[str, Any]) -> None:
    # given a hard fork that took effect at an epoch boundary
    epoch, first_slot, moment = event["epoch"], event["firstSlot"], _at(event["iso"])

    # when / then the epoch's first slot and start time are the fork's
    assert slots.epoch_first_slot(MAINNET, epoch) == first_slot
    assert slots.epoch_start(MAINNET, epoch) == moment
    assert slots.epoch_start(MAINNET, epoch).timestamp() == event["unix"]
    assert slots.epoch_of_slot(MAINNET, first_slot) == epoch
    assert slots.slot_in_epoch(MAINNET, first_slot) == 0
    assert slots.datetime_to_slot(MAINNET, moment) == first_slot


@pytest.mark.parametrize("network", list(Network))
def test_network_params_match_the_genesis_reference(network: Network) -> None:
    # given the reference figures computed from the network's genesis files
    byron = REFERENCE["networks"][network]["byron"]
    shelley = REFERENCE["networks"][network]["shelley"]

    # when the module's constants are read
    p = params(network)

    # then each one agrees
    assert p.network_magic == REFERENCE["networks"][network]["networkMagic"]
    assert p.system_start == _at(byron["startTime_iso"])
    assert p.system_start == _at(shelley["systemStart_genesis"])
    assert p.byron_slot_length.total_seconds() == byron["slotLength_s"]
    assert p.byron_epoch_length == byron["epochLength_slots"] == 10 * byron["k"]
    assert p.shelley_transition_epoch == shelley["transitionEpoch"]
    assert p.first_shelley_slot == shelley["firstSlot"]
    assert p.shelley_start == _at(shelley["startTime_iso"])
    assert p.shelley_start_unix == shelley["startTime_unix"]
    assert p.epoch_length == shelley["epochLength_slots"]
    assert p.slot_length.total_seconds() == shelley["slotLength_s"]
    assert p.active_slot_coeff == shelley["activeSlotsCoeff"]
    assert p.security_param == shelley["securityParam"]
    assert p.slots_per_kes_period == shelley["slotsPerKESPeriod"]
    assert p.max_kes_evolutions == shelley["maxKESEvolutions"]
    assert p.stability_window == shelley["stabilityWindow_3k_over_f_slots"]


@pytest.mark.parametrize("network", list(Network))
def test_shelley_starts_where_the_reference_says_on_every_network(
    network: Network,
) -> None:
    # given the reference's Shelley transition for the network
    shelley = REFERENCE["networks"][network]["shelley"]
    epoch, first_slot = shelley["transitionEpoch"], shelley["firstSlot"]

    # when / then the transition epoch begins at the first Shelley slot and time
    assert slots.epoch_first_slot(network, epoch) == first_slot
    assert slots.epoch_start(network, epoch) == _at(shelley["startTime_iso"])
    shelley_start = slots.slot_to_datetime(network, first_slot)
    assert shelley_start.timestamp() == shelley["startTime_unix"]
    assert slots.epoch_of_slot(network, first_slot) == epoch


@pytest.mark.parametrize("network", NETWORKS_WITH_BYRON)
def test_the_last_byron_slot_lasts_twenty_seconds_up_to_shelley(
    network: Network,
) -> None:
    # given the network's last Byron epoch and slot
    p = params(network)
    last_epoch, last_slot = p.shelley_transition_epoch - 1, p.first_shelley_slot - 1

    twenty_seconds_earlier = p.shelley_start - timedelta(seconds=20)
    one_second_earlier = p.shelley_start - timedelta(seconds=1)

    # when / then that slot begins 20 s before Shelley and closes its epoch
    assert slots.slot_to_datetime(network, last_slot) == twenty_seconds_earlier
    assert slots.datetime_to_slot(network, one_second_earlier) == last_slot
    assert slots.epoch_of_slot(network, last_slot) == last_epoch
    assert slots.slot_in_epoch(network, last_slot) == 21599
    assert slots.epoch_end(network, last_epoch) == p.shelley_start


def test_byron_slots_last_twenty_seconds_in_epochs_of_21600_slots() -> None:
    # given mainnet's Byron start
    start = _at("2017-09-23T21:44:51Z")

    # when / then slots and epochs advance at Byron's pace
    assert slots.slot_to_datetime(MAINNET, 0) == start
    assert slots.slot_to_datetime(MAINNET, 1) == start + timedelta(seconds=20)
    assert slots.epoch_of_slot(MAINNET, 21599) == 0
    assert slots.epoch_of_slot(MAINNET, 21600) == 1
    assert slots.slot_in_epoch(MAINNET, 21601) == 1
    assert slots.epoch_first_slot(MAINNET, 100) == 2_160_000
    assert slots.epoch_start(MAINNET, 1) == start + timedelta(days=5)
    assert slots.kes_period(MAINNET, 129600) == 1


def test_preview_starts_in_shelley_with_one_day_epochs() -> None:
    # given preview, which forked to Shelley at epoch 0
    start = _at("2022-10-25T00:00:00Z")

    # when / then its slot 0 is a one-second Shelley slot of a one-day epoch
    assert slots.slot_to_datetime(Network.PREVIEW, 0) == start
    assert slots.slot_to_datetime(Network.PREVIEW, 1) == start + timedelta(seconds=1)
    assert slots.epoch_of_slot(Network.PREVIEW, 86399) == 0
    assert slots.epoch_of_slot(Network.PREVIEW, 86400) == 1
    assert slots.epoch_end(Network.PREVIEW, 0) == start + timedelta(days=1)


@pytest.mark.parametrize(("network", "slot"), _boundary_slots())
def test_a_slot_survives_a_round_trip_through_its_start_time(
    network: Network, slot: int
) -> None:
    # given a slot near an era or epoch boundary
    # when it is turned into its start time and back
    moment = slots.slot_to_datetime(network, slot)

    # then the same slot comes back, and its epoch contains it
    assert slots.datetime_to_slot(network, moment) == slot
    epoch = slots.epoch_of_slot(network, slot)
    offset = slots.slot_in_epoch(network, slot)
    assert slots.epoch_first_slot(network, epoch) + offset == slot
    assert slots.epoch_start(network, epoch) <= moment
    assert moment < slots.epoch_end(network, epoch)


@pytest.mark.parametrize(
    ("slot", "slot_length"),
    [(100, timedelta(seconds=20)), (51700871, timedelta(seconds=1))],
)
def test_any_moment_within_a_slot_maps_to_that_slot(
    slot: int, slot_length: timedelta
) -> None:
    # given the start of a Byron or a Shelley slot
    start = slots.slot_to_datetime(MAINNET, slot)

    # when / then every moment up to the next slot belongs to it
    last_moment = start + slot_length - timedelta(microseconds=1)
    assert slots.datetime_to_slot(MAINNET, last_moment) == slot
    assert slots.datetime_to_slot(MAINNET, start + slot_length) == slot + 1


def test_an_epoch_ends_where_the_next_begins() -> None:
    # given a Byron epoch, the last Byron epoch and a Shelley epoch on mainnet
    for epoch in (0, 207, 317):
        # when its start and end are computed
        start = slots.epoch_start(MAINNET, epoch)
        end = slots.epoch_end(MAINNET, epoch)

        # then it lasts five days, up to the next epoch's start
        assert end - start == timedelta(days=5)
        assert end == slots.epoch_start(MAINNET, epoch + 1)


def test_a_moment_in_another_time_zone_converts_like_its_utc_equivalent() -> None:
    # given cncli's leader-log time, written in US Pacific time
    moment = _at("2020-11-05T23:58:56-08:00")

    # when it is converted to a slot and back
    slot = slots.datetime_to_slot(MAINNET, moment)
    back = slots.slot_to_datetime(MAINNET, slot)

    # then it is the logged slot, and the time comes back in UTC
    assert slot == 13083245
    assert back == moment
    assert back.tzinfo is UTC


def test_current_slot_and_epoch_follow_the_given_now() -> None:
    # given a moment half a second into Koios's /tip example slot
    now = _at("2022-01-27T07:06:02.5Z")

    # when / then the current slot and epoch are the tip's
    assert slots.current_slot(MAINNET, now) == 51700871
    assert slots.current_epoch(MAINNET, now) == 317


def test_kes_expiry_is_the_start_of_the_first_period_past_the_key() -> None:
    # given an in-sync node at a tip in KES period 398 with 10 periods left
    tip_slot = 51700871
    now = slots.slot_to_datetime(MAINNET, tip_slot)

    # when its KES expiry is estimated
    expiry = slots.kes_expiry(MAINNET, tip_slot, 10, now)

    # then the key expires when KES period 408 begins
    assert slots.kes_period(MAINNET, tip_slot) == 398
    assert expiry == slots.slot_to_datetime(MAINNET, 408 * 129600)
    assert expiry.tzinfo is UTC


def test_a_fresh_kes_key_lasts_ninety_three_days() -> None:
    # given a tip on the first slot of a KES period and a key with 62 periods left
    tip_slot = 400 * 129600
    now = _at("2022-01-30T12:00:00+01:00")

    # when its expiry is estimated
    expiry = slots.kes_expiry(MAINNET, tip_slot, 62, now)

    # then it lies 62 periods of 1.5 days ahead
    assert expiry - now == timedelta(days=93)
    assert expiry == 62 * KES_PERIOD + now


@pytest.mark.parametrize(
    ("network", "sigma", "blocks"),
    [
        (MAINNET, 0.001, 21.6),
        (Network.PREPROD, 0.01, 216.0),
        (Network.PREVIEW, 0.001, 4.32),
        (MAINNET, 0, 0.0),
        (MAINNET, 1, 21600.0),
    ],
)
def test_expected_blocks_scale_with_the_stake_share(
    network: Network, sigma: float, blocks: float
) -> None:
    # given a pool's share of the active stake
    # when / then it should make that share of the epoch's leader slots
    assert slots.expected_blocks(network, sigma) == pytest.approx(blocks)


@pytest.mark.parametrize("sigma", [-0.01, 1.5])
def test_a_stake_share_outside_zero_to_one_is_refused(sigma: float) -> None:
    with pytest.raises(ValueError, match="sigma must be between 0 and 1"):
        slots.expected_blocks(MAINNET, sigma)


@pytest.mark.parametrize(
    "convert",
    [
        slots.slot_to_datetime,
        slots.epoch_of_slot,
        slots.slot_in_epoch,
        slots.kes_period,
        lambda network, slot: slots.kes_expiry(network, slot, 1, datetime.now(UTC)),
    ],
)
def test_a_negative_slot_is_refused(convert: Callable[[Network, int], Any]) -> None:
    with pytest.raises(ValueError, match="slot must not be negative, got -1"):
        convert(MAINNET, -1)


@pytest.mark.parametrize(
    "convert", [slots.epoch_first_slot, slots.epoch_start, slots.epoch_end]
)
def test_a_negative_epoch_is_refused(convert: Callable[[Network, int], Any]) -> None:
    with pytest.raises(ValueError, match="epoch must not be negative, got -1"):
        convert(MAINNET, -1)


@pytest.mark.parametrize(
    "convert",
    [
        slots.datetime_to_slot,
        slots.current_slot,
        slots.current_epoch,
        lambda network, now: slots.kes_expiry(network, 51700871, 1, now),
    ],
)
def test_a_naive_datetime_is_refused(
    convert: Callable[[Network, datetime], Any],
) -> None:
    # given a datetime without a time zone
    naive = _at("2022-01-27T07:06:02Z").replace(tzinfo=None)

    # when / then it is refused rather than guessed
    with pytest.raises(ValueError, match="must be timezone-aware"):
        convert(MAINNET, naive)


def test_a_moment_before_the_network_started_is_refused() -> None:
    with pytest.raises(ValueError, match="before preview started"):
        slots.datetime_to_slot(Network.PREVIEW, _at("2022-10-24T23:59:59Z"))


@pytest.mark.parametrize("network", ["testnet", "Mainnet", ""])
def test_an_unknown_network_is_refused(network: str) -> None:
    with pytest.raises(ValueError, match=f"unknown network '{network}'"):
        slots.epoch_of_slot(network, 0)


def test_networks_are_named_by_their_lowercase_names() -> None:
    assert Network.values == ["mainnet", "preprod", "preview"]
    assert params("preprod") is params(Network.PREPROD)


def test_network_params_cannot_be_changed() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        params(MAINNET).epoch_length = 1  # type: ignore[misc]
