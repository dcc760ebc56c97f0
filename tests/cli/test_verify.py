"""``gatepost verify`` and ``gatepost evidence``: an intact store, then real tampering of the
SQLite file with SQL; key pairs and signed checkpoints."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from gatepost.evidence.event import Event
from tests.cli.conftest import Run


def _sql(home: Path, statement: str) -> None:
    with sqlite3.connect(home / "events.db") as db:
        assert db.execute(statement).rowcount == 1


def test_intact(history: list[Event], gatepost: Callable[..., Run]) -> None:
    run = gatepost("verify")
    assert (run.code, run.out) == (0, "ok: 13 events, 0 checkpoints\n")
    run = gatepost("verify", "--json")
    assert json.loads(run.out) == {
        "ok": True,
        "checked": 13,
        "checkpoints": 0,
        "signatures_checked": False,
        "waiting": 0,
        "problem": None,
    }


@pytest.mark.parametrize(
    "statement",
    [
        # the command text of the blocked event, in its stored document only
        "UPDATE events SET doc = replace(doc, 'rm -rf ~', 'ls ~') WHERE seq = 8",
        # its verdict, consistently in the document and the indexed column
        "UPDATE events SET verdict = 'pass', "
        """doc = replace(doc, '"verdict":"block"', '"verdict":"pass"') WHERE seq = 8""",
    ],
    ids=["document", "document-and-column"],
)
def test_an_edited_row_is_altered(
    statement: str, history: list[Event], home: Path, gatepost: Callable[..., Run]
) -> None:
    _sql(home, statement)
    run = gatepost("verify")
    assert run.code == 1
    assert run.out.startswith(f"altered at seq 8, event {history[7].id}: ")
    assert run.out.endswith(" (7 events intact)\n")
    problem = json.loads(gatepost("verify", "--json").out)["problem"]
    assert (problem["kind"], problem["seq"], problem["event_id"]) == ("altered", 8, history[7].id)


def test_a_removed_row_is_deleted(
    history: list[Event], home: Path, gatepost: Callable[..., Run]
) -> None:
    _sql(home, "DELETE FROM events WHERE seq = 5")
    run = gatepost("verify", "--json")
    assert run.code == 1
    problem = json.loads(run.out)["problem"]
    assert (problem["kind"], problem["seq"], problem["event_id"]) == ("deleted", 6, history[5].id)


def test_keygen_checkpoint_and_verify_with_the_key(
    history: list[Event], home: Path, tmp_path: Path, gatepost: Callable[..., Run]
) -> None:
    keys = tmp_path / "keys"
    run = gatepost("evidence", "keygen", str(keys))
    assert run.code == 0, run.err
    private, public = keys / "checkpoint-key.pem", keys / "checkpoint-key.pub.pem"
    assert run.lines() == [
        f"private key: {private} (keep it away from the event store)",
        f"public key:  {public}",
    ]
    assert stat.S_IMODE(private.stat().st_mode) == 0o600

    run = gatepost("evidence", "checkpoint", "--key", str(private), "--json")
    assert run.code == 0, run.err
    checkpoint = json.loads(run.out)
    assert (checkpoint["seq"], checkpoint["hash"]) == (13, history[-1].hash)

    run = gatepost("verify", "--key", str(public))
    assert (run.code, run.out) == (0, "ok: 13 events, 1 checkpoint\n")
    assert gatepost("verify").out == (
        "ok: 13 events, 1 checkpoint (signatures not checked: give --key)\n"
    )

    other = tmp_path / "other"
    gatepost("evidence", "keygen", str(other))
    run = gatepost("verify", "--key", str(other / "checkpoint-key.pub.pem"), "--json")
    assert run.code == 1
    assert json.loads(run.out)["problem"]["kind"] == "bad_checkpoint"

    _sql(home, "DELETE FROM events WHERE seq = 13")  # the newest event goes: truncation
    run = gatepost("verify", "--key", str(public))
    assert run.code == 1
    assert run.out.startswith("truncated at seq 13: ")


def test_checkpoint_text(
    history: list[Event], tmp_path: Path, gatepost: Callable[..., Run]
) -> None:
    gatepost("evidence", "keygen", str(tmp_path / "k"))
    run = gatepost("evidence", "checkpoint", "--key", str(tmp_path / "k" / "checkpoint-key.pem"))
    assert run.code == 0
    assert run.out.startswith(f"checkpoint at seq 13: {history[-1].hash} (")


def test_keygen_never_replaces_a_key(tmp_path: Path, gatepost: Callable[..., Run]) -> None:
    keys = tmp_path / "keys"
    assert gatepost("evidence", "keygen", str(keys)).code == 0
    before = (keys / "checkpoint-key.pem").read_bytes()
    run = gatepost("evidence", "keygen", str(keys))
    assert run.code == 2
    assert "already exists" in run.err
    assert (keys / "checkpoint-key.pem").read_bytes() == before


def test_bad_key_file(history: list[Event], tmp_path: Path, gatepost: Callable[..., Run]) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key\n")
    run = gatepost("verify", "--key", str(bad))
    assert run.code == 2
    assert run.err.startswith(f"gatepost: cannot load public key {bad}: ")
    run = gatepost("evidence", "checkpoint", "--key", str(bad))
    assert run.code == 2
    assert run.err.startswith(f"gatepost: cannot load private key {bad}: ")


def test_checkpoint_of_an_empty_store(home: Path, gatepost: Callable[..., Run]) -> None:
    from gatepost.store.base import open_store

    open_store(str(home / "events.db")).close()
    gatepost("evidence", "keygen", str(home / "k"))
    run = gatepost("evidence", "checkpoint", "--key", str(home / "k" / "checkpoint-key.pem"))
    assert (run.code, run.err) == (2, "gatepost: nothing to checkpoint: the store has no events\n")
    assert gatepost("verify").out == "ok: 0 events, 0 checkpoints\n"
