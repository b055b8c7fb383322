"""Clients for the chain indexers SPO Guild reads: Blockfrost and Koios.

Both implement :class:`ChainSource` and return the dataclasses of
:mod:`apps.chain.sources.base`.
"""

from apps.chain.sources.base import ChainSource
from apps.chain.sources.blockfrost import BlockfrostSource
from apps.chain.sources.koios import KoiosSource

__all__ = ["BlockfrostSource", "ChainSource", "KoiosSource"]
