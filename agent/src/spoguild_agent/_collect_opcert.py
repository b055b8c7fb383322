"""The op-cert counters of a block producer, from ``cardano-cli``.

cardano-node's metrics carry no op-cert counter. ``cardano-cli latest query
kes-period-info`` reads the number of the certificate on disk and the number
the ledger last saw from the pool (none before its first block). Each run is
bounded by a timeout and any failure becomes ``opcert_error``, so a missing
binary or a stuck socket never stops the sampling loop.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
from dataclasses import dataclass
from typing import Any

from ._exceptions import OpcertError
from ._transport import DEFAULT_TIMEOUT

__all__ = ["OPCERT_KEYS", "OpcertQuery", "collect_opcert", "parse_kes_period_info"]

logger = logging.getLogger(__name__)

OPCERT_KEYS = ("opcert_counter", "opcert_counter_on_chain", "opcert_error")
MAINNET_MAGIC = 764824073
_ON_DISK = "qKesOnDiskOperationalCertificateNumber"
_ON_CHAIN = "qKesNodeStateOperationalCertificateNumber"
_MAX_ERROR = 200


@dataclass(frozen=True)
class OpcertQuery:
    """One ``kes-period-info`` call; ``network`` is "mainnet" or a magic."""

    opcert_file: str
    node_socket: str
    network: str | int = "mainnet"
    cardano_cli: str = "cardano-cli"
    timeout: float = DEFAULT_TIMEOUT

    @property
    def args(self) -> list[str]:
        if self.network in ("mainnet", MAINNET_MAGIC):
            network = ["--mainnet"]
        else:
            network = ["--testnet-magic", str(self.network)]
        return [
            self.cardano_cli,
            *("latest", "query", "kes-period-info"),
            *("--op-cert-file", self.opcert_file),
            *("--socket-path", self.node_socket),
            *network,
            "--output-json",
        ]


def collect_opcert(query: OpcertQuery) -> dict[str, Any]:
    """The op-cert keys of the ``node`` part; never raises for a failed query."""
    on_disk: int | None = None
    on_chain: int | None = None
    error: str | None = None
    try:
        on_disk, on_chain = parse_kes_period_info(_run(query.args, query.timeout))
    except OpcertError as exc:
        logger.debug("op-cert counters unavailable: %s", exc)
        error = str(exc)
    return {
        "opcert_counter": on_disk,
        "opcert_counter_on_chain": on_chain,
        "opcert_error": error,
    }


def parse_kes_period_info(text: str) -> tuple[int, int | None]:
    """(on disk, on chain) from the command's output.

    cardano-cli prints its "✓ ..." verdicts on stdout before the JSON, so
    the object is decoded from the first line that opens one.
    """
    start = 0 if text.startswith("{") else text.find("\n{") + 1
    try:
        info, _end = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        raise OpcertError("cardano-cli printed no JSON object") from None
    if not isinstance(info, dict):
        raise OpcertError("cardano-cli printed no JSON object")

    on_chain = info.get(_ON_CHAIN)
    return (
        _counter(info.get(_ON_DISK), _ON_DISK),
        None if on_chain is None else _counter(on_chain, _ON_CHAIN),
    )


def _counter(value: object, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise OpcertError(f"cardano-cli output has no whole-number {key}")
    return value


def _run(args: list[str], timeout: float) -> str:
    # Its own session, so a timeout kills cardano-cli with anything it
    # started: a surviving child would hold the pipe open and block us.
    try:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise OpcertError(f"cannot run {args[0]}: {exc.strerror or exc}") from None

    with process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise OpcertError(f"{args[0]} gave no answer in {timeout:g} s") from None

    if process.returncode != 0:
        raise OpcertError(_failure(args[0], process.returncode, err))
    return out.decode("utf-8", errors="replace")


def _failure(program: str, code: int, stderr: bytes) -> str:
    said = " ".join(stderr.decode("utf-8", errors="replace").split())
    if len(said) > _MAX_ERROR:
        said = said[: _MAX_ERROR - 1] + "…"
    return f"{program} exited with status {code}" + (f": {said}" if said else "")
