from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from spoguild.config import Env

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "SPOGUILD_ENV": "production",
    "SECRET_KEY": "x" * 64 + "-production-secret-that-is-long-and-random-enough",
    "ALLOWED_HOSTS": "spoguild.example.org",
    "DATABASE_URL": "postgres://spoguild:pw@db.example.org:5432/spoguild",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "EMAIL_HOST": "smtp.example.org",
    "SITE_URL": "https://spoguild.example.org",
}


def _run(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "DEBUG"
    }
    clean.update(
        env, DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="spoguild.settings"
    )
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_a_bad_boolean_is_an_error_naming_the_variable(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        Env({"DEBUG": value}).bool("DEBUG", default=False)


def test_booleans_accept_the_usual_words() -> None:
    env = Env({"A": "yes", "B": "OFF", "C": "1"})

    assert (env.bool("A", False), env.bool("B", True), env.bool("C", False)) == (
        True,
        False,
        True,
    )


def test_a_bad_integer_is_an_error_naming_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        Env({"EMAIL_PORT": "smtp"}).int("EMAIL_PORT", 587)


def test_a_secret_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")

    assert Env({"SECRET_KEY_FILE": str(secret)}).secret("SECRET_KEY") == "s3cret"


def test_an_unreadable_secret_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        Env({"SECRET_KEY_FILE": str(tmp_path / "missing")}).secret("SECRET_KEY")


def test_an_unknown_choice_is_an_error_listing_the_choices() -> None:
    with pytest.raises(ImproperlyConfigured, match="development, production"):
        Env({"SPOGUILD_ENV": "staging"}).choice(
            "SPOGUILD_ENV", ("development", "production"), "development"
        )


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"]
)
def test_production_refuses_to_start_without_each_secret(
    missing: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = _run(["-c", "import django; django.setup()"], env, tmp_path)

    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_debug(tmp_path: Path) -> None:
    result = _run(
        ["-c", "import django; django.setup()"],
        {**PRODUCTION, "DEBUG": "true"},
        tmp_path,
    )

    assert "DEBUG must be false" in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        PRODUCTION,
        tmp_path,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_release_number_is_read_or_defaulted() -> None:
    env = Env({"NODE_RELEASE_LATEST": " 11.1.0 "})

    assert env.version("NODE_RELEASE_LATEST", "11.0.1") == "11.1.0"
    assert env.version("NODE_RELEASE_MINIMUM", "10.7.0") == "10.7.0"


def test_a_two_part_release_number_is_a_release_number() -> None:
    # Some cardano-node releases have two numbers, such as 10.2.
    env = Env({"NODE_RELEASE_MINIMUM": "10.2"})

    assert env.version("NODE_RELEASE_MINIMUM", "10.7.0") == "10.2"


@pytest.mark.parametrize("value", ["10", "10.7.0.1", "v10.7.0", "10.7.0-rc1", "latest"])
def test_a_bad_release_number_is_an_error_naming_the_variable(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="NODE_RELEASE_MINIMUM"):
        Env({"NODE_RELEASE_MINIMUM": value}).version("NODE_RELEASE_MINIMUM", "10.7.0")


def test_the_service_refuses_to_start_with_a_bad_node_release(tmp_path: Path) -> None:
    result = _run(
        ["-c", "import django; django.setup()"],
        {"NODE_RELEASE_LATEST": "eleven"},
        tmp_path,
    )

    assert result.returncode != 0
    assert "NODE_RELEASE_LATEST='eleven'" in result.stderr
