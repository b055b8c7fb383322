"""The ``spoguild-agent`` command: run, once, check."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import FrameType

from ._agent import Agent, collect_node_part, host_collector, opcert_query
from ._config import DEFAULT_CONFIG_PATH, ENV_PREFIX, SETTINGS, Config, load_config
from ._exceptions import AgentError, ConfigError
from ._sample import build_sample
from ._sender import Sender
from ._spool import MemoryStore, spool_status
from ._transport import HTTPTransport
from ._version import __version__

__all__ = ["main"]

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    overrides = {s.name: getattr(args, s.name, None) for s in SETTINGS if s.flag}
    try:
        config = load_config(getattr(args, "config", None), overrides=overrides)
    except ConfigError as exc:
        print(f"spoguild-agent: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG

    logging.basicConfig(
        level=config.log_level,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return _COMMANDS[args.command](config)
    except AgentError as exc:
        print(f"spoguild-agent: {exc}", file=sys.stderr)
        return EXIT_FAILURE


def run(config: Config) -> int:
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %d received; stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with Agent(config) as agent:
        agent.run(stop)
    return EXIT_OK


def once(config: Config) -> int:
    with Agent(config) as agent:
        sample = agent.sample()
        result = agent.flush()

    if result.error:
        print(
            f"spoguild-agent: sample {sample['ts']} spooled; delivery failed: "
            f"{result.error}",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    return EXIT_OK


def check(config: Config) -> int:
    """Print the sample the agent would send; fail when a part is unreachable."""
    problems = []
    transport = HTTPTransport(verify=config.verify_tls, ca_bundle=config.ca_bundle)

    node = collect_node_part(config, transport)
    if not node["reachable"]:
        problems.append(f"metrics endpoint {config.metrics_url}: {node['error']}")
    if opcert_query(config) is not None:
        _report_opcert(node, problems)

    agent: dict[str, float | int] = {"interval_s": config.interval}
    try:
        agent.update(spool_status(config.spool_path))
    except AgentError as exc:
        problems.append(str(exc))

    # A throwaway state store: check must not count restarts or touch the
    # spool, which may belong to another user.
    host = host_collector(config, MemoryStore()).collect()
    sample = build_sample(datetime.now(UTC), host=host, node=node, agent=agent)

    sender = Sender(config.service_url, config.token, transport, timeout=config.timeout)
    try:
        sender.send([])
    except AgentError as exc:
        problems.append(f"service {sender.url}: {exc}")

    print(json.dumps(sample, indent=2))
    for problem in problems:
        print(f"check failed: {problem}", file=sys.stderr)
    if problems:
        return EXIT_FAILURE
    print("check ok: node metrics read, service accepted the token", file=sys.stderr)
    return EXIT_OK


def _report_opcert(node: dict[str, object], problems: list[str]) -> None:
    if node["opcert_error"]:
        problems.append(f"op-cert query: {node['opcert_error']}")
        return
    on_chain = node["opcert_counter_on_chain"]
    chain = "none on chain yet" if on_chain is None else f"{on_chain} on chain"
    print(
        f"op-cert counter: {node['opcert_counter']} on disk, {chain}",
        file=sys.stderr,
    )


_COMMANDS: dict[str, Callable[[Config], int]] = {
    "run": run,
    "once": once,
    "check": check,
}


def _parser() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an option not given stays unset, so lower layers show through.
    options.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=f"TOML file (default {DEFAULT_CONFIG_PATH}, or ${ENV_PREFIX}CONFIG)",
    )
    for setting in SETTINGS:
        if setting.flag:
            options.add_argument(
                "--" + setting.name.replace("_", "-"),
                dest=setting.name,
                metavar="VALUE",
                default=argparse.SUPPRESS,
                help=f"{setting.help} (${setting.env_var})",
            )

    parser = argparse.ArgumentParser(
        prog="spoguild-agent",
        description="Samples a Cardano stake pool server and sends it to SPO Guild.",
        epilog="Settings: `spoguild-agent COMMAND --help`; flags override"
        f" ${ENV_PREFIX}* variables, which override the TOML file.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run", parents=[options], help="sample at the interval until stopped"
    )
    commands.add_parser(
        "once", parents=[options], help="take one sample, send the spool, exit"
    )
    commands.add_parser(
        "check",
        parents=[options],
        help="validate the config, reach node and service, print a sample",
    )
    return parser
