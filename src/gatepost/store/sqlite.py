"""The SQLite event store: one local file, stdlib sqlite3 (DESIGN §5, local mode).

Durability: WAL journal with ``synchronous=NORMAL``. An append that returned has been committed:
it survives the process crashing or being killed, and readers (other processes too) see it. On
power loss or an OS crash the most recent commits may be rolled back, but the file and the hash
chain stay consistent (no torn transaction). Pass ``synchronous="FULL"`` to fsync every commit.

Writers serialize on SQLite's write lock (``BEGIN IMMEDIATE``, waiting up to ``busy_timeout``
seconds), so several hook processes appending to one file keep one chain. One connection per
store object, guarded by a lock, so a store may be shared between threads.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from gatepost.errors import StoreError
from gatepost.evidence.event import GENESIS_HASH
from gatepost.store.base import time_micros
from gatepost.store.migrations import Migration, migrate
from gatepost.store.sql import COLUMNS, Dialect, SqlStore

SQLITE_MIGRATIONS = (
    Migration(
        1,
        "events and checkpoints",
        (
            # seq is the rowid (INTEGER PRIMARY KEY): chain order is the table's own order and
            # costs no extra index; id is UNIQUE, which is the key get() and append() look up.
            """CREATE TABLE events (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                doc TEXT NOT NULL,
                ts INTEGER NOT NULL,
                user_id TEXT NOT NULL,
                user_groups TEXT NOT NULL,
                host_id TEXT NOT NULL,
                repository TEXT NOT NULL,
                agent TEXT NOT NULL,
                session TEXT NOT NULL,
                kind TEXT NOT NULL,
                verdict TEXT NOT NULL,
                pack TEXT NOT NULL,
                rule TEXT NOT NULL,
                mode TEXT NOT NULL,
                search TEXT NOT NULL
            )""",
            "CREATE INDEX events_ts ON events (ts, seq)",
            "CREATE INDEX events_session ON events (session, ts, seq)",
            "CREATE INDEX events_user ON events (user_id, ts)",
            "CREATE INDEX events_host ON events (host_id, ts)",
            "CREATE INDEX events_repository ON events (repository, ts)",
            "CREATE INDEX events_agent ON events (agent, ts)",
            "CREATE INDEX events_kind ON events (kind, ts)",
            "CREATE INDEX events_verdict ON events (verdict, rule, mode, ts)",
            "CREATE INDEX events_rule ON events (rule, ts)",
            "CREATE INDEX events_pack ON events (pack, ts)",
            """CREATE TABLE checkpoints (
                seq INTEGER PRIMARY KEY,
                hash TEXT NOT NULL,
                time TEXT NOT NULL,
                signature TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "raw evidence and content retention",
        (
            # the digest the chain holds for an event's content once retention removed it
            "ALTER TABLE events ADD COLUMN content_digest TEXT NOT NULL DEFAULT ''",
            """CREATE TABLE raw_evidence (
                event_id TEXT PRIMARY KEY,
                created_at INTEGER NOT NULL,
                nonce BLOB NOT NULL,
                ciphertext BLOB NOT NULL,
                key_id TEXT NOT NULL
            )""",
            "CREATE INDEX raw_evidence_created ON raw_evidence (created_at)",
        ),
    ),
    Migration(
        3,
        "one index for agent and kind",
        (
            # two low-cardinality indexes cost every append more than their queries gain; one
            # (agent, kind, ts) index still covers counting by either and filtering by agent
            "DROP INDEX events_agent",
            "DROP INDEX events_kind",
            "CREATE INDEX events_agent_kind ON events (agent, kind, ts)",
        ),
    ),
)

_INSERT = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_ID_CHUNK = 500  # ids per "IN (...)" lookup, under every SQLite's parameter limit


def _groups_param(groups: tuple[str, ...]) -> str:
    # "\x1fa\x1fb\x1f": a group matches with instr() on "\x1f<group>\x1f"
    return "\x1f" + "\x1f".join(g.replace("\x1f", "\ufffd") for g in groups) + "\x1f"


def _time_param(moment: datetime) -> int:
    return time_micros(moment)


