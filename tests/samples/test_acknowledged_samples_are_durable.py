"""What the intake acknowledges survives a crash or a power loss of the server."""

from __future__ import annotations

import pytest
from django.db import connection

FULL = 2  # PRAGMA synchronous answers with a number


def test_sqlite_syncs_each_commit_to_disk_before_it_returns(db) -> None:
    # Given the embedded setup's SQLite database
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL makes commits durable by default")

    # When its connection is asked how it syncs
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]

    # Then a commit waits for the disk, in WAL mode too
    assert synchronous == FULL
