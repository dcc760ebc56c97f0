"""The writer signs checkpoints by itself: removing the newest events is found by verify, even
with the store's checkpoints removed too, without any checkpoint made by hand."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from gatepost.runtime import checkpoints
from gatepost.runtime.fallback import wait_for_recording
from tests.durability.conftest import GATEPOST, hook_env, payload, run_hook


def _verify(home: Path) -> tuple[int, dict[str, object]]:
    proc = subprocess.run(
        [GATEPOST, "verify", "--json"], env=hook_env(home), capture_output=True, text=True
    )
    return proc.returncode, json.loads(proc.stdout)


def _hooks(home: Path, n: int) -> None:
    for i in range(n):
        assert run_hook(home, payload(f"echo {i}", home.parent), home.parent).returncode == 0
    assert wait_for_recording(home)


def test_removing_the_newest_events_and_the_stores_checkpoints_is_found(home: Path) -> None:
    _hooks(home, 6)
    kept = checkpoints.last(home)
    assert kept is not None and kept.seq == 6
    assert (home / "keys" / "checkpoint.pem").stat().st_mode & 0o777 == 0o600
    assert (home / "state" / "checkpoint.json").stat().st_mode & 0o777 == 0o600
    assert _verify(home)[0] == 0
    with sqlite3.connect(home / "events.db") as conn:
        conn.execute("DELETE FROM events WHERE seq > 4")
        conn.execute("DELETE FROM checkpoints")
    code, result = _verify(home)
    assert (code, result["ok"], result["checked"], result["problem"]) == (
        1,
        False,
        4,
        {
            "kind": "truncated",
            "seq": 6,
            "event_id": "",
            "message": f"checkpoint at seq 6 ({kept.time}) is beyond the last event (seq 4): "
            "events were removed from the end of the chain (missing: seq 5..6)",
        },
    )
    # later events do not cover it up: the writer keeps the checkpoint the chain lost
    _hooks(home, 3)
    assert checkpoints.last(home) == kept
    code, result = _verify(home)
    assert (code, result["ok"], result["problem"]["kind"]) == (1, False, "truncated")


def test_the_store_checkpoint_alone_also_finds_a_removed_tail(home: Path) -> None:
    _hooks(home, 3)
    (home / "state" / "checkpoint.json").unlink()
    with sqlite3.connect(home / "events.db") as conn:
        conn.execute("DELETE FROM events WHERE seq = 3")
    code, result = _verify(home)
    assert (code, result["problem"]["kind"], result["problem"]["seq"]) == (1, "truncated", 3)


def test_hand_made_checkpoints_with_a_key_kept_elsewhere_verify_beside_the_writers(
    home: Path, tmp_path: Path
) -> None:
    _hooks(home, 2)
    keys = tmp_path / "offline"
    env = hook_env(home)
    for args in (
        ["evidence", "keygen", str(keys)],
        ["evidence", "checkpoint", "--key", str(keys / "checkpoint-key.pem")],
    ):
        subprocess.run([GATEPOST, *args], env=env, capture_output=True, check=True)
    _hooks(home, 1)  # the writer signs seq 3 with the home's key
    proc = subprocess.run(
        [GATEPOST, "verify", "--key", str(keys / "checkpoint-key.pub.pem")],
        env=env,
        capture_output=True,
        text=True,
    )
    # seq 1, 2, 3 by the writer, seq 2 again by hand (one per seq in the store: it replaced)
    assert (proc.returncode, proc.stdout) == (0, "ok: 3 events, 3 checkpoints\n")
    with sqlite3.connect(home / "events.db") as conn:
        conn.execute("UPDATE checkpoints SET hash = ? WHERE seq = 2", ("0" * 64,))
        (second,) = conn.execute("SELECT id FROM events WHERE seq = 2").fetchone()
    proc = subprocess.run(
        [GATEPOST, "verify", "--key", str(keys / "checkpoint-key.pub.pem")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert (proc.returncode, proc.stdout.split(":")[0]) == (
        1,
        f"bad_checkpoint at seq 2, event {second}",
    )
