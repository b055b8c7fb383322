"""Each network's source comes from the settings: Koios unless Blockfrost is
chosen, and Blockfrost without a project id is a configuration error."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from apps.chain.selection import source_for, synced_networks
from apps.chain.sources import BlockfrostSource, KoiosSource

ROOT = Path(__file__).resolve().parents[2]


def sources(**networks: dict[str, str | None]) -> dict[str, dict[str, str | None]]:
    default = {"source": "koios", "project_id": None, "base_url": None}
    return {
        name: default | networks.get(name, {})
        for name in ("mainnet", "preprod", "preview")
    }


@override_settings(CHAIN_SOURCES=sources(), KOIOS_TOKEN=None)
def test_koios_is_the_default_and_needs_no_key() -> None:
    source = source_for("mainnet")

    assert isinstance(source, KoiosSource)
    assert source.network == "mainnet"


@override_settings(
    CHAIN_SOURCES=sources(
        preprod={"source": "blockfrost", "project_id": "preprodSecretId"}
    )
)
def test_blockfrost_is_used_with_the_networks_project_id() -> None:
    source = source_for("preprod")

    assert isinstance(source, BlockfrostSource)
    assert source.network == "preprod"


@override_settings(CHAIN_SOURCES=sources(preview={"source": "blockfrost"}))
def test_blockfrost_without_a_project_id_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="BLOCKFROST_PROJECT_ID_PREVIEW"):
        source_for("preview")


@override_settings(CHAIN_NETWORKS=["mainnet", "preview"])
def test_the_synced_networks_are_the_configured_ones() -> None:
    assert synced_networks() == ["mainnet", "preview"]


def start_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Imports the settings in a fresh process, as a start would."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHAIN_", "BLOCKFROST_"))
    }
    clean.update(env, DATA_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-c", "import spoguild.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_start_with_blockfrost_and_no_project_id_fails_naming_it(
    tmp_path: Path,
) -> None:
    result = start_settings(
        tmp_path, CHAIN_NETWORKS="mainnet", CHAIN_SOURCE_MAINNET="blockfrost"
    )

    assert result.returncode != 0
    assert "BLOCKFROST_PROJECT_ID_MAINNET" in result.stderr


def test_a_project_id_may_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "project_id"
    secret.write_text("mainnetFromFile\n")

    result = start_settings(
        tmp_path,
        CHAIN_SOURCE_MAINNET="blockfrost",
        BLOCKFROST_PROJECT_ID_MAINNET_FILE=str(secret),
    )

    assert result.returncode == 0, result.stderr


def test_an_unknown_network_fails_naming_the_variable(tmp_path: Path) -> None:
    result = start_settings(tmp_path, CHAIN_NETWORKS="mainnet,testnet")

    assert result.returncode != 0
    assert "CHAIN_NETWORKS" in result.stderr
