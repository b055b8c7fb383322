"""The on-disk spool: order, bound, counters, quarantine, survival."""

from __future__ import annotations

from pathlib import Path

import pytest

from spoguild_agent import Spool, SpoolError


def _fill(spool: Spool, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        spool.append(f"2025-06-01T00:{i // 60:02d}:{i % 60:02d}Z", f'{{"n":{i}}}')


def test_it_hands_out_samples_oldest_first(spool: Spool) -> None:
    _fill(spool, 5)

    batch = spool.peek(3)

    assert [s.body for s in batch] == ['{"n":0}', '{"n":1}', '{"n":2}']
    assert spool.count() == 5


def test_deleted_samples_are_gone_and_the_rest_keep_their_order(spool: Spool) -> None:
    _fill(spool, 5)

    spool.delete([s.id for s in spool.peek(2)])

    assert [s.body for s in spool.peek(10)] == ['{"n":2}', '{"n":3}', '{"n":4}']


def test_a_full_spool_drops_the_oldest_and_counts_them(tmp_path: Path) -> None:
    with Spool(tmp_path / "spool.db", max_samples=3) as spool:
        _fill(spool, 3)

        dropped = spool.append("2025-06-01T01:00:00Z", '{"n":99}')
        _fill(spool, 2, start=10)

        assert dropped == 1
        assert [s.body for s in spool.peek(10)] == ['{"n":99}', '{"n":10}', '{"n":11}']
        assert spool.counter("dropped_samples") == 3


def test_samples_and_counters_survive_a_restart(tmp_path: Path) -> None:
    with Spool(tmp_path / "spool.db", max_samples=2) as spool:
        _fill(spool, 3)
        spool.set_state("node_process", {"pid": 42, "create_time": 1.5})

    with Spool(tmp_path / "spool.db", max_samples=2) as spool:
        assert spool.count() == 2
        assert spool.counter("dropped_samples") == 1
        assert spool.get_state("node_process") == {"pid": 42, "create_time": 1.5}


def test_each_append_is_synced_to_disk_before_it_returns(spool: Spool) -> None:
    # A power loss cannot be simulated here; what decides whether a
    # committed sample survives one is the connection's synchronous level.
    conn = spool._conn

    journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    synchronous = conn.execute("PRAGMA synchronous").fetchone()[0]

    assert journal == "wal"
    assert synchronous == 2  # FULL: the WAL is fsynced at every commit


def test_quarantine_moves_samples_aside_and_counts_them(spool: Spool) -> None:
    _fill(spool, 3)
    bad = spool.peek(2)[1:]

    spool.quarantine(bad, "HTTP 400: bad ts")

    assert [s.body for s in spool.peek(10)] == ['{"n":0}', '{"n":2}']
    assert spool.quarantined() == [("2025-06-01T00:00:01Z", "HTTP 400: bad ts")]
    assert spool.counter("rejected_samples") == 1


def test_the_default_bound_holds_seven_days_at_one_minute(tmp_path: Path) -> None:
    with Spool(tmp_path / "spool.db") as spool:
        assert spool.max_samples >= 7 * 24 * 60


def test_a_corrupt_file_is_set_aside_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "spool.db"
    path.write_bytes(b"this is not sqlite" * 100)

    with Spool(path) as spool:
        spool.append("2025-06-01T00:00:00Z", "{}")
        assert spool.count() == 1

    assert len(list(tmp_path.glob("spool.db.corrupt-*"))) == 1


def test_an_unusable_path_raises_a_spool_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")

    with pytest.raises(SpoolError, match="spool"):
        Spool(blocker / "spool.db")
