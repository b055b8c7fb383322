"""The demo account and organization that ``make run`` starts with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction

from apps.accounts.models import User
from apps.demo.chain import ensure_demo_pools
from apps.demo.simulator import SimulatedNode
from apps.networks.constants import Network
from apps.nodes.actions import create_node
from apps.nodes.models import Node, NodeRole
from apps.organizations.actions import create_organization
from apps.organizations.models import Membership, Organization
from apps.organizations.roles import Role

DEMO_EMAIL = "admin@demo.spoguild.local"
DEMO_PASSWORD = "demo-admin-password"
DEMO_ORGANIZATION = "Demo Pool Operators (demo data)"
DEMO_MEMBER_EMAIL = "viewer@demo.spoguild.local"
# Shorter than the agent's default minute, so the demo's pages visibly move.
DEMO_INTERVAL_SECONDS = 15


@dataclass(frozen=True)
class DemoNode:
    name: str
    role: NodeRole
    simulation: SimulatedNode


DEMO_NODES = (
    DemoNode(
        "relay-1 (Frankfurt)",
        NodeRole.RELAY,
        SimulatedNode(
            seed="relay-1",
            network=Network.MAINNET,
            producer=False,
            generation="new-tracing",
            peers_in=31,
            peers_out=22,
            cpu=14,
            memory=66,
            disk=58,
        ),
    ),
    DemoNode(
        "relay-2 (Singapore)",
        NodeRole.RELAY,
        SimulatedNode(
            seed="relay-2",
            network=Network.MAINNET,
            producer=False,
            generation="legacy",
            peers_in=18,
            peers_out=20,
            cpu=19,
            memory=72,
            disk=63,
            stall_every=timedelta(hours=5),
            # One node a release behind, so the demo shows the version flag.
            release=("10.7.1", "045bc187a36ef0cbd236db902b85dd8f202fb059"),
        ),
    ),
    DemoNode(
        "bp-1 (block producer)",
        NodeRole.BLOCK_PRODUCER,
        SimulatedNode(
            seed="bp-1",
            network=Network.MAINNET,
            producer=True,
            generation="new-tracing",
            peers_in=2,
            peers_out=2,
            cpu=9,
            memory=61,
            disk=52,
            # Its disk fills in three weeks, so the demo shows a forecast.
            fills_in=timedelta(days=21),
        ),
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    organization: Organization
    created: bool


@transaction.atomic
def ensure_demo() -> DemoAccount:
    """Creates the demo admin and organization once; later runs change nothing."""
    admin, created = User.objects.get_or_create(
        email=DEMO_EMAIL,
        defaults={"name": "Demo admin", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=admin, email=DEMO_EMAIL, defaults={"verified": True, "primary": True}
    )
    organization = Organization.objects.filter(name=DEMO_ORGANIZATION).first()
    if organization is None:
        organization = create_organization(admin, DEMO_ORGANIZATION)
        viewer = User.objects.create_user(DEMO_MEMBER_EMAIL, None, name="Demo viewer")
        Membership.objects.create(
            organization=organization, user=viewer, role=Role.VIEWER
        )
    ensure_demo_pools(organization)
    ensure_demo_nodes(organization)
    return DemoAccount(DEMO_EMAIL, DEMO_PASSWORD, organization, created)


def ensure_demo_nodes(organization: Organization) -> list[Node]:
    """The demo's two relays and block producer, created once, marked as demo.

    Their first tokens are thrown away: the demo runner issues itself fresh
    ones when it starts, so no plaintext token is ever kept.
    """
    nodes = []
    for spec in DEMO_NODES:
        node = Node.objects.filter(organization=organization, name=spec.name).first()
        if node is None:
            node, _token = create_node(
                organization,
                name=spec.name,
                role=spec.role,
                network=spec.simulation.network,
                interval_seconds=DEMO_INTERVAL_SECONDS,
                grace_seconds=2 * DEMO_INTERVAL_SECONDS,
                is_demo=True,
            )
        nodes.append(node)
    return nodes
