"""The two real backends the store tests run on (fixtures: tests/store/conftest.py).

PostgreSQL: postgresql://postgres@127.0.0.1:5432/test (GATEPOST_TEST_PG_URL overrides it); each
test gets a fresh schema, dropped afterwards. GATEPOST_TEST_NO_PG=1 skips the PostgreSQL cases;
otherwise an unreachable server fails them.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

PG_URL = os.environ.get("GATEPOST_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
RUN = uuid.uuid4().hex[:8]


@dataclass
class Backend:
    """A backend under test: its url, and raw SQL access to its database (for tampering)."""

    name: str
    url: str

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> None:
        """Run one statement directly on the database, bypassing the store (``?`` params)."""
        if self.name == "sqlite":
            conn = sqlite3.connect(self.url.removeprefix("sqlite://"), isolation_level=None)
            try:
                conn.execute(statement, params)
            finally:
                conn.close()
        else:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as pg:
                pg.execute(statement.replace("?", "%s"), params)  # type: ignore[arg-type]

    def rows(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of one query run directly on the database, bypassing the store."""
        if self.name == "sqlite":
            conn = sqlite3.connect(self.url.removeprefix("sqlite://"))
            try:
                return conn.execute(statement, params).fetchall()
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as pg:
            return pg.execute(statement.replace("?", "%s"), params).fetchall()  # type: ignore[arg-type]


def _pg_admin() -> Any:
    import psycopg

    try:
        return psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is unreachable at {PG_URL} ({exc}); set GATEPOST_TEST_NO_PG=1 to skip"
        )


BACKENDS = ["sqlite", "postgres"]


@contextmanager
def backend_for(name: str, tmp_path: Path) -> Iterator[Backend]:
    """A fresh, empty database of that backend (for a fixture parametrized over BACKENDS)."""
    if name == "sqlite":
        yield Backend("sqlite", f"sqlite://{tmp_path / 'events.db'}")
        return
    if os.environ.get("GATEPOST_TEST_NO_PG") == "1":
        pytest.skip("GATEPOST_TEST_NO_PG=1")
    schema = f"gp_test_{RUN}_{uuid.uuid4().hex[:8]}"
    with _pg_admin() as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            sep = "&" if "?" in PG_URL else "?"
            yield Backend("postgres", f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}")
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
