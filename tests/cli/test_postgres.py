"""The evidence commands give the same answers on a PostgreSQL store as on SQLite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gatepost.evidence.event import Event
from gatepost.store.base import open_store
from tests.cli.conftest import Run
from tests.store.backends import backend_for


def test_same_answers_as_sqlite(
    history: list[Event], tmp_path: Path, gatepost: Callable[..., Run]
) -> None:
    with backend_for("postgres", tmp_path) as pg:
        with open_store(pg.url) as store:
            store.append(history)  # the same events, re-chained in the same order
        commands = [
            ("events", "--json", "--role", "viewer"),
            ("events", "--json", "--text", "terraform", "--limit", "1"),
            ("events", "--json", "--groups", "ops", "--verdict", "pass"),
            ("timeline", "sess-a"),
            ("report", "--json"),
            ("report", "--since", "2026-06-02T00:00:00Z"),
            ("verify",),
        ]
        for argv in commands:
            on_sqlite = gatepost(*argv)
            on_pg = gatepost(*argv, "--store", pg.url)
            assert (on_pg.code, on_pg.out) == (on_sqlite.code, on_sqlite.out), argv
        export = gatepost("export", "--format", "ocsf", "--store", pg.url).json_lines()
        assert len(export) == 18
