"""Nothing acknowledged is lost: SIGKILL during ingestion, a store that is down, a full spool
delivered later exactly once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from gatepost import codec
from gatepost.action import Decision
from gatepost.config import Config
from gatepost.evidence.event import Event
from gatepost.evidence.record import make_event
from gatepost.policy.cases import case_action
from gatepost.runtime.fallback import deliver_spool, record, spooled
from gatepost.store.base import open_store

WRITER = r"""
import sys, time
from gatepost.action import Decision
from gatepost.evidence.record import make_event
from gatepost.policy.cases import case_action
from gatepost.store.base import open_store

store = open_store(sys.argv[1])
action = case_action("git status")
n = 0
while True:
    batch = [make_event(action, Decision(explanation=str(n + i))) for i in range(20)]
    store.append(batch)
    n += len(batch)
    for e in batch:
        sys.stdout.write(e.id + "\n")  # acknowledged: append returned
    sys.stdout.flush()
"""


def test_sigkill_during_ingestion_loses_no_acknowledged_event(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, f"sqlite:///{db}"], stdout=subprocess.PIPE, text=True
    )
    acknowledged: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while len(acknowledged) < 400 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            acknowledged.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    acknowledged += [line.strip() for line in proc.stdout.read().splitlines() if line.strip()]
    assert len(acknowledged) >= 400
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("select id from events")}
    assert set(acknowledged) <= stored
    with open_store(f"sqlite:///{db}") as store:  # and the store still opens and appends
        assert store.append([make_event(case_action("ls"), Decision())]) == 1


def _config(home: Path, store: str = "") -> Config:
    return Config(home=home, user_home=home.parent, store=store)


def test_store_down_spools_then_delivers_exactly_once(tmp_path: Path) -> None:
    home = tmp_path / ".gatepost"
    down = _config(home, store="postgresql://postgres@127.0.0.1:1/test?connect_timeout=2")
    first = [make_event(case_action("git status"), Decision()) for _ in range(3)]
    problem = record(down, first)
    assert problem.startswith("store unavailable, 3 event(s) spooled")
    (batch,) = spooled(down)
    assert [json.loads(line)["id"] for line in batch.read_text().splitlines()] == [
        e.id for e in first
    ]

    up = _config(home)  # the local SQLite store
    second = [make_event(case_action("ls"), Decision())]
    assert record(up, second) == ""
    assert spooled(up) == []
    with open_store(up.store_url) as store:
        ids = [e.id for e in store.iter_chain()]
        assert ids == [e.id for e in first + second]
        # a batch delivered twice (crash between append and removal) is stored once
        (home / "spool").mkdir(exist_ok=True)
        (home / "spool" / "again.jsonl").write_text(batch_text(first))
        assert deliver_spool(up, store) == 0
        assert [e.id for e in store.iter_chain()] == ids


def batch_text(events: list[Event]) -> str:
    return "".join(codec.dumps(e) + "\n" for e in events)


def test_full_disk_gives_a_clear_error_and_keeps_events(tmp_path: Path) -> None:
    home = tmp_path / ".gatepost"
    home.mkdir()
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    broken = _config(home, store=f"sqlite:///{blocker}/events.db")  # cannot be created
    events = [make_event(case_action("ls"), Decision())]
    problem = record(broken, events)
    assert problem.startswith("store unavailable, 1 event(s) spooled")
    assert len(spooled(broken)) == 1
