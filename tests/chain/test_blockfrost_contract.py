"""BlockfrostSource against Prism serving Blockfrost's own OpenAPI description.

Prism answers with the spec's examples and rejects requests the spec does not
allow (a missing ``project_id``, a bad query parameter), so this checks both
what we send and what we parse, for every endpoint the source uses.
"""

import dataclasses
import json
import shutil
import socket
import subprocess
import time
import types
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import pytest
import requests
import yaml

from apps.chain.sources import BlockfrostSource
from apps.chain.sources.base import MetadataCheck
from spoguild.http import CallCounter, Client, PermanentError

ROOT = Path(__file__).parents[2]
PRISM = ROOT / "node_modules/.bin/prism"
SPEC = ROOT / "tests/fixtures/blockfrost/openapi.yaml"
POOL = "pool1pu5jlj4q9w9jlxeu370a3c9myx47md5j5m2str0naunn2q3lkdy"
STARTUP_SECONDS = 60


def repaired_spec(target: Path) -> Path:
    """The committed spec, with the one broken example mended for Prism.

    Upstream's example for ``pool_list_extended`` nests schema fragments
    (``{"type": "integer", "example": 69}``) where values belong; Prism would
    serve them as they are. Each fragment is replaced by its own example.
    """
    spec = yaml.load(
        SPEC.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    schema = spec["components"]["schemas"]["pool_list_extended"]
    schema["example"] = [_values(row) for row in schema["example"]]
    target.write_text(json.dumps(spec))
    return target


def _values(node: Any) -> Any:
    if isinstance(node, dict) and "example" in node and "type" in node:
        return node["example"]
    if isinstance(node, dict) and node.get("type") == "object":
        return {key: _values(value) for key, value in node["properties"].items()}
    if isinstance(node, dict):
        return {key: _values(value) for key, value in node.items()}
    return node


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(
    process: subprocess.Popen[bytes], port: int, log: Path
) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Prism exited early:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)  # Prism takes a few seconds to parse the spec
    pytest.fail(f"Prism did not listen within {STARTUP_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Prism mock of Blockfrost for the whole session; its base URL."""
    if not PRISM.exists() or shutil.which("node") is None:
        pytest.skip("Prism is not installed: `npm ci` installs it from package.json.")
    workdir = tmp_path_factory.mktemp("prism")
    spec = repaired_spec(workdir / "blockfrost-openapi.json")
    log = workdir / "prism.log"
    port = _free_port()
    command = [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_listening(process, port, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def responses() -> list[requests.Response]:
    return []


@pytest.fixture
def source(prism: str, responses: list[requests.Response]) -> BlockfrostSource:
    """A source whose every response is recorded, to check what was sent."""
    session = requests.Session()
    session.hooks["response"].append(
        lambda response, **kwargs: responses.append(response)
    )
    return BlockfrostSource(
        "previewTestProjectId",
        "preview",
        base_url=prism,
        session=session,
        counter=CallCounter(),
    )


def assert_typed(value: Any) -> None:
    """Every field of a dataclass (nested ones too) has its annotated type."""
    hints = get_type_hints(type(value))
    for field in dataclasses.fields(value):
        field_value = getattr(value, field.name)
        assert _matches(field_value, hints[field.name]), (
            f"{type(value).__name__}.{field.name} = {field_value!r}"
        )
        if dataclasses.is_dataclass(field_value):
            assert_typed(field_value)


def _matches(value: Any, hint: Any) -> bool:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_matches(value, option) for option in get_args(hint))
    if origin is tuple:
        item = get_args(hint)[0]
        return isinstance(value, tuple) and all(_matches(v, item) for v in value)
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, float)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is datetime:
        return isinstance(value, datetime) and value.utcoffset() is not None
    return isinstance(value, hint)


CALLS: dict[str, Callable[[BlockfrostSource], Any]] = {
    "tip": lambda source: source.tip(),
    "current epoch": lambda source: source.epoch(),
    "past epoch": lambda source: source.epoch(400),
    "pool directory": lambda source: source.pool_directory(),
    "pool": lambda source: source.pool(POOL),
    "pool metadata": lambda source: source.pool_metadata(POOL),
    "pool history": lambda source: source.pool_history(POOL),
    "pool blocks": lambda source: source.pool_blocks(POOL),
    "block at slot": lambda source: source.block_at_slot(412162133),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_each_endpoint_answer_parses_into_typed_dataclasses(
    source: BlockfrostSource,
    responses: list[requests.Response],
    call: Callable[[BlockfrostSource], Any],
) -> None:
    # When the source calls Prism
    result = call(source)

    # Then every request was valid for the spec and carried the project id
    assert responses
    for response in responses:
        assert response.status_code == 200, response.text
        assert response.request.headers["project_id"] == "previewTestProjectId"

    # and every value has the type the dataclass promises
    items = result if isinstance(result, list) else [result]
    assert items
    for item in items:
        assert item is not None
        assert_typed(item)


def test_the_directory_carries_the_retiring_epoch(source: BlockfrostSource) -> None:
    directory = {pool.pool_id: pool for pool in source.pool_directory()}

    # The spec's retiring list names the first example pool, retiring in 225.
    first = directory["pool19u64770wqp6s95gkajc8udheske5e6ljmpq33awxk326zjaza0q"]
    assert first.retiring_epoch == 225


def test_the_spec_example_metadata_reports_a_hash_mismatch(
    source: BlockfrostSource,
) -> None:
    metadata = source.pool_metadata(POOL)

    assert metadata is not None
    assert metadata.check == MetadataCheck.MISMATCH


def test_a_request_without_project_id_is_rejected(prism: str) -> None:
    # Given / when a request leaves the header out, and one sends it
    without = requests.get(f"{prism}/blocks/latest", timeout=10)
    with_id = requests.get(
        f"{prism}/blocks/latest", headers={"project_id": "x"}, timeout=10
    )

    # Then only the one with the header gets through
    assert without.status_code == 401
    assert with_id.status_code == 200


def test_prism_checks_query_parameters_so_ours_are_valid(prism: str) -> None:
    # Given a page size the spec does not allow (count is at most 100)
    client = Client("prism", base_url=prism, headers={"project_id": "x"})

    # When / then Prism refuses it, as it would have refused our own paging
    with pytest.raises(PermanentError) as caught:
        client.get_json("/pools/extended", params={"count": 500})
    assert caught.value.status in (400, 422)


def test_the_source_refuses_to_start_without_a_project_id() -> None:
    with pytest.raises(ValueError, match="project id"):
        BlockfrostSource("", "mainnet")


def test_the_stake_supply_comes_from_the_network_endpoint(
    source: BlockfrostSource, responses: list[requests.Response]
) -> None:
    supply = source.stake_supply(400)

    assert isinstance(supply, int)
    assert supply > 0
    assert [r.request.path_url.rsplit("/", 1)[-1] for r in responses] == ["network"]
    assert all(r.status_code == 200 for r in responses)
