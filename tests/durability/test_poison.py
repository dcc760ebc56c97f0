"""Poison payloads never stop the records behind them, through the real daemon and through the
hook deciding in its own process; every command that reads events survives any stored value."""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from gatepost.action import Decision, Verdict
from gatepost.evidence.event import Event
from gatepost.evidence.record import make_event
from gatepost.policy.cases import case_action
from gatepost.runtime import journal
from gatepost.runtime.fallback import drain_journal, wait_for_recording
from gatepost.runtime.keep import journal_decision
from gatepost.runtime.payload import NOTES_KEY
from gatepost.store.base import open_store
from tests.durability.conftest import GATEPOST, Daemon, hook_env, payload, run_hook

BIG = 2_000_000
POISONS = {  # name: (JSON text put in tool_input.x, the notes the event must carry)
    "1e999": ("1e999", ["number 1e999 kept as text"]),
    "nan": ("NaN", ["non-finite number NaN kept as text"]),
    "infinity": ("-Infinity", ["non-finite number -Infinity kept as text"]),
    "huge-int": ("9" * 5000, [f"number {'9' * 40}... kept as text"]),
    "surrogate": ('"a\\ud800b"', ["lone surrogate replaced by U+FFFD"]),
    "nested": ("[" * 100 + "]" * 100, ["nesting deeper than 64 cut"]),
    "oversize": (json.dumps("x" * BIG), [f"string of {BIG} characters cut to {1 << 20}"]),
}
TOO_DEEP = "[" * 100_000 + "]" * 100_000  # deeper than the parser itself can go


def poison_payload(name: str, cwd: Path) -> bytes:
    text, _ = POISONS[name]
    return payload(f"echo p-{name}", cwd, x="@X@").replace(b'"@X@"', text.encode())


def summary(event: Event) -> tuple[str, list[str], str]:
    raw = event.action.raw
    return (
        str(raw.get("tool_use_id", "unparsed")),
        list(raw.get(NOTES_KEY, [])),
        event.decision.error,
    )


def stored(home: Path) -> list[Event]:
    with open_store(f"sqlite:///{home / 'events.db'}") as store:
        return list(store.iter_chain())


def gatepost(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GATEPOST, *args], env=hook_env(home), capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("path", ["daemon", "in-process"])
def test_poison_payloads_do_not_stop_later_events(home: Path, daemon: Daemon, path: str) -> None:
    cwd = home.parent
    if path == "daemon":
        daemon.start()
    expected = []
    for name, (_, notes) in POISONS.items():
        proc = run_hook(home, poison_payload(name, cwd), cwd)
        assert (proc.returncode, proc.stderr) == (0, b"")
        proc = run_hook(home, payload(f"echo after-{name}", cwd), cwd)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
        expected += [(f"echo p-{name}", notes, ""), (f"echo after-{name}", [], "")]
    proc = run_hook(home, TOO_DEEP.encode(), cwd)
    assert (proc.returncode, proc.stderr.decode()) == (
        2,  # the shipped packs enforce: gatepost failing to decide fails closed
        "gatepost could not decide (payload is nested too deeply to be read); failing closed: "
        "the action is blocked until gatepost works again",
    )
    proc = run_hook(home, payload("echo last", cwd), cwd)
    expected += [
        ("unparsed", [], "payload is nested too deeply to be read"),
        ("echo last", [], ""),
    ]
    if path == "daemon":
        deadline = time.monotonic() + 60
        while journal.pending(home) and time.monotonic() < deadline:
            time.sleep(0.05)
        daemon.stop()
    assert wait_for_recording(home)
    events = stored(home)
    assert [summary(e) for e in events] == expected
    ids = [e.id for e in events]

    verify = gatepost(home, "verify", "--json")
    result = json.loads(verify.stdout)
    assert (verify.returncode, result["ok"], result["checked"], result["problem"]) == (
        0,
        True,
        len(ids),
        None,
    )
    listed = gatepost(home, "events", "--json", "--limit", "1000")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert sorted(json.loads(line)["id"] for line in listed.stdout.splitlines()) == sorted(ids)
    timeline = gatepost(home, "timeline", "claude-code:durability", "--json")
    assert (timeline.returncode, timeline.stderr) == (0, "")
    assert len(timeline.stdout.splitlines()) == len(ids) - 1  # the unparsed one has no session
    export = gatepost(home, "export", "--format", "ocsf")
    assert (export.returncode, export.stderr) == (0, "")
    for args in (["events"], ["timeline", "claude-code:durability"], ["report"]):
        proc = gatepost(home, *args)
        assert (proc.returncode, proc.stderr) == (0, ""), args


