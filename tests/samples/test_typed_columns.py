"""The typed columns pages and rollups read come from the sample as documented."""

from __future__ import annotations

from apps.networks.slots import current_slot
from apps.samples.models import Sample
from tests.samples.payloads import NODE, NOW, post_samples, sample


def _stored(client, relay, payload) -> Sample:
    post_samples(client, relay.token, [payload])
    return Sample.objects.get(node=relay.node)


def test_host_and_node_values_land_in_their_columns(client, relay, frozen_now) -> None:
    payload = sample(NOW)
    payload["host"]["disks"].append({"mountpoint": "/db", "percent": 91.5})

    stored = _stored(client, relay, payload)

    assert (stored.cpu_percent, stored.load_1m) == (12.5, 0.8)
    assert (stored.memory_percent, stored.swap_percent) == (60.0, 0.0)
    assert stored.disk_percent == 91.5  # the fullest disk
    assert stored.node_reachable is True
    assert stored.node_version == NODE["version"]
    assert stored.tip_slot == NODE["tip_slot"]
    assert stored.epoch == NODE["epoch"]
    assert stored.kes_remaining_periods == NODE["kes_remaining_periods"]
    assert stored.mempool_txs == NODE["mempool_txs"]
    assert stored.data == payload


def test_tip_lag_is_the_slot_of_the_samples_time_minus_the_tip(
    client, relay, frozen_now
) -> None:
    payload = sample(NOW)
    payload["node"]["tip_slot"] = current_slot("mainnet", NOW) - 30

    assert _stored(client, relay, payload).tip_lag_slots == 30


def test_peers_come_from_the_nodes_connection_manager_first(
    client, relay, frozen_now
) -> None:
    payload = sample(NOW)
    payload["node"].update(conns_inbound=7, conns_outbound=31)

    stored = _stored(client, relay, payload)

    assert (stored.peers_in, stored.peers_out) == (7, 31)


def test_peers_fall_back_to_the_hosts_sockets(client, relay, frozen_now) -> None:
    payload = sample(NOW)
    payload["node"].update(conns_inbound=None, conns_outbound=None)

    stored = _stored(client, relay, payload)

    assert (stored.peers_in, stored.peers_out) == (20, 25)


def test_an_unreachable_node_gives_null_node_columns(client, relay, frozen_now) -> None:
    payload = sample(NOW)
    payload["node"] = {"reachable": False, "error": "connection refused"}

    stored = _stored(client, relay, payload)

    assert stored.node_reachable is False
    assert (stored.tip_slot, stored.tip_lag_slots, stored.node_version) == (
        None,
        None,
        "",
    )
    assert stored.peers_in == 20  # still seen on the host


def test_a_long_version_label_is_cut_to_the_column(client, relay, frozen_now) -> None:
    payload = sample(NOW)
    payload["node"]["version"] = "10.5.1-" + "x" * 60

    stored = _stored(client, relay, payload)

    assert stored.node_version == ("10.5.1-" + "x" * 60)[:32]
    assert stored.data["node"]["version"].endswith("x" * 60)
