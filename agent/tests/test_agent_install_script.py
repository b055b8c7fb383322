"""agent/install.sh, run for real on fakes: what it writes, runs and refuses.

The script runs under /bin/sh with every path it writes redirected into the
test's directory. useradd, id, runuser, systemctl, the venv and pip are small
shell shims first on PATH that log their arguments; `check` is this venv's own
spoguild-agent, against the fake node and service. Nothing is downloaded.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from agent_fakes import FakeNode, FakeService, Reply

AGENT = Path(__file__).parent.parent
SCRIPT = AGENT / "install.sh"
SHELL = "/bin/sh"
REAL_AGENT = Path(sys.executable).with_name("spoguild-agent")
TOKEN = "sga_0123abcd_Zm9vYmFyYmF6cXV4-quux_0123456789abcdefghijk"
SECRET = TOKEN.split("_", 2)[2]

pytestmark = pytest.mark.skipif(
    not Path(SHELL).exists(), reason=f"{SHELL} is missing: the script is POSIX sh"
)

LOG = '{ printf %s "$(basename "$0")"; printf " %s" "$@"; echo; } >>"$FAKE_LOG"\n'
SHIMS = {
    "useradd": 'touch "$FAKE_ROOT/user-exists"\n',
    # Root, and the agent's user only once useradd made it; the rest is real.
    "id": (
        'if [ "$*" = -u ]; then echo "${FAKE_UID:-0}"; exit 0; fi\n'
        'if [ "$*" = "$SPOGUILD_AGENT_USER" ]; then\n'
        '    test -e "$FAKE_ROOT/user-exists"; exit\n'
        "fi\n"
        'exec @ID@ "$@"\n'
    ),
    "runuser": 'while [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n',
    "systemctl": (
        'case "$1" in\n'
        "    is-system-running) echo running ;;\n"
        '    is-active) test -e "$FAKE_ROOT/active" ;;\n'
        '    enable) touch "$FAKE_ROOT/active" ;;\n'
        "esac\n"
    ),
    "python": (
        'if [ "$1" = -m ] && [ "$2" = venv ]; then\n'
        '    mkdir -p "$3/bin" && ln -s @PYTHON@ "$3/bin/python"; exit\n'
        "fi\n"
        'exec @PYTHON@ "$@"\n'
    ),
    # Installs the agent as it is in this venv.
    "pip": 'ln -sf @AGENT@ "$SPOGUILD_AGENT_HOME/bin/spoguild-agent"\n',
    "old-python": "echo 3.10\n",
}


@dataclass
class Machine:
    """A server as the script sees it, in a directory."""

    root: Path
    env: dict[str, str]

    @property
    def home(self) -> Path:
        return self.root / "opt" / "spoguild-agent"

    @property
    def config_dir(self) -> Path:
        return self.root / "etc" / "spoguild-agent"

    @property
    def state_dir(self) -> Path:
        return self.root / "var" / "lib" / "spoguild-agent"

    @property
    def unit_dir(self) -> Path:
        return self.root / "etc" / "systemd" / "system"

    @property
    def log(self) -> Path:
        return self.root / "commands.log"

    def install(
        self, *args: str, stdin: str = "", **env: str
    ) -> subprocess.CompletedProcess[str]:
        self.log.write_text("")
        return subprocess.run(
            [SHELL, str(SCRIPT), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**self.env, **env},
            cwd=self.root,
            timeout=60,
            check=False,
        )

    def calls(self, program: str) -> list[list[str]]:
        """The arguments of each run of ``program`` since the last install."""
        lines = self.log.read_text().splitlines()
        return [line.split()[1:] for line in lines if line.split()[0] == program]


def _write_shims(directory: Path) -> None:
    directory.mkdir()
    real_id = shutil.which("id") or "/usr/bin/id"
    for name, body in SHIMS.items():
        for placeholder, value in [
            ("@ID@", real_id),
            ("@PYTHON@", sys.executable),
            ("@AGENT@", str(REAL_AGENT)),
        ]:
            body = body.replace(placeholder, value)
        (directory / name).write_text("#!/bin/sh\n" + LOG + body)
        (directory / name).chmod(0o755)


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    if not REAL_AGENT.exists():
        pytest.skip(f"spoguild-agent is not installed beside {sys.executable}")
    _write_shims(tmp_path / "bin")
    root = tmp_path / "server"
    root.mkdir()
    machine = Machine(root, {})
    machine.unit_dir.mkdir(parents=True)
    # The agent's user owns what the real one would: here, whoever runs pytest.
    user = pwd.getpwuid(os.getuid()).pw_name
    machine.env = {
        "PATH": f"{tmp_path / 'bin'}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "FAKE_LOG": str(machine.log),
        "FAKE_ROOT": str(root),
        "SPOGUILD_AGENT_HOME": str(machine.home),
        "SPOGUILD_AGENT_CONFIG_DIR": str(machine.config_dir),
        "SPOGUILD_AGENT_STATE_DIR": str(machine.state_dir),
        "SPOGUILD_AGENT_UNIT_DIR": str(machine.unit_dir),
        "SPOGUILD_AGENT_USER": user,
        "SPOGUILD_AGENT_GROUP": grp.getgrgid(os.getgid()).gr_name,
        "SPOGUILD_AGENT_OWNER": user,
        "SPOGUILD_AGENT_PYTHON": str(tmp_path / "bin" / "python"),
        "SPOGUILD_AGENT_PIP": str(tmp_path / "bin" / "pip"),
    }
    return machine


@pytest.fixture
def page_command(fake_node: FakeNode, fake_service: FakeService) -> list[str]:
    """What the node's page has the operator run, pointed at the fakes."""
    return [
        "--service-url",
        fake_service.base_url,
        "--interval",
        "30",
        "--metrics-url",
        fake_node.url,
    ]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _nothing_written(machine: Machine) -> bool:
    made = [machine.home, machine.config_dir, machine.state_dir]
    return not any(path.exists() for path in made) and not any(
        machine.unit_dir.iterdir()
    )


