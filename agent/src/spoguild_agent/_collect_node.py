"""Node collection: cardano-node's Prometheus endpoint, legacy and new names.

cardano-node has exported two generations of metric names: the legacy
iohk-monitoring ones (default up to 10.5) and the new-tracing ones (default
from 10.6), the latter with or without type suffixes. Every name goes through
``_TABLE`` to one normalized key, so both generations produce the same
``node`` object; names not in the table are ignored.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from ._collect_opcert import OPCERT_KEYS
from ._exceptions import MetricsError, TransportError
from ._transport import DEFAULT_TIMEOUT, Request, Transport

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

__all__ = ["DEFAULT_METRICS_URL", "NODE_KEYS", "collect_node", "parse_metrics"]

logger = logging.getLogger(__name__)

DEFAULT_METRICS_URL = "http://127.0.0.1:12798/metrics"
PREFIX = "cardano_node_metrics_"

_Kind = Literal["int", "float", "bool"]

# (key, kind, metric names without PREFIX). When a node exports several names
# for one key, the first one present wins. Sources: METRICS_TABLE.md and the
# developer portal's metrics-migration guide (suffix and nosuffix variants);
# the extra about_to_lead spellings follow gLiveView's regex.
_TABLE: tuple[tuple[str, _Kind, tuple[str, ...]], ...] = (
    ("tip_slot", "int", ("slotNum_int", "slotNum")),
    ("block_height", "int", ("blockNum_int", "blockNum")),
    ("epoch", "int", ("epoch_int", "epoch")),
    ("slot_in_epoch", "int", ("slotInEpoch_int", "slotInEpoch")),
    ("density", "float", ("density_real", "density")),
    ("forks", "int", ("forks_int", "forks_counter", "forks")),
    ("gsm_state", "int", ("GSM_state_int", "GSM_state")),
    (
        "node_start_time",
        "int",
        ("nodeStartTime_int", "node_start_time_int", "node_start_time"),
    ),
    ("kes_period", "int", ("currentKESPeriod_int", "currentKESPeriod")),
    (
        "kes_remaining_periods",
        "int",
        ("remainingKESPeriods_int", "remainingKESPeriods"),
    ),
    (
        "opcert_start_kes_period",
        "int",
        (
            "operationalCertificateStartKESPeriod_int",
            "operationalCertificateStartKESPeriod",
        ),
    ),
    (
        "opcert_expiry_kes_period",
        "int",
        (
            "operationalCertificateExpiryKESPeriod_int",
            "operationalCertificateExpiryKESPeriod",
        ),
    ),
    ("forging_enabled", "bool", ("forging_enabled", "forging_enabled_int")),
    (
        "leadership_checks",
        "int",
        (
            "Forge_forge_about_to_lead_int",
            "Forge_about_to_lead_counter",
            "Forge_about_to_lead",
            "Forge_about_to_lead_int",
            "Forge_forge_about_to_lead_counter",
        ),
    ),
    ("slots_missed", "int", ("slotsMissedNum_int", "slotsMissed_int", "slotsMissed")),
    (
        "leader_slots",
        "int",
        (
            "Forge_node_is_leader_int",
            "Forge_node_is_leader_counter",
            "Forge_node_is_leader",
            "nodeIsLeaderNum_int",
            "nodeIsLeader_int",
            "nodeIsLeader",
        ),
    ),
    (
        "not_leader_slots",
        "int",
        (
            "Forge_node_not_leader_int",
            "Forge_node_not_leader_counter",
            "Forge_node_not_leader",
        ),
    ),
    (
        "blocks_forged",
        "int",
        (
            "Forge_forged_int",
            "Forge_forged_counter",
            "Forge_forged",
            "blocksForgedNum_int",
            "blocksForged_int",
            "blocksForged",
        ),
    ),
    (
        "blocks_adopted",
        "int",
        ("Forge_adopted_int", "Forge_adopted_counter", "Forge_adopted"),
    ),
    (
        "blocks_didnt_adopt",
        "int",
        ("Forge_didnt_adopt_int", "Forge_didnt_adopt_counter", "Forge_didnt_adopt"),
    ),
    (
        "blocks_forged_invalid",
        "int",
        ("Forge_forged_invalid_counter", "Forge_forged_invalid"),
    ),
    (
        "could_not_forge",
        "int",
        (
            "nodeCannotForge_int",
            "nodeCannotForge",
            "Forge_could_not_forge_counter",
            "Forge_could_not_forge",
        ),
    ),
    ("forged_slot_last", "int", ("forgedSlotLast_int", "forgedSlotLast")),
    (
        "peers_connected",
        "int",
        (
            "peers_connectedPeers_int",
            "peersFromNodeKernel_int",
            "peersFromNodeKernel",
            "connectedPeers_int",
        ),
    ),
    (
        "peers_hot",
        "int",
        ("peerSelection_hot", "peerSelection_Hot_int", "peerSelection_Hot"),
    ),
    (
        "peers_warm",
        "int",
        ("peerSelection_warm", "peerSelection_Warm_int", "peerSelection_Warm"),
    ),
    (
        "peers_cold",
        "int",
        ("peerSelection_cold", "peerSelection_Cold_int", "peerSelection_Cold"),
    ),
    (
        "peers_known",
        "int",
        ("peerSelection_KnownPeers", "peerSelection_KnownPeers_int"),
    ),
    (
        "peers_established",
        "int",
        ("peerSelection_EstablishedPeers", "peerSelection_EstablishedPeers_int"),
    ),
    (
        "peers_active",
        "int",
        ("peerSelection_ActivePeers", "peerSelection_ActivePeers_int"),
    ),
    (
        "conns_inbound",
        "int",
        (
            "connectionManager_incomingConns",
            "connectionManager_inboundConns_int",
            "connectionManager_inboundConns",
        ),
    ),
    (
        "conns_outbound",
        "int",
        (
            "connectionManager_outgoingConns",
            "connectionManager_outboundConns_int",
            "connectionManager_outboundConns",
        ),
    ),
    (
        "conns_duplex",
        "int",
        ("connectionManager_duplexConns", "connectionManager_duplexConns_int"),
    ),
    (
        "conns_full_duplex",
        "int",
        ("connectionManager_fullDuplexConns", "connectionManager_fullDuplexConns_int"),
    ),
    (
        "conns_unidirectional",
        "int",
        (
            "connectionManager_unidirectionalConns",
            "connectionManager_unidirectionalConns_int",
        ),
    ),
    (
        "inbound_governor_hot",
        "int",
        ("inboundGovernor_hot", "inboundGovernor_hot_int"),
    ),
    (
        "inbound_governor_warm",
        "int",
        ("inboundGovernor_warm", "inboundGovernor_warm_int"),
    ),
    (
        "inbound_governor_cold",
        "int",
        ("inboundGovernor_cold", "inboundGovernor_cold_int"),
    ),
    (
        "inbound_governor_idle",
        "int",
        ("inboundGovernor_idle", "inboundGovernor_idle_int"),
    ),
    ("mempool_txs", "int", ("txsInMempool_int", "txsInMempool")),
    ("mempool_bytes", "int", ("mempoolBytes_int", "mempoolBytes")),
    (
        "txs_processed",
        "int",
        ("txsProcessedNum_int", "txsProcessedNum_counter", "txsProcessedNum"),
    ),
    (
        "block_delay_s",
        "float",
        (
            "blockfetchclient_blockdelay_s",
            "blockfetchclient_blockdelay_real",
            "blockfetchclient_blockdelay",
        ),
    ),
    (
        "block_delay_cdf_1s",
        "float",
        (
            "blockfetchclient_blockdelay_cdfOne",
            "blockfetchclient_blockdelay_cdfOne_real",
        ),
    ),
    (
        "block_delay_cdf_3s",
        "float",
        (
            "blockfetchclient_blockdelay_cdfThree",
            "blockfetchclient_blockdelay_cdfThree_real",
        ),
    ),
    (
        "block_delay_cdf_5s",
        "float",
        (
            "blockfetchclient_blockdelay_cdfFive",
            "blockfetchclient_blockdelay_cdfFive_real",
        ),
    ),
    (
        "late_blocks",
        "int",
        ("blockfetchclient_lateblocks", "blockfetchclient_lateblocks_counter"),
    ),
    (
        "served_blocks",
        "int",
        ("served_block_count_int", "served_block_counter", "served_block"),
    ),
    ("mem_resident_bytes", "int", ("Mem_resident_int", "Mem_resident")),
    ("gc_live_bytes", "int", ("RTS_gcLiveBytes_int", "RTS_gcLiveBytes")),
    ("gc_heap_bytes", "int", ("RTS_gcHeapBytes_int", "RTS_gcHeapBytes")),
    ("gc_major_count", "int", ("RTS_gcMajorNum_int", "RTS_gcMajorNum")),
    ("gc_minor_count", "int", ("RTS_gcMinorNum_int", "RTS_gcMinorNum")),
    ("threads", "int", ("Stat_threads_int", "RTS_threads_int", "RTS_threads")),
)

# Only used to spell ``version`` when cardano_build_info is missing.
_VERSION_PARTS = {
    PREFIX + name: part
    for part in ("major", "minor", "patch")
    for name in (f"cardano_version_{part}_int", f"cardano_version_{part}")
}

_BUILD_INFO = PREFIX + "cardano_build_info"
_TIP_BLOCK = PREFIX + "tipBlock"

# Full metric name -> (key, kind, rank among the key's names).
_BY_NAME: dict[str, tuple[str, _Kind, int]] = {
    PREFIX + name: (key, kind, rank)
    for key, kind, names in _TABLE
    for rank, name in enumerate(names)
}

NODE_KEYS: tuple[str, ...] = (
    "reachable",
    "error",
    "version",
    "revision",
    "tip_hash",
    *(key for key, _, _ in _TABLE),
    # Not metrics: cardano-cli fills these when opcert_file is set.
    *OPCERT_KEYS,
)


def collect_node(
    metrics_url: str,
    transport: Transport,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    """The ``node`` part of a sample; never raises for a sick node."""
    request = Request("GET", metrics_url, {"Accept": "text/plain"}, timeout=timeout)
    try:
        response = transport.handle_request(request)
        if response.status_code != 200:
            raise MetricsError(f"metrics endpoint answered HTTP {response.status_code}")
        node = parse_metrics(response.body.decode("utf-8", errors="replace"))
    except (MetricsError, TransportError) as exc:
        logger.debug("node metrics unavailable: %s", exc)
        return unreachable_node(str(exc))

    node.update(reachable=True, error=None)
    return node


def unreachable_node(error: str) -> dict[str, Any]:
    node: dict[str, Any] = dict.fromkeys(NODE_KEYS)
    node.update(reachable=False, error=error)
    return node


def parse_metrics(text: str) -> dict[str, Any]:
    """Normalize a Prometheus text exposition into the ``node`` keys.

    Raises ``MetricsError`` when the text does not parse or holds no
    cardano-node metric at all.
    """
    node: dict[str, Any] = dict.fromkeys(NODE_KEYS)
    ranks: dict[str, int] = {}
    version_parts: dict[str, int] = {}
    seen = False

    for name, labels, value in _samples(text):
        if not name.startswith(PREFIX):
            continue
        seen = True
        if name == _BUILD_INFO:
            node["version"] = labels.get("version") or None
            node["revision"] = labels.get("revision") or None
        elif name == _TIP_BLOCK:
            node["tip_hash"] = labels.get("hash") or None
        elif name in _VERSION_PARTS and math.isfinite(value):
            version_parts[_VERSION_PARTS[name]] = int(value)
        elif name in _BY_NAME:
            key, kind, rank = _BY_NAME[name]
            if rank < ranks.get(key, len(_BY_NAME)):
                ranks[key] = rank
                node[key] = _convert(value, kind)

    if not seen:
        raise MetricsError("no cardano_node_metrics_* series in the response")
    if node["version"] is None and len(version_parts) == 3:
        node["version"] = "{major}.{minor}.{patch}".format(**version_parts)
    return node


def _samples(text: str) -> Iterator[tuple[str, dict[str, str], float]]:
    # Imported here: prometheus_client's package import pulls in its HTTP
    # server and registry, which `import spoguild_agent` should not pay for.
    from prometheus_client.parser import text_string_to_metric_families

    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                yield _plain_name(family, sample.name), sample.labels, sample.value
    # The parser is fed whatever the endpoint returned and fails with
    # assorted exceptions on garbage; all of them mean "garbled".
    except Exception as exc:
        raise MetricsError(f"garbled metrics: {exc}") from exc


def _plain_name(family: Metric, name: str) -> str:
    # Under "# TYPE x counter" the parser reports the sample as x_total;
    # cardano-node's names never end in _total, so take the family's name.
    if family.type == "counter" and name == family.name + "_total":
        return family.name
    return name


def _convert(value: float, kind: _Kind) -> int | float | bool | None:
    if not math.isfinite(value):
        return None
    if kind == "bool":
        return value != 0
    if kind == "int":
        return int(value)
    return value
