"""Reading cardano-node's Prometheus endpoint, legacy and new-tracing names."""

from __future__ import annotations

import pytest
from agent_fakes import FakeNode, fixture_text, free_port

from spoguild_agent import (
    NODE_KEYS,
    HTTPTransport,
    MetricsError,
    collect_node,
    parse_metrics,
)

LEGACY = "sample-metrics-legacy.prom"
NEW_TRACING = "sample-metrics-new-tracing.prom"

# What both fixtures hold (the same illustrative snapshot, mainnet
# 2025-06-01T00:00:00Z), in the agent's normalized keys.
SHARED_VALUES = {
    "tip_slot": 157169709,
    "block_height": 11980000,
    "epoch": 561,
    "slot_in_epoch": 180909,
    "density": pytest.approx(0.047638888888888885),
    "forks": 3,
    "node_start_time": 1747180800,
    "kes_period": 1212,
    "kes_remaining_periods": 10,
    "opcert_start_kes_period": 1160,
    "opcert_expiry_kes_period": 1222,
    "forging_enabled": True,
    "leadership_checks": 1543122,
    "slots_missed": 37,
    "leader_slots": 14,
    "not_leader_slots": 1543108,
    "blocks_forged": 14,
    "blocks_adopted": 14,
    "blocks_didnt_adopt": 0,
    "peers_connected": 12,
    "peers_hot": 10,
    "peers_warm": 20,
    "peers_cold": 80,
    "conns_inbound": 3,
    "conns_outbound": 20,
    "conns_duplex": 2,
    "conns_unidirectional": 21,
    "mempool_txs": 9,
    "mempool_bytes": 41230,
    "txs_processed": 1811210,
    "block_delay_s": pytest.approx(0.612),
    "block_delay_cdf_1s": pytest.approx(0.9713),
    "block_delay_cdf_3s": pytest.approx(0.9948),
    "block_delay_cdf_5s": pytest.approx(0.9981),
    "late_blocks": 29,
    "served_blocks": 4712,
    "mem_resident_bytes": 20851204096,
    "gc_live_bytes": 9523118080,
    "gc_heap_bytes": 20133707776,
    "gc_major_count": 412,
    "gc_minor_count": 385221,
    "threads": 24,
    "opcert_counter": None,
}


def test_it_reads_the_legacy_names() -> None:
    node = parse_metrics(fixture_text(LEGACY))

    assert {key: node[key] for key in SHARED_VALUES} == SHARED_VALUES
    assert node["version"] == "10.1.4"
    assert node["revision"] == "1f63dbf2ab39e0b32bf6901dc203866d3e37de08"
    # Legacy tracing has no genesis state machine, tip hash or forge extras.
    assert node["gsm_state"] is None
    assert node["tip_hash"] is None
    assert node["could_not_forge"] is None


def test_it_reads_the_new_tracing_names() -> None:
    node = parse_metrics(fixture_text(NEW_TRACING))

    assert {key: node[key] for key in SHARED_VALUES} == SHARED_VALUES
    assert node["version"] == "10.6.2"
    assert node["revision"] == "0d697f14ee10a775f08c60e3839becc9131dca75"
    assert node["gsm_state"] == 2
    assert node["could_not_forge"] == 0
    assert node["forged_slot_last"] == 157141221
    assert node["peers_known"] == 100
    assert node["conns_full_duplex"] == 1
    assert node["inbound_governor_hot"] == 3
    assert node["tip_hash"] == (
        "9d33b02badaedc0dedd0d59f3e0411e5fb4ac94217fb5ee86719e8463c570e16"
    )


def test_both_generations_produce_the_same_keys() -> None:
    legacy = parse_metrics(fixture_text(LEGACY))
    new = parse_metrics(fixture_text(NEW_TRACING))

    assert list(legacy) == list(new) == list(NODE_KEYS)


def test_it_reads_the_no_suffix_variant() -> None:
    text = "\n".join(
        [
            "cardano_node_metrics_slotNum 157169709",
            "cardano_node_metrics_remainingKESPeriods 10",
            "cardano_node_metrics_Forge_about_to_lead 1543122",
            "cardano_node_metrics_slotsMissed 37",
            "cardano_node_metrics_peerSelection_Hot 10",
            "cardano_node_metrics_cardano_version_major 10",
            "cardano_node_metrics_cardano_version_minor 6",
            "cardano_node_metrics_cardano_version_patch 2",
            "",
        ]
    )

    node = parse_metrics(text)

    assert node["tip_slot"] == 157169709
    assert node["kes_remaining_periods"] == 10
    assert node["leadership_checks"] == 1543122
    assert node["slots_missed"] == 37
    assert node["peers_hot"] == 10
    assert node["version"] == "10.6.2"


def test_the_first_listed_name_wins_when_a_node_exports_both() -> None:
    text = (
        "cardano_node_metrics_nodeIsLeader_int 99\n"
        "cardano_node_metrics_Forge_node_is_leader_counter 14\n"
    )

    assert parse_metrics(text)["leader_slots"] == 14


def test_unknown_metrics_are_ignored() -> None:
    text = (
        "cardano_node_metrics_slotNum_int 5\n"
        "cardano_node_metrics_somethingNew_int 7\n"
        "rts_gc_num_gcs 9\n"
    )

    node = parse_metrics(text)

    assert node["tip_slot"] == 5
    assert set(node) == set(NODE_KEYS)


def test_a_body_without_cardano_metrics_is_an_error() -> None:
    with pytest.raises(MetricsError, match="no cardano_node_metrics"):
        parse_metrics("go_goroutines 12\n")


def test_it_collects_from_a_live_endpoint(fake_node: FakeNode) -> None:
    fake_node.body = fixture_text(NEW_TRACING)

    node = collect_node(fake_node.url, HTTPTransport(), timeout=2)

    assert node["reachable"] is True
    assert node["error"] is None
    assert node["tip_slot"] == 157169709


def test_a_node_that_is_down_gives_an_unreachable_sample() -> None:
    url = f"http://127.0.0.1:{free_port()}/metrics"

    node = collect_node(url, HTTPTransport(), timeout=2)

    assert node["reachable"] is False
    assert "refused" in node["error"].lower()
    assert node["tip_slot"] is None
    assert set(node) == set(NODE_KEYS)


@pytest.mark.parametrize(
    "body",
    [
        "<html><body>502 Bad Gateway</body></html>",
        "\x00\x01\x02 garbage {{{",
        "cardano_node_metrics_slotNum_int not-a-number\n",
        "",
    ],
)
def test_a_garbled_body_gives_an_unreachable_sample(
    fake_node: FakeNode, body: str
) -> None:
    fake_node.body = body

    node = collect_node(fake_node.url, HTTPTransport(), timeout=2)

    assert node["reachable"] is False
    assert node["error"]
    assert node["tip_slot"] is None


def test_a_missing_endpoint_gives_an_unreachable_sample(fake_node: FakeNode) -> None:
    node = collect_node(fake_node.base_url + "/nope", HTTPTransport(), timeout=2)

    assert node["reachable"] is False
    assert "HTTP 404" in node["error"]
