"""The op-cert check: cardano-cli's counters in the node part, failures as text."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from agent_fakes import KES_PERIOD_INFO, FakeClock, StubHost, fake_cardano_cli

from spoguild_agent import Agent, Config, ConfigError, Spool, load_config
from spoguild_agent._cli import main
from spoguild_agent._collect_opcert import OpcertQuery, collect_opcert


def _query(cli: Path, **changes: object) -> OpcertQuery:
    values: dict[str, object] = {
        "opcert_file": "/keys/op.cert",
        "node_socket": "/run/node.socket",
        "cardano_cli": str(cli),
        "timeout": 2.0,
    }
    values.update(changes)
    return OpcertQuery(**values)  # type: ignore[arg-type]


def test_the_counters_are_read_past_the_verdict_lines(tmp_path: Path) -> None:
    cli = fake_cardano_cli(tmp_path)

    found = collect_opcert(_query(cli.path))

    assert found == {
        "opcert_counter": 8,
        "opcert_counter_on_chain": 7,
        "opcert_error": None,
    }
    assert cli.args == [
        *("latest", "query", "kes-period-info"),
        *("--op-cert-file", "/keys/op.cert"),
        *("--socket-path", "/run/node.socket"),
        "--mainnet",
        "--output-json",
    ]


@pytest.mark.parametrize(
    ("network", "flags"),
    [
        ("mainnet", ["--mainnet"]),
        (764824073, ["--mainnet"]),
        (1, ["--testnet-magic", "1"]),
        (42, ["--testnet-magic", "42"]),
    ],
)
def test_the_network_picks_the_flag(
    tmp_path: Path, network: str | int, flags: list[str]
) -> None:
    cli = fake_cardano_cli(tmp_path)

    collect_opcert(_query(cli.path, network=network))

    assert cli.args is not None
    assert cli.args[-1 - len(flags) : -1] == flags


def test_a_pool_without_blocks_has_no_counter_on_chain(tmp_path: Path) -> None:
    output = KES_PERIOD_INFO.replace(
        'OperationalCertificateNumber": 7', 'OperationalCertificateNumber": null'
    )
    cli = fake_cardano_cli(tmp_path, output=output)

    found = collect_opcert(_query(cli.path))

    assert found["opcert_counter"] == 8
    assert found["opcert_counter_on_chain"] is None
    assert found["opcert_error"] is None


def test_a_failed_query_gives_nulls_and_cardano_clis_reason(tmp_path: Path) -> None:
    cli = fake_cardano_cli(
        tmp_path,
        output="",
        status=1,
        stderr="Command failed: query kes-period-info Error: Connection refused",
    )

    found = collect_opcert(_query(cli.path))

    assert found["opcert_counter"] is None
    assert found["opcert_counter_on_chain"] is None
    assert found["opcert_error"] == (
        f"{cli.path} exited with status 1: Command failed: query kes-period-info"
        " Error: Connection refused"
    )


def test_a_missing_cardano_cli_is_reported(tmp_path: Path) -> None:
    found = collect_opcert(_query(tmp_path / "nowhere" / "cardano-cli"))

    assert found["opcert_counter"] is None
    assert found["opcert_error"].startswith("cannot run ")
    assert "No such file" in found["opcert_error"]


def test_a_stuck_query_is_killed_at_the_timeout(tmp_path: Path) -> None:
    cli = fake_cardano_cli(tmp_path, sleep=30)
    started = time.monotonic()

    found = collect_opcert(_query(cli.path, timeout=0.5))

    # The script's sleep is a child of its shell: had it survived the kill it
    # would have held the pipe open for 30 s.
    assert time.monotonic() - started < 5
    assert found["opcert_counter"] is None
    assert found["opcert_error"] == f"{cli.path} gave no answer in 0.5 s"


@pytest.mark.parametrize(
    "output",
    [
        "Usage: cardano-cli latest query kes-period-info\n",
        "{ not json\n",
        '{"qKesOnDiskOperationalCertificateNumber": "8"}\n',
        '{"qKesOnDiskOperationalCertificateNumber": true}\n',
        '[{"qKesOnDiskOperationalCertificateNumber": 8}]\n',
    ],
)
def test_output_without_the_counters_is_an_error(tmp_path: Path, output: str) -> None:
    cli = fake_cardano_cli(tmp_path, output=output)

    found = collect_opcert(_query(cli.path))

    assert found["opcert_counter"] is None
    assert found["opcert_counter_on_chain"] is None
    assert found["opcert_error"]


def test_each_sample_carries_the_counters_when_enabled(
    tmp_path: Path, make_config: Callable[..., Config], spool: Spool
) -> None:
    cli = fake_cardano_cli(tmp_path)
    config = make_config(
        opcert_file="/keys/op.cert",
        node_socket="/run/node.socket",
        cardano_cli=str(cli.path),
        network=2,
    )
    clock = FakeClock()

    with Agent(
        config, spool=spool, host=StubHost(), clock=clock, now=clock.wall
    ) as agent:
        node = agent.sample()["node"]

    assert node["reachable"] is True
    assert node["opcert_counter"] == 8
    assert node["opcert_counter_on_chain"] == 7
    assert node["opcert_error"] is None
    assert cli.args is not None
    assert cli.args[-3:] == ["--testnet-magic", "2", "--output-json"]


def test_the_check_is_off_by_default(
    tmp_path: Path, make_config: Callable[..., Config], spool: Spool
) -> None:
    cli = fake_cardano_cli(tmp_path)
    config = make_config(cardano_cli=str(cli.path), node_socket="/run/node.socket")

    with Agent(config, spool=spool, host=StubHost()) as agent:
        node = agent.collect()["node"]

    assert cli.args is None
    assert node["opcert_counter"] is None
    assert node["opcert_counter_on_chain"] is None
    assert node["opcert_error"] is None


def _config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agent.toml"
    path.write_text(
        'service_url = "https://guild.example"\ntoken = "sgat_x"\n' + text,
        encoding="utf-8",
    )
    return path


def test_the_socket_defaults_to_cardano_clis_variable(tmp_path: Path) -> None:
    path = _config_file(tmp_path, 'opcert_file = "keys/op.cert"\n')

    config = load_config(path, env={"CARDANO_NODE_SOCKET_PATH": "/run/node.socket"})

    assert config.opcert_file == str(tmp_path / "keys" / "op.cert")
    assert config.node_socket == "/run/node.socket"
    assert config.cardano_cli == "cardano-cli"
    assert config.network == "mainnet"


def test_the_check_needs_a_socket(tmp_path: Path) -> None:
    path = _config_file(tmp_path, 'opcert_file = "/keys/op.cert"\n')

    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})

    assert caught.value.key == "node_socket"
    assert "CARDANO_NODE_SOCKET_PATH" in caught.value.problem


@pytest.mark.parametrize(
    ("value", "network"),
    [("mainnet", "mainnet"), ("Preprod", 1), ("preview", 2), ("42", 42)],
)
def test_the_network_is_a_name_or_a_magic(
    tmp_path: Path, value: str, network: str | int
) -> None:
    path = _config_file(tmp_path, "")

    config = load_config(path, env={"SPOGUILD_AGENT_NETWORK": value})

    assert config.network == network


def test_an_unknown_network_names_the_key(tmp_path: Path) -> None:
    path = _config_file(tmp_path, 'network = "moon"\n')

    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})

    assert caught.value.key == "network"


@pytest.fixture
def check_args(tmp_path: Path, make_config: Callable[..., Config]) -> list[str]:
    config = make_config()
    return [
        "check",
        "--service-url",
        config.service_url,
        "--metrics-url",
        config.metrics_url,
        "--spool-path",
        str(tmp_path / "spool" / "spool.db"),
        "--opcert-file",
        "/keys/op.cert",
        "--node-socket",
        "/run/node.socket",
    ]


def test_check_reports_the_counters(
    tmp_path: Path,
    check_args: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli = fake_cardano_cli(tmp_path)
    monkeypatch.setenv("SPOGUILD_AGENT_TOKEN", "sgat_test_0123456789abcdef")

    code = main([*check_args, "--cardano-cli", str(cli.path)])

    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["node"]["opcert_counter_on_chain"] == 7
    assert "op-cert counter: 8 on disk, 7 on chain" in err


def test_check_fails_when_the_query_fails(
    tmp_path: Path,
    check_args: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli = fake_cardano_cli(tmp_path, output="", status=1, stderr="socket refused")
    monkeypatch.setenv("SPOGUILD_AGENT_TOKEN", "sgat_test_0123456789abcdef")

    code = main([*check_args, "--cardano-cli", str(cli.path)])

    assert code == 1
    assert "check failed: op-cert query: " in capsys.readouterr().err
