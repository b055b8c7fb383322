"""The durable spool: an SQLite file holding samples until the service has them.

Samples go in before any send is attempted and leave only when the service
acknowledged them, so a crash, a reboot or a long outage loses nothing but
what the size bound drops (oldest first, counted). The same file keeps the
agent's small persistent state: counters and the node process's identity.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ._exceptions import SpoolError

__all__ = [
    "DEFAULT_SPOOL_MAX_SAMPLES",
    "MemoryStore",
    "Spool",
    "SpooledSample",
    "StateStore",
    "spool_status",
]

logger = logging.getLogger(__name__)

SPOOL_DAYS = 7
"""How long an outage the spool rides out by default, at any interval."""
DEFAULT_SPOOL_MAX_SAMPLES = SPOOL_DAYS * 24 * 60
"""Seven days of samples at the default 60 s interval."""


def spool_bound_for(interval: float) -> int:
    """The default bound: at least seven days of samples at ``interval`` seconds.

    Never below the bound of the default 60 s interval, so a slow interval
    keeps more than seven days rather than a handful of samples.
    """
    return max(DEFAULT_SPOOL_MAX_SAMPLES, math.ceil(SPOOL_DAYS * 86400 / interval))


QUARANTINE_KEEP = 100

_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    body TEXT NOT NULL,
    reason TEXT NOT NULL,
    quarantined_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class StateStore(Protocol):
    """Small persistent key/value state; the spool is the real one."""

    def get_state(self, key: str) -> Any: ...

    def set_state(self, key: str, value: Any) -> None: ...

    def add_counter(self, key: str, amount: int) -> int: ...


class MemoryStore:
    """A ``StateStore`` that forgets everything on exit (for ``check``)."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def get_state(self, key: str) -> Any:
        return self._values.get(key)

    def set_state(self, key: str, value: Any) -> None:
        self._values[key] = value

    def add_counter(self, key: str, amount: int) -> int:
        total = int(self._values.get(key) or 0) + amount
        self._values[key] = total
        return total


@dataclass(frozen=True)
class SpooledSample:
    id: int
    ts: str
    body: str