def test_a_fresh_install_configures_checks_and_starts_the_agent(
    machine: Machine,
    page_command: list[str],
    fake_node: FakeNode,
    fake_service: FakeService,
) -> None:
    # Given a server without the agent
    # When the page's command runs with the token on stdin
    result = machine.install(*page_command, stdin=TOKEN + "\n")

    # Then it succeeds, saying each step
    assert result.returncode == 0, result.stderr
    assert "virtualenv created" in result.stdout
    assert "check ok" in result.stdout
    assert "enabled and started" in result.stdout

    # And the config and the token are written for the agent's group alone
    config = machine.config_dir / "agent.toml"
    token = machine.config_dir / "token"
    assert tomllib.loads(config.read_text()) == {
        "service_url": fake_service.base_url,
        "token_file": str(token),
        "metrics_url": fake_node.url,
        "interval": 30,
        "spool_path": str(machine.state_dir / "spool.db"),
    }
    assert token.read_text() == TOKEN + "\n"
    assert (_mode(config), _mode(token)) == (0o640, 0o640)
    assert (_mode(machine.config_dir), _mode(machine.state_dir)) == (0o750, 0o750)

    # And the user is made once, with the README's flags
    user = machine.env["SPOGUILD_AGENT_USER"]
    assert machine.calls("useradd") == [
        [
            "--system",
            "--user-group",
            "--home-dir",
            str(machine.state_dir),
            "--shell",
            "/usr/sbin/nologin",
            user,
        ]
    ]

    # And the agent is installed from its folder, then checked as its user
    assert ["-m", "venv", str(machine.home)] in machine.calls("python")
    assert machine.calls("pip")[0][-1] == str(AGENT.resolve())
    [check] = machine.calls("runuser")
    assert check[:3] == ["-u", user, "--"]
    assert check[-3:] == ["check", "--config", str(config)]
    [request] = fake_service.requests
    assert request.headers["authorization"] == f"Bearer {TOKEN}"

    # And the unit is installed and the service enabled and started
    unit = machine.unit_dir / "spoguild-agent.service"
    assert unit.read_text() == (AGENT / "spoguild-agent.service").read_text()
    systemctl = machine.calls("systemctl")
    assert ["daemon-reload"] in systemctl
    assert systemctl[-1] == ["enable", "--now", "spoguild-agent"]


@pytest.mark.parametrize(
    ("with_the_page_command", "stdin"),
    [(True, TOKEN + "\n"), (False, "")],
    ids=["the-page-command-again", "a-bare-upgrade"],
)
def test_a_rerun_keeps_the_config_and_token_and_restarts_the_agent(
    machine: Machine, page_command: list[str], with_the_page_command: bool, stdin: str
) -> None:
    # Given an installed agent
    assert machine.install(*page_command, stdin=TOKEN + "\n").returncode == 0
    written = {
        path: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in machine.config_dir.iterdir()
    }

    # When the script runs again
    args = page_command if with_the_page_command else []
    result = machine.install(*args, stdin=stdin)

    # Then it upgrades the agent and keeps the rest as it was
    assert result.returncode == 0, result.stderr
    assert "agent.toml: kept" in result.stdout
    assert {
        path: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in machine.config_dir.iterdir()
    } == written
    assert machine.calls("useradd") == []
    assert ["-m", "venv", str(machine.home)] not in machine.calls("python")
    assert machine.calls("pip")
    assert machine.calls("runuser")
    assert machine.calls("systemctl")[-1] == ["restart", "spoguild-agent"]
    assert ["daemon-reload"] not in machine.calls("systemctl")