def _encode_doc(canonical: str) -> str:
    return canonical  # ASCII JSON text, exactly what the hash covers


def _decode_doc(doc: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(doc)
    return data


SQLITE_DIALECT = Dialect(
    time_param=_time_param,
    groups_param=_groups_param,
    group_match="instr(user_groups, char(31) || ? || char(31)) > 0",
    text_match="instr(search, ?) > 0",
    day="strftime('%Y-%m-%d', ts / 1000000, 'unixepoch')",
    encode_doc=_encode_doc,
    decode_doc=_decode_doc,
)


class SQLiteStore(SqlStore):
    dialect = SQLITE_DIALECT

    def __init__(
        self, path: str | os.PathLike[str], *, synchronous: str = "NORMAL", busy_timeout: float = 10
    ) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        if synchronous.upper() not in ("NORMAL", "FULL", "EXTRA"):
            raise StoreError(f"synchronous must be NORMAL, FULL or EXTRA, got {synchronous!r}")
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                if not os.path.exists(self.path):
                    os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            self._conn = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open SQLite store {self.path}: {exc}") from None
        try:
            self._configure(synchronous.upper())
            migrate(_Target(self), SQLITE_MIGRATIONS, where=f"SQLite store {self.path}")
        except StoreError:
            self._conn.close()
            raise

    def _configure(self, synchronous: str) -> None:
        with self._errors("open"):
            self._conn.execute("PRAGMA page_size=8192")  # a new file only; events are ~2 KB
            mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal" and self.path != ":memory:":
                raise StoreError(f"SQLite store {self.path}: cannot use WAL (journal mode {mode})")
            self._conn.execute(f"PRAGMA synchronous={synchronous}")
            self._conn.execute("PRAGMA cache_size=-65536")  # 64 MiB
            # Checkpoint the WAL into the database every 32 MiB rather than 8: fewer fsyncs,
            # and index pages written by many appends are copied once.
            self._conn.execute("PRAGMA wal_autocheckpoint=4096")
            self._conn.execute(f"PRAGMA journal_size_limit={64 << 20}")
            self._conn.execute("PRAGMA temp_store=MEMORY")

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(f"SQLite store {self.path}: {doing} failed: {exc}") from None

    @contextmanager
    def _transaction(self, doing: str) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE (takes the write lock now) ... COMMIT, or ROLLBACK on any error."""
        with self._lock, self._errors(doing):
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    # -------------------------------------------------------------------- primitives

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock, self._errors("read"):
            return self._conn.execute(sql, params).fetchall()

    def _write(self, sql: str, params: Sequence[object] = ()) -> None:
        with self._transaction("write") as conn:
            conn.execute(sql, params)

    @contextmanager
    def _chain_transaction(self, doing: str = "append") -> Iterator[_ChainTx]:
        with self._transaction(doing) as conn:
            yield _ChainTx(conn)

    def close(self) -> None:
        with self._lock, self._errors("close"):
            self._conn.close()


class _ChainTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def head(self) -> tuple[int, str]:
        row = self._conn.execute(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS_HASH)

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), _ID_CHUNK):
            chunk = ids[i : i + _ID_CHUNK]
            sql = f"SELECT id FROM events WHERE id IN ({', '.join('?' * len(chunk))})"
            found.update(row[0] for row in self._conn.execute(sql, chunk))
        return found

    def insert(self, rows: Sequence[tuple[object, ...]]) -> None:
        self._conn.executemany(_INSERT, rows)

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, params).fetchall()


class _Target:
    """The migration target: schema_migrations under SQLite's write lock."""

    def __init__(self, store: SQLiteStore) -> None:
        self._store = store
        self._conn: sqlite3.Connection | None = None

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._store._transaction("migrate") as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            self._conn = conn
            try:
                yield
            finally:
                self._conn = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("migration step outside its transaction")
        return self._conn

    def applied(self) -> set[int]:
        return {
            row[0] for row in self._connection().execute("SELECT version FROM schema_migrations")
        }

    def apply(self, migration: Migration) -> None:
        conn = self._connection()
        for statement in migration.statements:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) "
            "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            (migration.version, migration.name),
        )
