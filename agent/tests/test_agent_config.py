"""Configuration: TOML, then environment, then flags; errors name the key."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from spoguild_agent import Config, ConfigError, load_config


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = _write(tmp_path / "token", "sgat_from_file_123\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def config_file(tmp_path: Path, token_file: Path) -> Path:
    return _write(
        tmp_path / "agent.toml",
        'service_url = "https://guild.example"\n'
        f'token_file = "{token_file}"\n'
        "interval = 30\n"
        'net_exclude = ["lo", "docker*"]\n',
    )


def test_defaults_fill_what_the_file_leaves_out(config_file: Path) -> None:
    config = load_config(config_file, env={})

    assert config.service_url == "https://guild.example"
    assert config.token == "sgat_from_file_123"
    assert config.interval == 30
    assert config.metrics_url == "http://127.0.0.1:12798/metrics"
    assert config.verify_tls is True
    assert config.ca_bundle is None
    assert config.node_process_name == "cardano-node"
    assert config.spool_bound == 7 * 24 * 3600 // 30  # 7 days at 30 s
    assert config.batch_size == 500
    assert config.net_exclude == ("lo", "docker*")


def test_environment_beats_file_and_flags_beat_both(config_file: Path) -> None:
    env = {
        "SPOGUILD_AGENT_INTERVAL": "45",
        "SPOGUILD_AGENT_VERIFY_TLS": "false",
        "SPOGUILD_AGENT_NODE_PORTS": "3001, 3002",
    }

    from_env = load_config(config_file, env=env)
    from_flag = load_config(config_file, env=env, overrides={"interval": "15"})

    assert (from_env.interval, from_env.verify_tls) == (45, False)
    assert from_env.node_ports == (3001, 3002)
    assert from_flag.interval == 15
    assert from_flag.verify_tls is False


def test_the_config_path_can_come_from_the_environment(config_file: Path) -> None:
    config = load_config(env={"SPOGUILD_AGENT_CONFIG": str(config_file)})

    assert config.interval == 30


def test_a_token_given_directly_beats_a_token_file_from_a_lower_layer(
    config_file: Path,
) -> None:
    config = load_config(config_file, env={"SPOGUILD_AGENT_TOKEN": "sgat_env_456"})

    assert config.token == "sgat_env_456"


def test_a_token_file_given_as_a_flag_beats_a_token_from_the_environment(
    config_file: Path, tmp_path: Path
) -> None:
    other = _write(tmp_path / "other-token", "sgat_other_789")

    config = load_config(
        config_file,
        env={"SPOGUILD_AGENT_TOKEN": "sgat_env_456"},
        overrides={"token_file": str(other)},
    )

    assert config.token == "sgat_other_789"


def test_relative_paths_in_the_file_are_relative_to_the_file(tmp_path: Path) -> None:
    _write(tmp_path / "token", "sgat_rel")
    path = _write(
        tmp_path / "agent.toml",
        'service_url = "https://g.example"\n'
        'token_file = "token"\n'
        'spool_path = "spool.db"\n',
    )

    config = load_config(path, env={})

    assert config.token == "sgat_rel"
    assert config.spool_path == str(tmp_path / "spool.db")


def test_the_token_never_appears_in_the_repr(config_file: Path) -> None:
    assert "sgat_from_file_123" not in repr(load_config(config_file, env={}))


def test_a_world_readable_token_file_is_warned_about(
    config_file: Path, token_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    token_file.chmod(0o644)

    with caplog.at_level(logging.WARNING):
        load_config(config_file, env={})

    assert "readable by every user" in caplog.text
    assert "sgat_from_file_123" not in caplog.text


@pytest.mark.parametrize(
    ("env", "key", "words"),
    [
        ({"SPOGUILD_AGENT_INTERVAL": "soon"}, "interval", "SPOGUILD_AGENT_INTERVAL"),
        ({"SPOGUILD_AGENT_INTERVAL": "0"}, "interval", "from 1 to 3600"),
        ({"SPOGUILD_AGENT_VERIFY_TLS": "maybe"}, "verify_tls", "true or false"),
        ({"SPOGUILD_AGENT_METRICS_URL": "localhost:12798"}, "metrics_url", "URL"),
        ({"SPOGUILD_AGENT_BATCH_SIZE": "2.5"}, "batch_size", "whole number"),
        ({"SPOGUILD_AGENT_NODE_PORTS": "3001,x"}, "node_ports", "whole number"),
        ({"SPOGUILD_AGENT_LOG_LEVEL": "loud"}, "log_level", "DEBUG"),
        ({"SPOGUILD_AGENT_CA_BUNDLE": "/nonexistent/ca.pem"}, "ca_bundle", "no such"),
    ],
)
def test_a_bad_value_names_the_key_and_its_source(
    config_file: Path, env: dict[str, str], key: str, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(config_file, env=env)

    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}: ")
    assert words in str(caught.value)


def test_a_bad_value_in_the_file_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "agent.toml", 'interval = "often"\n')

    with pytest.raises(ConfigError, match=r"^interval: .*file .*agent\.toml"):
        load_config(path, env={})


def test_an_unknown_key_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    path = _write(tmp_path / "agent.toml", "intervall = 30\n")

    with pytest.raises(ConfigError, match="did you mean interval"):
        load_config(path, env={})


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path / "agent.toml", "service_url = \n")

    with pytest.raises(ConfigError, match=r"^config: .*not valid TOML"):
        load_config(path, env={})


def test_a_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^config: no such file"):
        load_config(tmp_path / "absent.toml", env={})


def test_the_service_url_is_required(token_file: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "agent.toml", f'token_file = "{token_file}"\n')

    with pytest.raises(ConfigError, match=r"^service_url: missing"):
        load_config(path, env={})


def test_a_token_is_required(tmp_path: Path) -> None:
    path = _write(tmp_path / "agent.toml", 'service_url = "https://g.example"\n')

    with pytest.raises(ConfigError, match=r"^token: missing"):
        load_config(path, env={})


def test_token_and_token_file_in_one_layer_conflict(
    config_file: Path, token_file: Path
) -> None:
    env = {
        "SPOGUILD_AGENT_TOKEN": "sgat_a",
        "SPOGUILD_AGENT_TOKEN_FILE": str(token_file),
    }

    with pytest.raises(ConfigError, match=r"^token: set either"):
        load_config(config_file, env=env)


def test_an_unreadable_token_file_names_token_file(config_file: Path) -> None:
    env = {"SPOGUILD_AGENT_TOKEN_FILE": "/nonexistent/token"}

    with pytest.raises(ConfigError, match=r"^token_file: cannot read"):
        load_config(config_file, env=env)


def test_a_bad_token_is_refused_without_echoing_it(config_file: Path) -> None:
    env = {"SPOGUILD_AGENT_TOKEN": "two words secret"}

    with pytest.raises(ConfigError) as caught:
        load_config(config_file, env=env)

    assert caught.value.key == "token"
    assert "secret" not in str(caught.value)


def test_the_example_config_is_valid(token_file: Path) -> None:
    example = Path(__file__).parent.parent / "spoguild-agent.example.toml"

    config = load_config(example, env={}, overrides={"token_file": str(token_file)})

    assert config.interval == 60
    assert config.spool_bound == 10080
    assert config.verify_tls is True


@pytest.mark.parametrize(
    ("interval", "bound"), [("60", 10080), ("30", 20160), ("15", 40320), ("120", 10080)]
)
def test_the_default_spool_holds_seven_days_at_the_interval(
    interval: str, bound: int
) -> None:
    env = {
        "SPOGUILD_AGENT_SERVICE_URL": "https://x.example",
        "SPOGUILD_AGENT_TOKEN": "t",
    }

    config = load_config(env={**env, "SPOGUILD_AGENT_INTERVAL": interval})

    assert config.spool_bound == bound


def test_a_configured_spool_bound_is_kept_whatever_the_interval() -> None:
    env = {
        "SPOGUILD_AGENT_SERVICE_URL": "https://x.example",
        "SPOGUILD_AGENT_TOKEN": "t",
        "SPOGUILD_AGENT_INTERVAL": "15",
        "SPOGUILD_AGENT_SPOOL_MAX_SAMPLES": "500",
    }

    assert load_config(env=env).spool_bound == 500


def test_a_config_built_in_code_gets_the_same_default_bound() -> None:
    config = Config(service_url="https://x.example", token="t", interval=30)

    assert config.spool_bound == 20160
