"""The agent's memory and CPU on a server: ``spoguild-agent run`` at 30 s.

The real command runs in its own process against a local fake cardano-node
(the legacy metrics fixture) and a local fake service that acknowledges
every batch; it samples the real host through psutil. Two runs:

* at the production-like 30 s interval for ``BENCH_AGENT_SECONDS`` (default
  180 s, six cycles): RSS and CPU % of one core, measured directly;
* at a 1 s interval for 30 s: the CPU time of one cycle, which divided by 30
  gives the 30 s figure again from many more cycles.

Start-up (imports, first sample) is left out: the clock starts once the
service has received the first sample. Targets: RSS < 40 MB, CPU < 1 %.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psutil

from bench.results import record

ROOT = Path(__file__).resolve().parent.parent
METRICS = ROOT / "agent/tests/fixtures/sample-metrics-legacy.prom"
AGENT = Path(sys.executable).parent / "spoguild-agent"
PRODUCTION_INTERVAL = 30.0
FAST_INTERVAL = 1.0
FAST_SECONDS = 30.0
RSS_TARGET_MB = 40.0
CPU_TARGET_PERCENT = 1.0


class FakeWorld:
    """A cardano-node's /metrics and the service's intake, on 127.0.0.1."""

    def __init__(self) -> None:
        self.samples = 0
        self.arrived = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        world = self
        metrics = METRICS.read_bytes()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._reply(metrics, "text/plain")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                batch = json.loads(gzip.decompress(body))["samples"]
                world.samples += len(batch)
                if batch:
                    world.arrived.set()
                answer = {"accepted": len(batch), "duplicates": 0}
                self._reply(json.dumps(answer).encode(), "application/json")

            def _reply(self, body: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def run_agent(interval: float, seconds: float) -> dict[str, float]:
    """Runs ``spoguild-agent run`` for ``seconds`` after its first delivery."""
    world = FakeWorld()
    folder = Path(tempfile.mkdtemp(prefix="spoguild-agent-bench-"))
    config = _config(folder, world.url, interval)
    # The child keeps its own copy of the log's descriptor.
    with open(folder / "agent.log", "wb") as log:
        process = psutil.Popen(
            [str(AGENT), "run", "--config", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        if not world.arrived.wait(60):
            raise RuntimeError(f"the agent sent nothing; see {folder}")
        start_cpu, start = _cpu_seconds(process), time.monotonic()
        start_samples = world.samples
        peak_rss = 0
        while time.monotonic() - start < seconds:
            peak_rss = max(peak_rss, process.memory_info().rss)
            time.sleep(0.5)
        cpu = _cpu_seconds(process) - start_cpu
        wall = time.monotonic() - start
        cycles = world.samples - start_samples
    finally:
        process.terminate()
        process.wait(30)
        world.stop()
    return {
        "rss_mb": round(peak_rss / 2**20, 1),
        "cpu_percent": round(cpu / wall * 100, 3),
        "cpu_ms_per_cycle": round(cpu / max(cycles, 1) * 1000, 2),
        "cycles": cycles,
        "seconds": round(wall, 1),
    }


def _config(folder: Path, url: str, interval: float) -> Path:
    token = folder / "token"
    token.write_text("sga_benchmrk_not-a-real-token\n")
    token.chmod(0o600)
    config = folder / "agent.toml"
    config.write_text(
        f'service_url = "{url}"\n'
        f'token_file = "{token}"\n'
        f'metrics_url = "{url}/metrics"\n'
        f"interval = {interval}\n"
        f'spool_path = "{folder / "spool.db"}"\n'
        'log_level = "WARNING"\n'
    )
    return config


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def main() -> bool:
    seconds = float(os.environ.get("BENCH_AGENT_SECONDS", 180))
    steady = run_agent(PRODUCTION_INTERVAL, seconds)
    fast = run_agent(FAST_INTERVAL, FAST_SECONDS)
    derived = fast["cpu_ms_per_cycle"] / 1000 / PRODUCTION_INTERVAL * 100
    figures = {
        "rss_mb_at_30s": steady["rss_mb"],
        "cpu_percent_at_30s": steady["cpu_percent"],
        "cycles_at_30s": steady["cycles"],
        "seconds_at_30s": steady["seconds"],
        "cpu_ms_per_cycle_at_30s": steady["cpu_ms_per_cycle"],
        "cpu_ms_per_cycle_at_1s": fast["cpu_ms_per_cycle"],
        "cycles_at_1s": fast["cycles"],
        "rss_mb_at_1s": fast["rss_mb"],
        "cpu_percent_at_30s_from_1s_cycles": round(derived, 3),
    }
    passed = (
        max(steady["rss_mb"], fast["rss_mb"]) < RSS_TARGET_MB
        and max(steady["cpu_percent"], derived) < CPU_TARGET_PERCENT
    )
    targets = {
        "rss_mb": f"< {RSS_TARGET_MB:g}",
        "cpu_percent (one core, 30 s interval)": f"< {CPU_TARGET_PERCENT:g}",
    }
    record("agent_footprint", figures, targets, passed)
    return passed


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
