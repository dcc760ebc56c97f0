"""The PostgreSQL event store: psycopg 3, JSONB documents, one chain for every writer.

Appends take ``pg_advisory_xact_lock`` (a key per schema) before reading the head, so any number
of processes and replicas appending to one schema keep one gap-free chain; the lock is released
at commit. An append that returned has been committed (with the server's ``synchronous_commit``,
on by default, that means flushed to the server's WAL). The schema is the connection's
``search_path`` (e.g. ``postgresql://host/db?options=-csearch_path%3Dgatepost``).

JSONB cannot hold everything JSON text can: it refuses NUL characters and lone surrogates, and
writes floats such as 1e+16 as integers and -0.0 as 0. The hash chain needs every event back
exactly as written, so the few documents with such values are stored with those strings and
numbers escaped (see ``encode_doc``), and unescaped on reading.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from gatepost.errors import StoreError
from gatepost.evidence.event import GENESIS_HASH
from gatepost.store.migrations import Migration, migrate
from gatepost.store.sql import COLUMNS, Dialect, SqlStore

_TEXT = 'text COLLATE "C" NOT NULL'  # byte order, as SQLite and Python compare
POSTGRES_MIGRATIONS = (
    Migration(
        1,
        "events and checkpoints",
        (
            f"""CREATE TABLE events (
                id {_TEXT} PRIMARY KEY,
                seq bigint NOT NULL UNIQUE,
                prev_hash text NOT NULL,
                hash text NOT NULL,
                doc jsonb NOT NULL,
                ts timestamptz NOT NULL,
                user_id {_TEXT},
                user_groups text[] NOT NULL,
                host_id {_TEXT},
                repository {_TEXT},
                agent {_TEXT},
                session {_TEXT},
                kind {_TEXT},
                verdict {_TEXT},
                pack {_TEXT},
                rule {_TEXT},
                mode {_TEXT},
                search text NOT NULL
            )""",
            "CREATE INDEX events_ts ON events (ts, seq)",
            "CREATE INDEX events_session ON events (session, ts, seq)",
            "CREATE INDEX events_user ON events (user_id, ts)",
            "CREATE INDEX events_groups ON events USING gin (user_groups)",
            "CREATE INDEX events_host ON events (host_id, ts)",
            "CREATE INDEX events_repository ON events (repository, ts)",
            "CREATE INDEX events_agent ON events (agent, ts)",
            "CREATE INDEX events_kind ON events (kind, ts)",
            "CREATE INDEX events_verdict ON events (verdict, rule, mode, ts)",
            "CREATE INDEX events_rule ON events (rule, ts)",
            "CREATE INDEX events_pack ON events (pack, ts)",
            """CREATE TABLE checkpoints (
                seq bigint PRIMARY KEY,
                hash text NOT NULL,
                time text NOT NULL,
                signature text NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "raw evidence and content retention",
        (
            # the digest the chain holds for an event's content once retention removed it
            "ALTER TABLE events ADD COLUMN content_digest text NOT NULL DEFAULT ''",
            f"""CREATE TABLE raw_evidence (
                event_id {_TEXT} PRIMARY KEY,
                created_at timestamptz NOT NULL,
                nonce bytea NOT NULL,
                ciphertext bytea NOT NULL,
                key_id text NOT NULL
            )""",
            "CREATE INDEX raw_evidence_created ON raw_evidence (created_at)",
        ),
    ),
    Migration(
        3,
        "one index for agent and kind",
        (
            # as in SQLite: one (agent, kind, ts) index in place of two low-cardinality ones
            "DROP INDEX events_agent",
            "DROP INDEX events_kind",
            "CREATE INDEX events_agent_kind ON events (agent, kind, ts)",
        ),
    ),
)

_COPY = f"COPY events ({', '.join(COLUMNS)}) FROM STDIN"

# ---------------------------------------------------------------------------- exact JSONB
# Escaped strings: U+E000 (private use) followed by 4 hex digits stands for that character;
# U+E000 "~" followed by a float's repr stands for that float. Every U+E000 of the original
# text is itself escaped, so the escaped form is unambiguous.
_MARK = "\ue000"
_RISKY = re.compile(r"\\u(?:0000|d[89a-f][0-9a-f]{2}|e000)|-0\.0|\de\+")  # in canonical JSON
_BAD_CHAR = re.compile("[\x00\ud800-\udfff\ue000]")
_ESCAPED_CHAR = re.compile("\ue000([0-9a-f]{4})")


def encode_doc(canonical: str) -> str:
    """JSON text for the doc column: ``canonical`` itself unless JSONB would change it."""
    if not _RISKY.search(canonical):
        return canonical
    data = json.loads(canonical)
    escaped = _escape(data)
    if escaped == data:
        return canonical  # false alarm, e.g. an emoji's surrogate pair or "-0.0" in a string
    return json.dumps(escaped, separators=(",", ":"), allow_nan=False)