class Spool:
    """Samples waiting for delivery, oldest first, bounded in number."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_samples: int = DEFAULT_SPOOL_MAX_SAMPLES,
    ) -> None:
        if max_samples < 1:
            raise ValueError("max_samples must be at least 1")
        self.path = Path(path)
        self.max_samples = max_samples
        self._conn = _open(self.path)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def append(self, ts: str, body: str) -> int:
        """Store one sample; return how many old ones the bound pushed out."""
        with self._transaction() as conn:
            conn.execute("INSERT INTO samples (ts, body) VALUES (?, ?)", (ts, body))
            excess = self._count(conn) - self.max_samples
            if excess <= 0:
                return 0
            conn.execute(
                "DELETE FROM samples WHERE id IN"
                " (SELECT id FROM samples ORDER BY id LIMIT ?)",
                (excess,),
            )
            self._add(conn, "dropped_samples", excess)

        logger.warning(
            "spool full (%d samples): dropped the %d oldest", self.max_samples, excess
        )
        return excess

    def peek(self, limit: int) -> list[SpooledSample]:
        """The oldest ``limit`` samples, left in place."""
        rows = self._query(
            "SELECT id, ts, body FROM samples ORDER BY id LIMIT ?", (limit,)
        )
        return [SpooledSample(int(row[0]), str(row[1]), str(row[2])) for row in rows]

    def delete(self, ids: Sequence[int]) -> None:
        """Forget samples the service acknowledged."""
        with self._transaction() as conn:
            conn.executemany("DELETE FROM samples WHERE id = ?", [(i,) for i in ids])

    def quarantine(self, samples: Sequence[SpooledSample], reason: str) -> None:
        """Move samples the service refused aside, keeping the latest few."""
        now = time.time()
        with self._transaction() as conn:
            conn.executemany(
                "INSERT INTO quarantine (ts, body, reason, quarantined_at)"
                " VALUES (?, ?, ?, ?)",
                [(s.ts, s.body, reason, now) for s in samples],
            )
            conn.executemany(
                "DELETE FROM samples WHERE id = ?", [(s.id,) for s in samples]
            )
            conn.execute(
                "DELETE FROM quarantine WHERE id NOT IN"
                " (SELECT id FROM quarantine ORDER BY id DESC LIMIT ?)",
                (QUARANTINE_KEEP,),
            )
            self._add(conn, "rejected_samples", len(samples))

    def quarantined(self) -> list[tuple[str, str]]:
        """(ts, reason) of the quarantined samples, oldest first."""
        rows = self._query("SELECT ts, reason FROM quarantine ORDER BY id", ())
        return [(str(row[0]), str(row[1])) for row in rows]

    def count(self) -> int:
        with self._transaction() as conn:
            return self._count(conn)

    def has_pending(self) -> bool:
        return bool(self._query("SELECT 1 FROM samples LIMIT 1", ()))

    def counter(self, key: str) -> int:
        return int(self.get_state(key) or 0)

    def get_state(self, key: str) -> Any:
        rows = self._query("SELECT value FROM state WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else None

    def set_state(self, key: str, value: Any) -> None:
        with self._transaction() as conn:
            self._set(conn, key, value)

    def add_counter(self, key: str, amount: int) -> int:
        with self._transaction() as conn:
            return self._add(conn, key, amount)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._conn:
                yield self._conn
        except sqlite3.Error as exc:
            raise SpoolError(f"spool {self.path}: {exc}") from exc

    def _query(self, sql: str, params: tuple[object, ...]) -> list[Any]:
        with self._transaction() as conn:
            return conn.execute(sql, params).fetchall()

    @staticmethod
    def _count(conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT COUNT(*) FROM samples").fetchone()[0])

    @staticmethod
    def _set(conn: sqlite3.Connection, key: str, value: Any) -> None:
        conn.execute(
            "INSERT INTO state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    @classmethod
    def _add(cls, conn: sqlite3.Connection, key: str, amount: int) -> int:
        row = conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        total = (int(json.loads(row[0])) if row else 0) + amount
        cls._set(conn, key, total)
        return total


def spool_status(path: str | os.PathLike[str]) -> dict[str, int]:
    """Counts from a spool, read only; for ``check``, which may run as root."""
    file = Path(path)
    if not file.exists():
        if not os.access(_nearest_existing(file.parent), os.W_OK):
            raise SpoolError(f"spool {file}: cannot create it here (permission denied)")
        return {"spooled": 0, "dropped_samples": 0, "rejected_samples": 0}

    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            spooled = conn.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
            rows = dict(conn.execute("SELECT key, value FROM state").fetchall())
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise SpoolError(f"spool {file}: {exc}") from exc
    return {
        "spooled": int(spooled),
        "dropped_samples": int(json.loads(rows.get("dropped_samples", "0"))),
        "rejected_samples": int(json.loads(rows.get("rejected_samples", "0"))),
    }


def _nearest_existing(directory: Path) -> Path:
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent
    return directory


def _open(path: Path) -> sqlite3.Connection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _connect(path)
    except sqlite3.DatabaseError as exc:
        if not path.exists() or "not a database" not in str(exc):
            raise SpoolError(f"spool {path}: {exc}") from exc
    except OSError as exc:
        raise SpoolError(f"spool {path}: {exc}") from exc

    # An unreadable file would stop the agent for good; keep it for
    # inspection and start afresh, losing only what it held.
    aside = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
    logger.error("spool %s is not a database; moved it to %s", path, aside)
    try:
        path.rename(aside)
        return _connect(path)
    except (OSError, sqlite3.Error) as exc:
        raise SpoolError(f"spool {path}: {exc}") from exc


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level="DEFERRED")
    try:
        # The spool promises that a sample, once appended, is not lost. With
        # WAL, NORMAL syncs only at checkpoints, so a power loss could undo
        # the last commits; FULL syncs the WAL at each commit, a few small
        # writes a minute, which even an SD card takes in its stride.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(_SCHEMA)
    except sqlite3.Error:
        conn.close()
        raise
    return conn
