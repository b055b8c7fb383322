from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.networks.constants import Network
from apps.organizations.models import Organization, TenantQuerySet

AGENT_TOKEN_KIND = "sga"


class NodeRole(models.TextChoices):
    RELAY = "relay", _("Relay")
    BLOCK_PRODUCER = "block_producer", _("Block producer")


class NodeStatus(models.TextChoices):
    """Heartbeat-style status, judged from the newest sample's timestamp."""

    NEW = "new", _("Waiting for the first sample")
    UP = "up", _("Up")
    LATE = "late", _("Late")
    DOWN = "down", _("Down")


class NodeQuerySet(TenantQuerySet):
    pass


class Node(models.Model):
    """A relay or block producer an organization runs, watched through its agent.

    The agent authenticates with the node's own token (only its hash is kept).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="nodes"
    )
    name = models.CharField(_("name"), max_length=100)
    network = models.CharField(
        _("network"), max_length=16, choices=Network.choices, default=Network.MAINNET
    )
    role = models.CharField(
        _("role"), max_length=16, choices=NodeRole.choices, default=NodeRole.RELAY
    )
    pool_id = models.CharField(
        _("pool id"), max_length=64, blank=True, help_text=_("bech32 pool1… id, if any")
    )
    interval_seconds = models.PositiveIntegerField(
        _("expected interval (s)"), default=60
    )
    grace_seconds = models.PositiveIntegerField(_("grace (s)"), default=120)
    down_after_seconds = models.PositiveIntegerField(
        _("down after (s)"), default=600, help_text=_("silence after which it is down")
    )
    token_lookup = models.CharField(max_length=16, unique=True, null=True, blank=True)
    token_digest = models.CharField(max_length=64, blank=True)
    token_created_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(
        default=False, help_text=_("fed by the simulated node of the demo")
    )
    # A refused sample never arrives, so its reason is kept here for the
    # operator: a wrong clock or an old agent would otherwise look like silence.
    last_refusal = models.CharField(
        max_length=300, blank=True, help_text=_("why the intake last refused a batch")
    )
    last_refusal_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NodeQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="node_name_unique_in_org"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def token_prefix(self) -> str:
        return f"{AGENT_TOKEN_KIND}_{self.token_lookup}" if self.token_lookup else ""

    @property
    def last_sample_at(self) -> datetime | None:
        """The newest sample's own timestamp, from the node's latest state.

        Its own ts, not its arrival time, so a backlog sent after an outage
        does not make a dead node look up. Load lists with
        ``select_related("state")``: without it this reads the state row.
        """
        # A missing reverse one-to-one raises an AttributeError subclass.
        state = getattr(self, "state", None)
        return None if state is None else state.ts

    def status(self, now: datetime | None = None) -> NodeStatus:
        if self.last_sample_at is None:
            return NodeStatus.NEW
        age = (now or timezone.now()) - self.last_sample_at
        if age <= timedelta(seconds=self.interval_seconds + self.grace_seconds):
            return NodeStatus.UP
        # Late lasts at least one more interval, so a long interval still
        # shows late (one sample missed) before down.
        down_after = max(
            self.down_after_seconds, 2 * self.interval_seconds + self.grace_seconds
        )
        if age <= timedelta(seconds=down_after):
            return NodeStatus.LATE
        return NodeStatus.DOWN
