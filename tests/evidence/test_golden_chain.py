"""Stored chains stay verifiable: the canonical bytes of recorded events never change.

tests/fixtures/chain/ was written by scripts/golden_events.py with the code of the time: real
events (golden payloads of every adapter through the pipeline, every Kind, redactions,
unicode, nested raw payloads, stripped content) with the chain document and content digest
of each, and the SQLite store they were appended to. Today's code must give the same bytes
for every one of them, and verify that store as it was written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from gatepost import codec
from gatepost.evidence.chain import VerifyResult, verify
from gatepost.evidence.event import (
    GENESIS_HASH,
    Event,
    canonical_bytes,
    chain_document,
    chain_hash,
    content_sha256,
    event_from_dict,
)
from gatepost.store.base import open_store
from tests.store.factories import make_event

CHAIN = Path(__file__).resolve().parent.parent / "fixtures" / "chain"
LINES: list[dict[str, Any]] = [
    json.loads(line)
    for line in (CHAIN / "golden-events.jsonl").read_text(encoding="ascii").splitlines()
]


def test_the_fixture_covers_what_it_claims() -> None:
    events = [codec.from_dict(Event, line["event"]) for line in LINES]
    assert {e.action.operation.kind.value for e in events} == {
        "command",
        "file_read",
        "file_write",
        "web_fetch",
        "web_search",
        "prompt",
        "mcp_call",
        "session",
        "other",
    }
    assert {e.action.surface.agent for e in events} >= {
        "claude-code",
        "codex",
        "copilot",
        "cursor",
        "gemini-cli",
        "vscode",
        "windsurf",
    }
    assert any(e.redactions for e in events) and any(e.content_digest for e in events)
    assert any("\\ud800" in json.dumps(line["event"]) for line in LINES)  # a lone surrogate


def test_every_recorded_event_has_the_same_canonical_bytes_and_chain_hash() -> None:
    expected = []
    got = []
    prev = GENESIS_HASH
    for line in LINES:
        event = codec.from_dict(Event, line["event"])
        data = json.loads(canonical_bytes(event)) | {
            k: line["event"][k] for k in ("seq", "prev_hash", "hash", "content_digest")
        }
        assert event_from_dict(data) == event
        assert codec.to_dict(event) == line["event"]
        expected.append((line["content_sha256"], line["chain_document"], prev, event.hash))
        got.append(
            (
                content_sha256(event),
                chain_document(event).decode("ascii"),
                event.prev_hash,
                chain_hash(prev, event),
            )
        )
        if event.content_digest == "":
            assert hashlib.sha256(canonical_bytes(event)).hexdigest() == line["content_sha256"]
        prev = event.hash
    assert got == expected


def test_a_store_written_before_still_verifies_and_takes_new_events(tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    shutil.copyfile(CHAIN / "golden-events.db", db)
    with open_store(f"sqlite://{db}") as store:
        assert [codec.to_dict(e) for e in store.iter_chain()] == [line["event"] for line in LINES]
        assert verify(store, key=None) == VerifyResult(True, len(LINES), None)
        store.append([make_event(1), make_event(2)])
        assert verify(store, key=None) == VerifyResult(True, len(LINES) + 2, None)
