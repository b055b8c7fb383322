"""Which chain source each network is read from, as the settings choose.

``CHAIN_SOURCES`` (see ``spoguild/settings.py``) names Koios or Blockfrost per
network; the settings already refuse Blockfrost without a project id for the
networks in ``CHAIN_NETWORKS``, and this module refuses it for any other.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.chain.sources import BlockfrostSource, ChainSource, KoiosSource
from spoguild.http import CallCounter, calls


class RunCounter(CallCounter):
    """Counts one sync run's requests and passes each on to :data:`calls`.

    The run records its own count per day (``SourceUsage``); the process-wide
    counter keeps serving benchmarks and metrics.
    """

    def add(self, source: str) -> None:
        super().add(source)
        calls.add(source)


def synced_networks() -> list[str]:
    return list(settings.CHAIN_NETWORKS)


def source_for(network: str, counter: CallCounter = calls) -> ChainSource:
    """A new source for the network; each run makes its own, so a source that
    a quota stop disabled is not reused by the next run."""
    config = _config(network)
    base_url = config["base_url"] or None
    if config["source"] == "blockfrost":
        project_id = config["project_id"]
        if not project_id:
            raise ImproperlyConfigured(
                f"CHAIN_SOURCE_{network.upper()}=blockfrost needs "
                f"BLOCKFROST_PROJECT_ID_{network.upper()}."
            )
        return BlockfrostSource(project_id, network, base_url=base_url, counter=counter)
    return KoiosSource(
        network, base_url=base_url, bearer_token=settings.KOIOS_TOKEN, counter=counter
    )


def _config(network: str) -> dict[str, str | None]:
    try:
        config: dict[str, str | None] = settings.CHAIN_SOURCES[network]
    except KeyError:
        raise ImproperlyConfigured(
            f"No chain source is configured for {network!r}."
        ) from None
    return config
