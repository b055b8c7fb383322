"""Agent intake throughput: many agents posting one sample each, through gunicorn.

The service runs as in production: gunicorn with a few sync workers, a
PostgreSQL database made for the bench (``spoguild_bench``, migrated, one
node and token per simulated agent) and Redis (database 15, flushed after).
Thread clients on loopback post single realistic samples, each agent at
most a few times a minute, like real agents; ``/ping``, a Django view that
touches no database, is measured in the same run as the baseline.

Also the service harness of ``bench.backlog``. ``python -m bench.intake
setup N`` is the subprocess that prepares the database and prints tokens.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.results import record

# The intake tests' realistic sample: the node part parsed by the agent itself.
from tests.samples.payloads import sample as realistic_sample

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "spoguild_bench"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/15"
WORKERS = 4
CLIENTS = 24
AGENTS = 3000
WARMUP_SECONDS = 2.0
MEASURE_SECONDS = 12.0
SAMPLES_PATH = "/api/v1/agent/samples"


@dataclass
class Service:
    port: int
    tokens: list[str]
    process: subprocess.Popen[bytes] = field(repr=False)


def batch_body(samples: list[dict[str, Any]]) -> bytes:
    text = json.dumps({"version": 1, "samples": samples}, separators=(",", ":"))
    return gzip.compress(text.encode(), compresslevel=6)


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "SPOGUILD_ENV": "development",
        "DEBUG": "false",
        "LOG_LEVEL": "warning",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "DATA_DIR": tempfile.mkdtemp(prefix="spoguild-bench-"),
        "DJANGO_SETTINGS_MODULE": "spoguild.settings",
    }


def _psql(statement: str) -> None:
    subprocess.run(
        ["psql", f"{POSTGRES}/postgres", "-q", "-c", statement],
        check=True,
        capture_output=True,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/ping")
            if connection.getresponse().status == 204:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /ping")


@contextmanager
def running_service(
    agents: int, workers: int = WORKERS, app: str = "spoguild.wsgi"
) -> Iterator[Service]:
    """A migrated bench database with ``agents`` nodes, gunicorn serving ``app``."""
    env = _environment()
    _psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    _psql(f"CREATE DATABASE {DATABASE}")
    setup = subprocess.run(
        [PYTHON, "-m", "bench.intake", "setup", str(agents)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    tokens = json.loads(setup.stdout)
    port = _free_port()
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        app,
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        _wait_until_up(port)
        yield Service(port=port, tokens=tokens, process=process)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        subprocess.run(["redis-cli", "-n", "15", "FLUSHDB"], capture_output=True)
        _psql(f"DROP DATABASE IF EXISTS {DATABASE}")


def stored_samples() -> int:
    answer = subprocess.run(
        [
            "psql",
            f"{POSTGRES}/{DATABASE}",
            "-tAc",
            "SELECT count(*) FROM samples_sample",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(answer.stdout.strip())


@dataclass
class Load:
    """What the clients saw during the measured window."""

    requests: int = 0
    failures: int = 0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


class Client(threading.Thread):
    """One loopback client sending its prepared requests until told to stop."""

    def __init__(self, port: int, requests: list[tuple[str, str, bytes, dict]]):
        super().__init__(daemon=True)
        self.port = port
        self.requests = requests
        self.load = Load()
        self.measuring = False
        self.stop = False
        self._connection: http.client.HTTPConnection | None = None

    def run(self) -> None:
        for method, path, body, headers in self.requests:
            if self.stop:
                return
            started = time.perf_counter()
            status = self._send(method, path, body, headers)
            if self.measuring:
                self._count(status, time.perf_counter() - started)

    def _send(self, method: str, path: str, body: bytes, headers: dict) -> int:
        try:
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30
                )
            self._connection.request(method, path, body or None, headers)
            response = self._connection.getresponse()
            response.read()
            if response.getheader("connection", "").lower() == "close":
                self._close()
            return response.status
        except (OSError, http.client.HTTPException):
            self._close()
            return 0

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _count(self, status: int, seconds: float) -> None:
        self.load.requests += 1
        self.load.latencies.append(seconds)
        self.load.statuses[status] = self.load.statuses.get(status, 0) + 1
        if not 200 <= status < 300:
            self.load.failures += 1


def drive(
    service: Service, plans: list[list[tuple[str, str, bytes, dict]]]
) -> dict[str, Any]:
    """Runs one client per plan: a warm-up, then a measured window."""
    clients = [Client(service.port, plan) for plan in plans]
    for client in clients:
        client.start()
    time.sleep(WARMUP_SECONDS)
    for client in clients:
        client.measuring = True
    cpu_before = cpu_seconds(service.process.pid)
    started = time.perf_counter()
    time.sleep(MEASURE_SECONDS)
    for client in clients:
        client.measuring = False
    elapsed = time.perf_counter() - started
    cpu = {
        part: seconds - cpu_before[part]
        for part, seconds in cpu_seconds(service.process.pid).items()
    }
    for client in clients:
        client.stop = True
    for client in clients:
        client.join(timeout=60)
    summary = _summary([client.load for client in clients], elapsed)
    summary["cpu_ms_per_request"] = {
        part: round(seconds * 1000 / max(1, summary["requests"]), 2)
        for part, seconds in cpu.items()
    }
    return summary


def cpu_seconds(gunicorn_pid: int) -> dict[str, float]:
    """CPU time used so far by the web workers, PostgreSQL, Redis and the clients.

    Read from /proc, so that the figures say where a request's cost goes on
    this one machine, where all of them share the same cores.
    """
    tick = os.sysconf("SC_CLK_TCK")
    parts = {"web": 0.0, "postgresql": 0.0, "redis": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # the process ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / tick
        if int(fields[1]) == gunicorn_pid or int(entry.name) == gunicorn_pid:
            parts["web"] += used
        elif name == "postgres":
            parts["postgresql"] += used
        elif name == "redis-server":
            parts["redis"] += used
    own = os.times()
    parts["clients"] = own.user + own.system
    return parts


def _summary(loads: list[Load], elapsed: float) -> dict[str, Any]:
    latencies = sorted(value for load in loads for value in load.latencies)
    requests = sum(load.requests for load in loads)
    statuses: dict[str, int] = {}
    for load in loads:
        for status, count in load.statuses.items():
            statuses[str(status)] = statuses.get(str(status), 0) + count
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": requests,
        "failures": sum(load.failures for load in loads),
        "statuses": statuses,
        "requests_per_s": round(requests / elapsed, 1),
        "latency_p50_ms": round(cuts[49] * 1000, 1),
        "latency_p95_ms": round(cuts[94] * 1000, 1),
        "latency_p99_ms": round(cuts[98] * 1000, 1),
    }


def _ping_plans() -> list[list[tuple[str, str, bytes, dict]]]:
    request = ("GET", "/ping", b"", {})
    return [[request] * 30_000 for _ in range(CLIENTS)]


def _intake_plans(tokens: list[str]) -> list[list[tuple[str, str, bytes, dict]]]:
    """Each client owns a share of the agents and sends each a new minute."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    template = realistic_sample(start)
    plans: list[list[tuple[str, str, bytes, dict]]] = [[] for _ in range(CLIENTS)]
    # Enough requests for the window at well above the target rate; each
    # agent sends at most a few samples, far under its per-minute limit.
    rounds = 6
    for round_ in range(rounds):
        moment = start + timedelta(seconds=round_)
        body = batch_body([{**template, "ts": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}])
        for index, token in enumerate(tokens):
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
            }
            plans[index % CLIENTS].append(("POST", SAMPLES_PATH, body, headers))
    return plans


