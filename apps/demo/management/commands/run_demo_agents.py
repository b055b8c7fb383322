import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.demo import agents
from apps.demo.actions import (
    DEMO_INTERVAL_SECONDS,
    DEMO_NODES,
    DEMO_ORGANIZATION,
    ensure_demo_nodes,
)
from apps.nodes.models import Node
from apps.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Runs the real agent for each demo node against a simulated cardano-node, "
        "posting to the service's intake, until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--service-url",
            default=settings.SITE_URL,
            help="base URL of the running service (default: SITE_URL)",
        )
        parser.add_argument(
            "--interval", type=float, default=DEMO_INTERVAL_SECONDS, help="seconds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        # honcho and docker stop with SIGTERM; finish the running step cleanly.
        signal.signal(signal.SIGTERM, lambda *_args: stop.set())
        service_url, interval = options["service_url"], options["interval"]
        servers, demo_agents = self._prepare(service_url, interval)
        try:
            for demo_agent in demo_agents:
                demo_agent.thread = threading.Thread(
                    target=demo_agent.run, args=(stop,), name=demo_agent.node_name
                )
                demo_agent.thread.start()
            self.stdout.write(
                f"Demo agents running for {len(demo_agents)} nodes, sending to "
                f"{service_url} every {interval:g} s."
            )
            while not stop.wait(1):
                pass
        except KeyboardInterrupt:
            stop.set()
        finally:
            stop.set()
            for demo_agent in demo_agents:
                if demo_agent.thread is not None:
                    demo_agent.thread.join(timeout=15)
            for server in servers:
                server.stop()

    def _prepare(
        self, service_url: str, interval: float
    ) -> tuple[list[agents.MetricsServer], list[agents.DemoAgent]]:
        organization = Organization.objects.filter(name=DEMO_ORGANIZATION).first()
        if organization is None:
            raise CommandError("No demo organization: run `manage.py seed_demo` first.")
        ensure_demo_nodes(organization)
        spool_dir = Path(settings.DATA_DIR) / "demo-agents"
        now = datetime.now(UTC)
        servers, demo_agents = [], []
        for spec in DEMO_NODES:
            node = Node.objects.get(organization=organization, name=spec.name)
            server = agents.MetricsServer(spec.simulation, lambda: datetime.now(UTC))
            server.start()
            servers.append(server)
            demo_agents.append(
                agents.prepare(
                    node,
                    spec.simulation,
                    service_url=service_url,
                    metrics_url=server.url,
                    spool_dir=spool_dir,
                    interval=interval,
                    now=now,
                )
            )
        return servers, demo_agents
