"""``gatepost retention apply`` on a recorded history (alice's six events on 2026-06-01, bob's
seven on 2026-06-02), with the clock given by --now."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from gatepost.evidence.event import Event, has_content
from gatepost.store.base import open_store
from tests.cli.conftest import Run


def test_without_a_policy_everything_is_kept(
    history: list[Event], home: Path, gatepost: Callable[..., Run]
) -> None:
    run = gatepost("retention", "apply", "--now", "2030-01-01T00:00:00Z")
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "retention as of 2030-01-01T00:00:00.000000Z\n"
        "raw evidence  kept forever (no raw_days)\n"
        "content       kept forever (no content_days)\n"
        "metadata      kept forever (no metadata_days)\n"
    )
    assert gatepost("verify").out == "ok: 13 events, 0 checkpoints\n"


def test_content_retention_with_a_hold_dry_run_then_applied(
    history: list[Event], home: Path, gatepost: Callable[..., Run]
) -> None:
    (home / "retention.yaml").write_text(
        "raw_days: 7\ncontent_days: 30\nholds:\n  - user: bob@acme.com\n    reason: case 12\n"
    )
    now = ("--now", "2026-07-15T00:00:00Z")
    dry = gatepost("retention", "apply", *now, "--dry-run")
    assert dry.out == (
        "retention as of 2026-07-15T00:00:00.000000Z (dry run: nothing changed)\n"
        "raw evidence  older than 7 days: 0 payloads would be removed, 0 kept by a hold\n"
        "content       older than 30 days: 6 events would be stripped, 7 kept by a hold\n"
        "metadata      kept forever (no metadata_days)\n"
    )
    assert gatepost("verify").out == "ok: 13 events, 0 checkpoints\n"
    run = gatepost("retention", "apply", *now, "--json")
    assert run.code == 0
    assert json.loads(run.out) == {
        "now": "2026-07-15T00:00:00.000000Z",
        "dry_run": False,
        "raw": {"removed": 0, "held": 0},
        "content": {"removed": 6, "held": 7},
        "metadata": {"removed": 0, "held": 0, "waiting": 0},
        "chain_start": None,
        "checkpoint": None,
    }
    with open_store(str(home / "events.db")) as store:
        kept = {e.id: has_content(e) for e in store.iter_chain()}
    assert [kept[e.id] for e in history] == [False] * 6 + [True] * 7
    assert gatepost("verify").out == "ok: 14 events, 0 checkpoints\n"  # and the run's record


def test_old_events_go_down_to_a_checkpoint_signed_with_the_key(
    history: list[Event], home: Path, tmp_path: Path, gatepost: Callable[..., Run]
) -> None:
    (home / "retention.yaml").write_text("metadata_days: 0\n")
    now = ("--now", "2026-06-02T00:00:00Z")
    without = gatepost("retention", "apply", *now)
    assert without.out.splitlines()[-2:] == [
        "              6 more past metadata_days wait: behind a held or newer event in the "
        "chain, or no checkpoint to start from (give --key)",
        "the chain starts at seq 1",
    ]
    keys = tmp_path / "keys"
    assert gatepost("evidence", "keygen", str(keys)).code == 0
    run = gatepost("retention", "apply", *now, "--key", str(keys / "checkpoint-key.pem"))
    assert run.out.splitlines()[-3:] == [
        "metadata      older than 0 days: 6 events removed, 0 kept by a hold",
        "checkpoint signed at seq 6",
        "the chain starts at seq 7",
    ]
    verified = gatepost("verify", "--key", str(keys / "checkpoint-key.pub.pem"))
    assert (verified.code, verified.out) == (0, "ok: 8 events, 1 checkpoint\n")


def test_errors(history: list[Event], home: Path, gatepost: Callable[..., Run]) -> None:
    (home / "retention.yaml").write_text("content_days: soon\n")
    run = gatepost("retention", "apply")
    assert run.code == 2
    assert run.err == (
        f"gatepost: {home / 'retention.yaml'}: content_days must be a whole number of days, "
        "got 'soon'\n"
    )
    other = home / "other.yaml"
    other.write_text("content_days: 1\n")
    run = gatepost("retention", "apply", "--policy", str(other), "--now", "yesterday")
    assert (run.code, run.err) == (2, "gatepost: --now 'yesterday' is not an RFC 3339 time\n")
    run = gatepost("retention", "apply", "--policy", str(other), "--store", str(home / "x.db"))
    assert run.code == 2 and "no event store at" in run.err
