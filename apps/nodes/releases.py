"""Whether a node's cardano-node is current, outdated or below the required minimum.

The thresholds are two settings, ``NODE_RELEASE_MINIMUM`` and
``NODE_RELEASE_LATEST``. Their defaults come from a snapshot of the
IntersectMBO/cardano-node tags taken 2026-07-23 (the reference's
node-releases/NOTES.md and cardano-node-tags.tsv):

- 10.7.0, the minimum: ``MinNodeVersion`` in the official mainnet config on
  master (2026-03-24). The node's own configuration names it as the minimum,
  so it is the stricter and newer bar than 10.1.4, the version the Plomin
  (PV10) release notes required of every stake pool and relay in 2025.
- 11.0.1, the latest: the newest release tag (2026-05-04).

The same thresholds apply to every network: the reference holds no
testnet-specific minimum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

# cardano-node reports three numbers, but some releases have only two
# ("10.2"): the patch is then 0. A tag may add a pre-release suffix
# ("10.5.3-rc1"). Anything else is not a version we can compare.
_LABEL = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?(-[0-9A-Za-z.-]+)?")


class Version(NamedTuple):
    major: int
    minor: int
    patch: int
    # A pre-release sorts before its release, as in semantic versioning.
    is_release: bool = True


def parse_version(label: str | None) -> Version | None:
    """The version in a label such as "10.5.3", "10.2" or "10.5.3-rc1", else None."""
    match = _LABEL.fullmatch((label or "").strip())
    if match is None:
        return None

    major, minor, patch, suffix = match.groups()
    return Version(int(major), int(minor), int(patch or 0), is_release=suffix is None)


class VersionLevel(models.TextChoices):
    CURRENT = "current", _("current")
    OUTDATED = "outdated", _("outdated")
    BELOW_MINIMUM = "below_minimum", _("below minimum")
    UNKNOWN = "unknown", _("unknown")


@dataclass(frozen=True)
class VersionStatus:
    """A node's version judged against the newest release and the minimum."""

    level: VersionLevel
    latest: str
    minimum: str

    @property
    def label(self) -> str:
        return str(self.level.label)

    @property
    def upgrade_to(self) -> str | None:
        """The release that clears the flag: the newest, also below the minimum."""
        if self.level in (VersionLevel.OUTDATED, VersionLevel.BELOW_MINIMUM):
            return self.latest
        return None


def version_status(label: str | None) -> VersionStatus:
    """Judges a reported version; see the module docstring for the thresholds.

    Below the minimum when older than ``NODE_RELEASE_MINIMUM``, outdated when
    older than ``NODE_RELEASE_LATEST``, current otherwise; unknown when the
    label holds no version.
    """
    latest, minimum = settings.NODE_RELEASE_LATEST, settings.NODE_RELEASE_MINIMUM
    version = parse_version(label)
    if version is None:
        level = VersionLevel.UNKNOWN
    elif version < _setting_version("NODE_RELEASE_MINIMUM", minimum):
        level = VersionLevel.BELOW_MINIMUM
    elif version < _setting_version("NODE_RELEASE_LATEST", latest):
        level = VersionLevel.OUTDATED
    else:
        level = VersionLevel.CURRENT
    return VersionStatus(level=level, latest=latest, minimum=minimum)


# Keyed on the value, so an overridden setting is parsed anew, but a list of
# a thousand nodes parses each threshold once.
@lru_cache(maxsize=8)
def _setting_version(name: str, value: str) -> Version:
    # The settings module validates both at startup; this guards overrides.
    version = parse_version(value)
    if version is None:
        raise ImproperlyConfigured(f"{name}={value!r} is not a release number.")
    return version