def main() -> bool:
    return measure("intake", app="spoguild.wsgi")


def measure(name: str, app: str) -> bool:
    """``/ping``, then the intake, with gunicorn serving ``app``; records ``name``."""
    with running_service(AGENTS, app=app) as service:
        ping = drive(service, _ping_plans())
        intake = drive(service, _intake_plans(service.tokens))
        stored = stored_samples()

    accepted = intake["statuses"].get("200", 0)
    figures = {
        "workers": WORKERS,
        "clients": CLIENTS,
        "intake": intake,
        "ping": ping,
        "intake_vs_ping": round(intake["requests_per_s"] / ping["requests_per_s"], 2),
        **_cpu_budget(intake, ping),
        "samples_stored": stored,
        "machine_cpus": os.cpu_count(),
    }
    targets = {
        "intake_requests_per_s": ">= 300",
        "intake_vs_ping": ">= 0.5",
        "failures": "0",
    }
    passed = (
        intake["requests_per_s"] >= 300
        and figures["intake_vs_ping"] >= 0.5
        and intake["failures"] == 0
        and stored >= accepted
    )
    record(name, figures, targets, passed)
    return passed


def _cpu_budget(intake: dict[str, Any], ping: dict[str, Any]) -> dict[str, float]:
    """What half the ping rate leaves an intake request, in CPU on these cores.

    Web workers, PostgreSQL, Redis and the clients share the machine's
    cores, so a rate is the cores over the CPU one request costs them all:
    half the ping rate means an intake request may cost twice a ping. The
    floor is what an intake request costs before its own Python runs: the
    web stack a ping also pays, its client, and the database's commit.
    """
    intake_ms = sum(intake["cpu_ms_per_request"].values())
    ping_ms = sum(ping["cpu_ms_per_request"].values())
    parts = intake["cpu_ms_per_request"]
    floor = ping["cpu_ms_per_request"]["web"] + parts["clients"] + parts["postgresql"]
    return {
        "intake_cpu_ms_per_request": round(intake_ms, 2),
        "ping_cpu_ms_per_request": round(ping_ms, 2),
        "intake_cpu_ms_allowed_at_half_ping": round(2 * ping_ms, 2),
        "intake_cpu_ms_floor_web_stack_client_database": round(floor, 2),
    }


def _setup(agents: int) -> None:
    """In a subprocess: migrate, create nodes and print their tokens as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from apps.nodes.models import Node
    from apps.organizations.models import Organization
    from apps.samples import actions, partitions
    from spoguild import tokens

    organization = Organization.objects.create(name="Bench pools")
    issued = [tokens.issue("sga") for _ in range(agents)]
    Node.objects.bulk_create(
        Node(
            organization=organization,
            name=f"relay{index}",
            token_lookup=token.lookup,
            token_digest=token.digest,
        )
        for index, token in enumerate(issued)
    )
    today = datetime.now(UTC).date()
    partitions.ensure(today - timedelta(days=n) for n in range(1, 9))
    actions.prepare_partitions()
    print(json.dumps([token.plaintext for token in issued]))


if __name__ == "__main__":
    if sys.argv[1:2] == ["setup"]:
        _setup(int(sys.argv[2]))
    else:
        sys.exit(0 if main() else 1)
