"""What the contract does not cover: opening, failures as StoreError, migrations, concurrency."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import psycopg
import pytest

from gatepost.errors import StoreError
from gatepost.evidence.chain import VerifyResult, verify
from gatepost.store.base import EventStore, open_store
from gatepost.store.migrations import Migration, pending
from gatepost.store.postgres import POSTGRES_MIGRATIONS
from gatepost.store.sqlite import SQLITE_MIGRATIONS, SQLiteStore
from tests.store.backends import Backend, backend_for
from tests.store.factories import make_event

# ---------------------------------------------------------------------------- opening


def test_store_urls(tmp_path: Path) -> None:
    for url in (f"sqlite://{tmp_path}/a.db", str(tmp_path / "b.db")):
        with open_store(url) as store:
            assert isinstance(store, SQLiteStore)
    with open_store("sqlite:///:memory:") as memory:
        assert memory.append([make_event(0)]) == 1
    assert not Path("/:memory:").exists()
    with pytest.raises(StoreError, match="no file path in store url 'sqlite://'"):
        open_store("sqlite://")
    with pytest.raises(StoreError, match="unsupported store url 'mysql://db/x'"):
        open_store("mysql://db/x")


def test_a_new_sqlite_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "home" / ".gatepost" / "events.db"
    with SQLiteStore(path) as store:
        assert store._read("PRAGMA journal_mode") == [("wal",)]
        assert store._read("PRAGMA synchronous") == [(1,)]  # NORMAL
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_sqlite_path_that_cannot_be_a_database_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match=r"cannot open SQLite store .*/file/events\.db"):
        SQLiteStore(tmp_path / "file" / "events.db")
    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"junk\.db: .* failed: file is not a database"):
        SQLiteStore(tmp_path / "junk.db")


def test_a_full_disk_is_a_store_error_and_stores_nothing(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "events.db") as store:
        store.append([make_event(0)])
        pages = store._read("PRAGMA page_count")[0][0]
        store._conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # a disk with 16 KiB left
        batch = [make_event(n) for n in range(1, 200)]
        with pytest.raises(StoreError, match="append failed: database or disk is full"):
            store.append(batch)
        assert store.head()[0] == 1
        store._conn.execute("PRAGMA max_page_count = 1073741823")
        assert store.append(batch) == 199


def test_an_unreachable_postgres_is_a_store_error() -> None:
    with pytest.raises(StoreError, match=r"cannot connect to PostgreSQL at 127\.0\.0\.1:1/test: "):
        open_store("postgresql://postgres@127.0.0.1:1/test?connect_timeout=2")


def test_postgres_reconnects_after_losing_its_connection(tmp_path: Path) -> None:
    with backend_for("postgres", tmp_path) as backend, open_store(backend.url) as store:
        store.append([make_event(0)])
        pid = store._read("SELECT pg_backend_pid()")[0][0]
        with psycopg.connect(backend.url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(
            StoreError, match=r"PostgreSQL store 127\.0\.0\.1:5432/test: read failed"
        ):
            store.head()
        assert store.append([make_event(1)]) == 1  # a new connection
        assert store.head()[0] == 2


# ---------------------------------------------------------------------------- migrations


def test_migrations_run_once_and_a_newer_schema_is_refused(backend: Backend) -> None:
    with open_store(backend.url) as store:
        store.append([make_event(0)])
    with open_store(backend.url) as store:  # reopening migrates nothing, keeps the events
        assert store.head()[0] == 1
    latest = len(SQLITE_MIGRATIONS)
    assert len(POSTGRES_MIGRATIONS) == latest
    backend.sql(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'x', ?)",
        (latest + 1, "2030-01-01T00:00:00Z"),
    )
    with pytest.raises(
        StoreError,
        match=f"schema version {latest + 1} is newer than this gatepost knows "
        f"\\(up to {latest}\\); upgrade gatepost",
    ):
        open_store(backend.url)


def test_migration_steps_must_be_numbered_in_order() -> None:
    steps = [Migration(1, "one", ()), Migration(3, "three", ())]
    with pytest.raises(StoreError, match="migration 'three' has version 3, not 2"):
        pending(steps, set(), where="test")
    assert pending(steps[:1], set(), where="test") == steps[:1]
    assert pending(steps[:1], {1}, where="test") == []


# ---------------------------------------------------------------------------- concurrency


def test_concurrent_writers_keep_one_chain(backend: Backend) -> None:
    """Two connections appending at once (two hook processes, two server replicas)."""
    stores: list[EventStore] = [open_store(backend.url), open_store(backend.url)]
    errors: list[BaseException] = []

    def write(store: EventStore, base: int) -> None:
        try:
            for batch in range(10):
                events = [make_event(base + batch * 20 + i) for i in range(20)]
                store.append(events)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, n * 1000)) for n, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert stores[0].head()[0] == 400
    assert verify(stores[1], key=None) == VerifyResult(True, 400, None)
    for store in stores:
        store.close()