def decode_doc(text: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    return _unescape(data) if _MARK in text else data


def _escape(value: Any) -> Any:
    if isinstance(value, str):
        return _BAD_CHAR.sub(lambda m: f"{_MARK}{ord(m.group()):04x}", value)
    if isinstance(value, float):
        exact = abs(value) < 1e16 and not (value == 0 and str(value).startswith("-"))
        return value if exact else f"{_MARK}~{value!r}"
    if isinstance(value, dict):
        return {_escape(k): _escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape(v) for v in value]
    return value


def _unescape(value: Any) -> Any:
    if isinstance(value, str):
        if value.startswith(_MARK + "~"):
            return float(value[2:])
        return _ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1), 16)), value)
    if isinstance(value, dict):
        return {_unescape(k): _unescape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unescape(v) for v in value]
    return value


def _time_param(moment: datetime) -> datetime:
    return moment


def _groups_param(groups: tuple[str, ...]) -> list[str]:
    return list(groups)


POSTGRES_DIALECT = Dialect(
    time_param=_time_param,
    groups_param=_groups_param,
    group_match="user_groups @> ARRAY[?]::text[]",
    text_match="strpos(search, ?) > 0",
    day="to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    encode_doc=encode_doc,
    decode_doc=decode_doc,
    doc_select="doc::text",
)


def _lock_key(schema: str, purpose: str) -> int:
    digest = hashlib.sha256(f"gatepost:{purpose}:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresStore(SqlStore):
    dialect = POSTGRES_DIALECT

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        self.url = url
        try:
            params = conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StoreError(f"invalid PostgreSQL url: {exc}") from None
        host, port = params.get("host", "localhost"), params.get("port", "5432")
        self.where = f"{host}:{port}/{params.get('dbname', '')}"
        self._connect_timeout = None if "connect_timeout" in params else connect_timeout
        self._lock = threading.Lock()
        self._closed = False
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        with self._lock:
            conn = self._connection()
            with self._errors("open"):
                row = conn.execute("SELECT current_schema()").fetchone()
            if row is None or row[0] is None:
                raise StoreError(f"PostgreSQL store {self.where}: no schema in the search_path")
        self.schema = str(row[0])
        self._chain_key = _lock_key(self.schema, "events")
        self._migration_key = _lock_key(self.schema, "migrations")
        try:
            migrate(_Target(self), POSTGRES_MIGRATIONS, where=f"PostgreSQL store {self.where}")
        except StoreError:
            self.close()
            raise

    def _connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        """The connection, (re)opened when needed; call with the lock held."""
        if self._closed:
            raise StoreError(f"PostgreSQL store {self.where} is closed")
        if self._conn is None or self._conn.closed or self._conn.broken:
            try:
                if self._connect_timeout is None:
                    self._conn = psycopg.connect(self.url, autocommit=True)
                else:
                    self._conn = psycopg.connect(
                        self.url, autocommit=True, connect_timeout=self._connect_timeout
                    )
            except psycopg.Error as exc:
                raise StoreError(f"cannot connect to PostgreSQL at {self.where}: {exc}") from None
        return self._conn

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as exc:
            message = str(exc).strip() or type(exc).__name__
            raise StoreError(f"PostgreSQL store {self.where}: {doing} failed: {message}") from None

    @contextmanager
    def _locked_transaction(self, key: int, doing: str) -> Iterator[psycopg.Connection[Any]]:
        with self._lock:
            conn = self._connection()
            with self._errors(doing), conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
                yield conn

    # -------------------------------------------------------------------- primitives

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            conn = self._connection()
            with self._errors("read"):
                return conn.execute(sql.replace("?", "%s"), params).fetchall()

    def _write(self, sql: str, params: Sequence[object] = ()) -> None:
        with self._lock:
            conn = self._connection()
            with self._errors("write"):
                conn.execute(sql.replace("?", "%s"), params)

    @contextmanager
    def _chain_transaction(self, doing: str = "append") -> Iterator[_ChainTx]:
        with self._locked_transaction(self._chain_key, doing) as conn:
            yield _ChainTx(conn)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None:
                with self._errors("close"):
                    self._conn.close()


class _ChainTx:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def head(self) -> tuple[int, str]:
        row = self._conn.execute(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS_HASH)

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        rows = self._conn.execute("SELECT id FROM events WHERE id = ANY(%s)", (list(ids),))
        return {row[0] for row in rows}

    def insert(self, rows: Sequence[tuple[object, ...]]) -> None:
        with self._conn.cursor() as cur, cur.copy(_COPY) as copy:
            for row in rows:
                copy.write_row(row)

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        cur = self._conn.execute(sql.replace("?", "%s"), params)
        return cur.fetchall() if cur.description is not None else []


class _Target:
    """The migration target: schema_migrations under the schema's migration advisory lock."""

    def __init__(self, store: PostgresStore) -> None:
        self._store = store
        self._conn: psycopg.Connection[Any] | None = None

    @contextmanager
    def locked(self) -> Iterator[None]:
        store = self._store
        with store._locked_transaction(store._migration_key, "migrate") as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            self._conn = conn
            try:
                yield
            finally:
                self._conn = None

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None:
            raise StoreError("migration step outside its transaction")
        return self._conn

    def applied(self) -> set[int]:
        rows = self._connection().execute("SELECT version FROM schema_migrations")
        return {int(row[0]) for row in rows}

    def apply(self, migration: Migration) -> None:
        conn = self._connection()
        for statement in migration.statements:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
            (migration.version, migration.name),
        )