def test_what_cannot_be_an_event_is_quarantined_and_recorded(home: Path) -> None:
    from gatepost.config import Config

    config = Config(home=home, user_home=home.parent)
    good = case_action("echo before")
    journal_decision(home, good, Decision(), b"{}", now_ns=time.time_ns(), raw=False)
    poison = Decision(verdict=Verdict.BLOCK, evaluation_us=float("nan"))  # JSON has no NaN
    data = b'{"tool_input": {"command": "rm -rf /"}}'
    q = journal_decision(home, case_action("rm -rf /"), poison, data, now_ns=1, raw=False)
    # a journal record that is not an event at all
    journal.append(home, journal.encode({"not": "an event"}))
    journal_decision(home, case_action("echo after"), Decision(), b"{}", now_ns=2, raw=False)
    assert drain_journal(config) == ""
    events = stored(home)
    assert [(e.action.surface.event, e.decision.verdict) for e in events] == [
        ("case", Verdict.PASS),
        ("quarantine", Verdict.BLOCK),
        ("quarantine", Verdict.PASS),
        ("case", Verdict.PASS),
    ]
    assert events[1].id == q.id
    kept = Path(events[1].action.raw["quarantine_file"])
    doc = json.loads(kept.read_text())
    assert base64.b64decode(doc["blob"]) == data
    assert doc["reason"] == events[1].decision.error
    assert doc["reason"].startswith("cannot be recorded as an event: ValueError: ")
    assert kept.stat().st_mode & 0o777 == 0o600
    assert events[2].decision.error.startswith("journal record not an event: ")
    assert journal.pending(home) == 0


def test_reading_commands_survive_hostile_stored_values(home: Path) -> None:
    cwd = home.parent
    assert run_hook(home, payload("echo one", cwd), cwd).returncode == 0
    assert wait_for_recording(home)
    db = home / "events.db"
    (event,) = stored(home)
    hostile = event.id[:-4] + "ZZZZ"
    with sqlite3.connect(db) as conn:
        row = conn.execute("select * from events where id = ?", (event.id,)).fetchone()
        doc = json.loads(row[4])
        doc["action"]["raw"] = {"lone": "\ud800", "big": "y" * 3_000_000}
        doc["action"]["operation"]["command"]["raw"] = "echo \udfff"
        doc["id"] = hostile
        cols = [c[1] for c in conn.execute("pragma table_info(events)")]
        values = list(row)
        values[cols.index("seq")] = row[0] + 1
        values[cols.index("id")] = hostile
        values[cols.index("doc")] = json.dumps(doc)  # ASCII: \ud800 escaped
        conn.execute(f"insert into events values ({', '.join('?' * len(values))})", values)
    for args in (
        ["events"],
        ["events", "--json"],
        ["timeline", "claude-code:durability"],
        ["timeline", "claude-code:durability", "--json"],
        ["export", "--format", "ocsf"],
        ["report"],
    ):
        proc = gatepost(home, *args)
        assert (proc.returncode, proc.stderr) == (0, ""), args
    listed = gatepost(home, "events", "--json")
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == [event.id, hostile]
    operation = json.loads(listed.stdout.splitlines()[1])["action"]["operation"]
    assert operation["command"]["raw"] == "echo \udfff"
    verify = gatepost(home, "verify")
    assert verify.returncode == 1  # the inserted row was not chained by gatepost
    assert verify.stderr == ""


def test_events_piped_into_head_exits_quietly(home: Path) -> None:
    with open_store(f"sqlite:///{home / 'events.db'}") as store:  # ~500 KiB of JSON lines
        store.append([make_event(case_action(f"echo {i}"), Decision()) for i in range(300)])
    proc = subprocess.run(
        f"'{GATEPOST}' events --json --limit 1000 | head -1",
        shell=True,
        env=hook_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stderr == ""
    assert json.loads(proc.stdout)["action"]["operation"]["command"]["raw"] == "echo 0"
