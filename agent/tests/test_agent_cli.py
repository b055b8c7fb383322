"""The command line: check, once, and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from agent_fakes import CAPTIVE_PORTAL, TOKEN, FakeNode, FakeService, Reply, free_port

from spoguild_agent._cli import main


@pytest.fixture
def config_path(tmp_path: Path, fake_node: FakeNode, fake_service: FakeService) -> Path:
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n")
    token.chmod(0o600)
    path = tmp_path / "agent.toml"
    path.write_text(
        f'service_url = "{fake_service.base_url}"\n'
        'token_file = "token"\n'
        f'metrics_url = "{fake_node.url}"\n'
        'spool_path = "spool/spool.db"\n'
        "timeout = 2\n"
    )
    return path


def test_check_prints_the_sample_and_succeeds(
    config_path: Path,
    fake_service: FakeService,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["check", "--config", str(config_path)])

    out, err = capsys.readouterr()
    sample = json.loads(out)
    assert code == 0
    assert sample["node"]["reachable"] is True
    assert sample["node"]["tip_slot"] == 157169709
    assert sample["host"]["memory"]["total_bytes"] > 0
    assert sample["agent"]["spooled"] == 0
    assert "check ok" in err
    [request] = fake_service.requests
    assert request.payload == {"version": 1, "samples": []}
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_check_leaves_no_spool_behind(config_path: Path, tmp_path: Path) -> None:
    main(["check", "--config", str(config_path)])

    assert not (tmp_path / "spool").exists()


def test_check_fails_naming_an_unreachable_service(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"

    code = main(["check", "--config", str(config_path), "--service-url", url])

    out, err = capsys.readouterr()
    assert code == 1
    assert json.loads(out)["node"]["reachable"] is True
    assert f"check failed: service {url}/api/v1/agent/samples" in err
    assert "refused" in err.lower()


def test_check_fails_on_a_refused_token(
    config_path: Path,
    fake_service: FakeService,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_service.script = [Reply(401)]

    code = main(["check", "--config", str(config_path)])

    assert code == 1
    assert "refused the token" in capsys.readouterr().err


def test_check_fails_when_the_answer_is_no_acknowledgement(
    config_path: Path,
    fake_service: FakeService,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a service_url that leads to a web page, not to SPO Guild
    fake_service.script = [CAPTIVE_PORTAL]

    # When check tests the URL and the token
    code = main(["check", "--config", str(config_path)])

    # Then it fails, saying the answer was not the service's
    assert code == 1
    assert "is not an acknowledgement" in capsys.readouterr().err


def test_check_fails_naming_an_unreachable_node(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}/metrics"

    code = main(["check", "--config", str(config_path), "--metrics-url", url])

    out, err = capsys.readouterr()
    assert code == 1
    assert json.loads(out)["node"]["reachable"] is False
    assert f"check failed: metrics endpoint {url}" in err


def test_once_spools_sends_and_exits(
    config_path: Path, fake_service: FakeService, tmp_path: Path
) -> None:
    code = main(["once", "--config", str(config_path)])

    assert code == 0
    assert len(fake_service.accepted_ts) == 1
    assert (tmp_path / "spool" / "spool.db").exists()


def test_once_keeps_the_sample_when_the_service_is_down(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"

    code = main(["once", "--config", str(config_path), "--service-url", url])

    assert code == 1
    assert "spooled; delivery failed" in capsys.readouterr().err


def test_a_config_error_exits_2_naming_the_key(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--config", str(config_path), "--interval", "never"])

    assert code == 2
    assert "configuration error: interval:" in capsys.readouterr().err
