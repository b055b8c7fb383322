"""The documented install works on a fresh server, and the page says the same."""

from __future__ import annotations

import html
import re
import shlex
from pathlib import Path, PurePosixPath

import pytest

from spoguild_agent._config import DEFAULT_SPOOL_PATH
from spoguild_agent._spool import spool_status

AGENT = Path(__file__).parent.parent
# The service's page shows the same steps; it exists only in the repository.
INSTALL_PAGE = AGENT.parent / "templates" / "nodes" / "_install.html"
STATE_DIRECTORY = str(PurePosixPath(DEFAULT_SPOOL_PATH).parent)
# What the page fills in for its node, as the README writes it for any node.
README_VALUES = {
    "{{ site_url }}": "https://spoguild.example",
    "{{ node.interval_seconds }}": "60",
}
TOKEN_OR_PLACEHOLDER = re.compile(
    r"{% if token %}{{ token }}{% else %}(.*?){% endif %}"
)


def _readme_block(heading: str) -> str:
    text = (AGENT / "README.md").read_text(encoding="utf-8")
    section = re.split(rf"\n#+ {re.escape(heading)}\n", text, maxsplit=1)[1]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match, f"the README's {heading} section has no sh block"
    return match.group(1)


def _readme_install() -> str:
    return _readme_block("Install")


def _page_block(code_id: str) -> str:
    if not INSTALL_PAGE.exists():
        pytest.skip("the service's install page is not beside this agent")
    text = INSTALL_PAGE.read_text(encoding="utf-8")
    match = re.search(rf'<code id="{code_id}">(.*?)</code>', text, re.DOTALL)
    assert match, f"the page has no {code_id} block"
    return html.unescape(match.group(1)) + "\n"


def _page_install() -> str:
    return _page_block("install-package")


def _page_one_command_for_any_node() -> str:
    block = TOKEN_OR_PLACEHOLDER.sub(r"\1", _page_block("install-one-command"))
    for tag, value in README_VALUES.items():
        block = block.replace(tag, value)
    assert "{" not in block, f"the page fills in more than the README says: {block}"
    return block


def _commands(block: str) -> list[list[str]]:
    lines = [line.strip() for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line and not line.startswith("#")]


def _made_directory(commands: list[list[str]], path: str) -> tuple[int, dict[str, str]]:
    """Where ``install -d ... <path>`` stands among ``commands``, and its options."""
    for index, words in enumerate(commands):
        if words[:2] == ["install", "-d"] and words[-1] == path:
            options = words[2:-1]
            return index, dict(zip(options[::2], options[1::2], strict=True))
    raise AssertionError(f"nothing creates {path}")


def _unit_user() -> tuple[str, str]:
    unit = (AGENT / "spoguild-agent.service").read_text(encoding="utf-8")
    user = re.search(r"^User=(\S+)$", unit, re.MULTILINE)
    group = re.search(r"^Group=(\S+)$", unit, re.MULTILINE)
    assert user
    assert group
    return user.group(1), group.group(1)


def test_the_install_creates_the_spool_directory_for_the_agent_user() -> None:
    # Given the README's install commands and the unit's user
    commands = _commands(_readme_install())
    user, group = _unit_user()

    # When they are read for the spool's directory
    made_at, options = _made_directory(commands, STATE_DIRECTORY)

    # Then it is made after the user, owned by it, writable and searchable
    assert commands[0][0] == "useradd"
    assert made_at > 0
    assert (options["-o"], options["-g"]) == (user, group)
    assert int(options["-m"], 8) & 0o700 == 0o700


def test_check_passes_on_a_spool_directory_made_as_the_install_makes_it(
    tmp_path: Path,
) -> None:
    # Given the state directory made with the README's mode, no spool in it
    _, options = _made_directory(_commands(_readme_install()), STATE_DIRECTORY)
    directory = tmp_path / STATE_DIRECTORY.lstrip("/")
    directory.mkdir(parents=True)
    directory.chmod(int(options["-m"], 8))

    # When check reads the spool there
    status = spool_status(directory / PurePosixPath(DEFAULT_SPOOL_PATH).name)

    # Then it finds an empty spool it may create
    assert status == {"spooled": 0, "dropped_samples": 0, "rejected_samples": 0}


def test_the_install_page_gives_the_readme_commands() -> None:
    assert _page_install() == _readme_install()


def test_the_install_page_gives_the_readme_one_command() -> None:
    assert _page_one_command_for_any_node() == _readme_block("Install in one command")


def test_the_one_command_runs_the_script_with_options_it_knows() -> None:
    # Given the README's one command
    [line] = _commands(_readme_block("Install in one command"))
    feed, install = line[: line.index("|")], line[line.index("|") + 1 :]

    # When its parts are read
    script = AGENT.parent / install[2]
    options = [word for word in install if word.startswith("--")]

    # Then the token arrives on stdin to the script beside this test, as root
    assert feed[:2] == ["printf", "%s\\n"]
    assert install[:2] == ["sudo", "sh"]
    assert script == AGENT / "install.sh"
    usage = script.read_text(encoding="utf-8")
    assert options
    assert all(f"{option})" in usage for option in options)
