"""Keeping the chain tables current: network state, the pool directory and the
details of the pools people follow or look at.

Each module's functions take a :class:`~apps.chain.sources.ChainSource` and
write what it answers; :mod:`apps.chain.sync.runs` wraps them in a run that
respects a stopped source and records errors and calls; the Celery tasks in
:mod:`apps.chain.tasks` only pick the network and call a run.
"""
