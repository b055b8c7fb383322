from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from apps.nodes.models import Node
from apps.organizations.models import Organization

# bech32: "pool", the separator 1, 45 characters for the 28-byte hash and a
# 6-character checksum (the checksum itself is verified where pools are claimed).
POOL_ID = re.compile(r"pool1[02-9ac-hj-np-z]{51}")


class NodeForm(forms.ModelForm[Node]):
    """Registers or changes a node; names are unique within the organization."""

    class Meta:
        model = Node
        fields = [
            "name",
            "network",
            "role",
            "pool_id",
            "interval_seconds",
            "grace_seconds",
            "down_after_seconds",
        ]
        help_texts = {
            "name": _("How your team calls it, e.g. relay-1 (Frankfurt)."),
            "pool_id": _("Optional: the bech32 id (pool1…) of the pool it serves."),
            "interval_seconds": _(
                "Seconds between the agent's samples; match `interval` in agent.toml."
            ),
            "grace_seconds": _("Extra silence tolerated before the node is late."),
            "down_after_seconds": _(
                "Silence after which a late node counts as down (at least two"
                " intervals plus the grace)."
            ),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        _bound(self.fields["interval_seconds"], 10, 3600)
        _bound(self.fields["grace_seconds"], 0, 3600)
        _bound(self.fields["down_after_seconds"], 60, 86400)
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = Node.objects.filter(organization=self.organization, name=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("This organization already has a node so named."))
        return name

    def clean_pool_id(self) -> str:
        pool_id: str = self.cleaned_data["pool_id"].strip().lower()
        if pool_id and not POOL_ID.fullmatch(pool_id):
            raise ValidationError(_("A pool id is 56 characters starting with pool1."))
        return pool_id


def _bound(field: forms.Field, low: int, high: int) -> None:
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update(min=low, max=high)
