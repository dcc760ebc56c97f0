"""Checkpoints the writer signs by itself, and the latest one kept outside the store.

The key is ``GATEPOST_HOME/keys/checkpoint.pem`` (Ed25519, 0600; ``checkpoint.pub`` beside it),
made on first use. Each checkpoint is added to the store and written to
``GATEPOST_HOME/state/checkpoint.json``, so that removing the newest events and the store's
checkpoints together is still found by ``gatepost verify``. A checkpoint file that the chain no
longer matches is never replaced: it is the evidence of what was removed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gatepost.errors import ConfigError
from gatepost.evidence.chain import (
    generate_key,
    load_private_key,
    load_public_key,
    make_checkpoint,
    save_private_key,
    save_public_key,
)
from gatepost.evidence.event import Checkpoint
from gatepost.store.base import EventStore

EVERY_EVENTS = 100  # sign at least every N stored events...
EVERY_SECONDS = 2.0  # ...or M seconds after the head moved


def key_path(home: Path) -> Path:
    return home / "keys" / "checkpoint.pem"


def public_key_path(home: Path) -> Path:
    return home / "keys" / "checkpoint.pub"


def state_path(home: Path) -> Path:
    return home / "state" / "checkpoint.json"


def private_key(home: Path) -> Ed25519PrivateKey:
    path = key_path(home)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = generate_key()
        try:
            save_private_key(key, path)
            save_public_key(key.public_key(), public_key_path(home))
            os.chmod(public_key_path(home), 0o600)
        except ConfigError:
            if not path.exists():
                raise
    return load_private_key(path)


def public_key(home: Path) -> Ed25519PublicKey | None:
    path = public_key_path(home)
    return load_public_key(path) if path.exists() else None


def last(home: Path) -> Checkpoint | None:
    """The checkpoint kept outside the store, or None (missing or unreadable)."""
    try:
        doc = json.loads(state_path(home).read_text(encoding="utf-8"))
        return Checkpoint(
            seq=int(doc["seq"]),
            hash=str(doc["hash"]),
            time=str(doc["time"]),
            signature=str(doc["signature"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save(home: Path, cp: Checkpoint) -> None:
    path = state_path(home)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    doc = {"seq": cp.seq, "hash": cp.hash, "time": cp.time, "signature": cp.signature}
    tmp = path.with_name(f".checkpoint.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(doc))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def still_holds(store: EventStore, cp: Checkpoint) -> bool:
    """Whether the chain still has the checkpoint's seq with its hash."""
    event = next(iter(store.iter_chain(after_seq=cp.seq - 1)), None)
    return event is not None and event.seq == cp.seq and event.hash == cp.hash


class AutoCheckpoint:
    """Signs the head every EVERY_EVENTS events or EVERY_SECONDS after it moved."""

    def __init__(self, home: Path, every_events: int = EVERY_EVENTS) -> None:
        self.home = home
        self.every_events = every_events
        self._at = time.monotonic()

    def maybe(self, store: EventStore, *, force: bool = False) -> Checkpoint | None:
        seq, digest = store.head()
        if seq == 0:
            return None
        kept = last(self.home)
        if kept is not None and (kept.seq, kept.hash) == (seq, digest):
            return None
        due = kept is None or seq - kept.seq >= self.every_events
        if not (force or due or time.monotonic() - self._at >= EVERY_SECONDS):
            return None
        if kept is not None and (kept.seq > seq or not still_holds(store, kept)):
            return None  # the chain lost what was signed: leave the evidence for verify
        cp = make_checkpoint(store, private_key(self.home))
        _save(self.home, cp)
        self._at = time.monotonic()
        return cp