def test_the_page_command_again_keeps_settings_added_by_hand(
    machine: Machine, page_command: list[str]
) -> None:
    # Given an installed agent whose operator added settings by hand
    assert machine.install(*page_command, stdin=TOKEN + "\n").returncode == 0
    config = machine.config_dir / "agent.toml"
    config.write_text(config.read_text() + 'disk_exclude = ["/boot*"]\n')

    # When the page's command runs again with another interval, to upgrade
    args = [*page_command[:3], "45", *page_command[4:]]
    result = machine.install(*args)

    # Then only the interval changed, and the hand-written line is still there
    assert result.returncode == 0, result.stderr
    settings = tomllib.loads(config.read_text())
    assert settings["interval"] == 45
    assert settings["disk_exclude"] == ["/boot*"]
    assert "updated" in result.stdout


def test_new_settings_update_the_config_and_keep_the_old_one(
    machine: Machine, page_command: list[str]
) -> None:
    # Given an installed agent sampling every 30 s
    assert machine.install(*page_command, stdin=TOKEN + "\n").returncode == 0
    config = machine.config_dir / "agent.toml"
    before = config.read_text()

    # When the script runs again with another interval and the node's port
    args = [*page_command[:3], "60", *page_command[4:], "--node-port", "3001"]
    result = machine.install(*args)

    # Then the new config is in place, the old one beside it
    assert result.returncode == 0, result.stderr
    assert "agent.toml.bak" in result.stdout
    settings = tomllib.loads(config.read_text())
    assert (settings["interval"], settings["node_ports"]) == (60, [3001])
    assert (machine.config_dir / "agent.toml.bak").read_text() == before
    assert _mode(config) == 0o640


@pytest.mark.parametrize(
    ("stdin", "env", "message"),
    [
        ("sga_notahex!_secret\n", {}, "not an agent token"),
        ("sga_0123abcd_\n", {}, "not an agent token"),
        ("", {}, "no token"),
        (TOKEN + "\n", {"FAKE_UID": "1000"}, "run it as root"),
        (TOKEN + "\n", {"SPOGUILD_AGENT_PYTHON": "old-python"}, "needs 3.11"),
    ],
    ids=["malformed-token", "token-without-secret", "no-token", "not-root", "old"],
)
def test_it_refuses_before_writing_anything(
    machine: Machine,
    page_command: list[str],
    stdin: str,
    env: dict[str, str],
    message: str,
) -> None:
    # When the script runs without what it needs
    result = machine.install(*page_command, stdin=stdin, **env)

    # Then it says what is missing, repeats no token, and leaves all untouched
    assert result.returncode == 1
    assert message in result.stderr
    typed = stdin.strip()
    assert not typed or typed not in result.stdout + result.stderr
    assert _nothing_written(machine)
    assert machine.calls("useradd") == []


def test_a_token_the_service_refuses_fails_the_install_before_the_service(
    machine: Machine, page_command: list[str], fake_service: FakeService
) -> None:
    # Given a service that refuses the token
    fake_service.rule = lambda request: Reply(401)

    # When the script runs
    result = machine.install(*page_command, stdin=TOKEN + "\n")

    # Then check fails, the script says so and never starts the service
    assert result.returncode == 1
    assert "refused the token" in result.stderr
    assert "the service is not started" in result.stderr
    assert fake_service.requests
    systemctl = machine.calls("systemctl")
    assert not [call for call in systemctl if call[0] in ("enable", "restart")]
    assert not (machine.root / "active").exists()


def test_a_token_on_stdin_never_reaches_a_command_line(
    machine: Machine, page_command: list[str]
) -> None:
    # When the page's command installs the agent
    result = machine.install(*page_command, stdin=TOKEN + "\n")

    # Then no command it ran, nor its output, held the token
    assert result.returncode == 0, result.stderr
    assert machine.calls("runuser")
    assert SECRET not in machine.log.read_text()
    assert SECRET not in result.stdout + result.stderr


def test_the_script_parses_under_dash() -> None:
    dash = shutil.which("dash")
    if dash is None:
        pytest.skip("dash is not installed")

    result = subprocess.run(
        [dash, "-n", str(SCRIPT)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr


def test_shellcheck_finds_nothing_in_the_script() -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")

    result = subprocess.run(
        [shellcheck, "--shell=dash", str(SCRIPT)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout
