"""Tamper evidence: verify a store's hash chain, and sign checkpoints of it (DESIGN §4).

Every stored event carries ``hash = sha256(prev_hash + chain_document(event))`` and the hash of
the event before it, so changing, removing or reordering an event breaks the chain at that
point. (The chain document holds the event's content by digest, so retention may remove the
content and the event still verifies; retention may also remove a prefix of the chain, and
verify then starts from the checkpoint retention left where the chain now starts.)

What the chain alone cannot show is the loss of its newest events (or a rewrite of the whole
chain by someone who recomputes every hash): for that, ``make_checkpoint`` signs the head
(seq and hash) with an Ed25519 key held away from the store, and ``verify`` checks that every
checkpoint's seq is still in the chain with the signed hash.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gatepost.errors import ConfigError, StoreError
from gatepost.evidence.event import (
    GENESIS_HASH,
    Checkpoint,
    Event,
    chain_hash,
    checkpoint_message,
)
from gatepost.store.base import CorruptEventError, EventStore

__all__ = [
    "Checkpoint",
    "Problem",
    "VerifyResult",
    "generate_key",
    "load_private_key",
    "load_public_key",
    "make_checkpoint",
    "save_private_key",
    "save_public_key",
    "sign_checkpoint",
    "verify",
]

ProblemKind = Literal["altered", "deleted", "reordered", "truncated", "bad_checkpoint"]


@dataclass(frozen=True, slots=True)
class Problem:
    """The first thing found wrong. ``seq`` and ``event_id`` name the stored event where it was
    found (for ``truncated`` and ``bad_checkpoint``: the checkpoint's seq, and the event id when
    an event holds that seq)."""

    kind: ProblemKind
    seq: int
    event_id: str
    message: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of checking the evidence chain: ok, events checked, the problem."""

    ok: bool
    checked: int  # events that passed the event checks (all of them when ok)
    problem: Problem | None = None


# ---------------------------------------------------------------------------- checkpoints


def sign_checkpoint(seq: int, hash: str, time: str, key: Ed25519PrivateKey) -> Checkpoint:
    signature = key.sign(checkpoint_message(seq, hash, time))
    return Checkpoint(seq=seq, hash=hash, time=time, signature=base64.b64encode(signature).decode())


def make_checkpoint(
    store: EventStore, private_key: Ed25519PrivateKey, *, now: datetime | None = None
) -> Checkpoint:
    """Sign the store's head, keep the checkpoint in the store, and return it."""
    seq, digest = store.head()
    if seq == 0:
        raise StoreError("nothing to checkpoint: the store has no events")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    time = moment.isoformat(timespec="microseconds").replace("+00:00", "Z")
    checkpoint = sign_checkpoint(seq, digest, time, private_key)
    store.add_checkpoint(checkpoint)
    return checkpoint


PublicKeys = Ed25519PublicKey | tuple[Ed25519PublicKey, ...]  # any one of them may sign


def signature_ok(checkpoint: Checkpoint, key: PublicKeys) -> bool:
    message = checkpoint_message(checkpoint.seq, checkpoint.hash, checkpoint.time)
    for one in key if isinstance(key, tuple) else (key,):
        try:
            one.verify(base64.b64decode(checkpoint.signature, validate=True), message)
        except (InvalidSignature, ValueError):
            continue
        return True
    return False


# ---------------------------------------------------------------------------- verify


def verify(
    store: EventStore,
    *,
    key: PublicKeys | None,
    start: Checkpoint | None = None,
    kept: tuple[Checkpoint, ...] = (),
) -> VerifyResult:
    """Walk the whole chain and the checkpoints; report the first problem, in seq order.

    The walk starts at seq 1 (prev_hash GENESIS_HASH), or after ``start``: a checkpoint the
    caller has verified before (signed by ``key`` when given), whose events are not read again.
    Without ``start``, a store whose first event has seq n > 1 (retention removed the events
    before it) starts from its checkpoint at seq n - 1; without one there, seq 1 .. n - 1 are
    ``deleted``. Checkpoints before the start are not checked: their events are gone. (So a
    prefix removed down to a checkpoint looks like retention's work; each retention run that
    removes events is recorded as an event of the chain.)

    For each event, in seq order: a gap in seq is ``deleted``; a hash that does not match the
    event's content is ``altered`` (as is a stored event that cannot be read back); a prev_hash
    that is not the previous event's hash is ``reordered`` when it is the hash of a later event,
    ``deleted`` otherwise (events removed and the rest renumbered, or one rewritten in place
    with its hash recomputed). At each checkpoint's seq: a signature that ``key`` does not
    accept is ``bad_checkpoint`` (signatures are not checked when ``key`` is None), a hash other
    than the signed one is ``truncated`` (the signed events were removed and others appended,
    or the chain was rewritten). A checkpoint beyond the last event is ``truncated``.

    ``key`` may be several keys: a checkpoint signed by any of them is good (the writer signs
    its own checkpoints with the home's key, a person with a key kept elsewhere).
    ``kept`` are checkpoints kept outside the store (the writer's latest, see
    gatepost.runtime.checkpoints): checked like the store's, so removing the newest events and
    the store's checkpoints together is found too.
    """
    stored = store.checkpoints()
    pending = sorted([*stored, *(c for c in kept if c not in stored)], key=lambda c: c.seq)
    expected_seq, prev = 1, GENESIS_HASH
    checked = 0
    if start is not None:
        problem = _check_start(start, key)
        if problem is not None:
            return VerifyResult(ok=False, checked=0, problem=problem)
        expected_seq, prev = start.seq + 1, start.hash
        pending = [c for c in pending if c.seq > start.seq]
    events = store.iter_chain(after_seq=expected_seq - 1)
    try:
        for event in events:
            if checked == 0 and start is None and event.seq > 1:  # a pruned chain
                begin = next((c for c in pending if c.seq == event.seq - 1), None)
                if begin is not None:
                    problem = _check_start(begin, key)
                    if problem is not None:
                        return VerifyResult(ok=False, checked=0, problem=problem)
                    expected_seq, prev = begin.seq + 1, begin.hash
                    pending = [c for c in pending if c.seq > begin.seq]
            problem = _check_event(event, expected_seq, prev)
            if problem is not None:
                if problem.kind == "reordered" and not _hash_later(events, event.prev_hash):
                    problem = _chain_break(event, prev, reordered=False)
                return VerifyResult(ok=False, checked=checked, problem=problem)
            checked += 1
            while pending and pending[0].seq <= event.seq:
                problem = _check_checkpoint(pending.pop(0), event, key)
                if problem is not None:
                    return VerifyResult(ok=False, checked=checked, problem=problem)
            expected_seq, prev = event.seq + 1, event.hash
    except CorruptEventError as exc:
        problem = Problem("altered", exc.seq, exc.event_id, str(exc))
        return VerifyResult(ok=False, checked=checked, problem=problem)
    if start is not None and checked == 0:  # nothing after the start: is it still the head?
        last = next(iter(store.iter_chain(after_seq=max(start.seq - 1, 0))), None)
        problem = _check_checkpoint(start, last, None)
        if problem is not None:
            return VerifyResult(ok=False, checked=0, problem=problem)
    for checkpoint in pending:
        problem = _check_checkpoint(checkpoint, None, key, last_seq=expected_seq - 1)
        if problem is not None:
            return VerifyResult(ok=False, checked=checked, problem=problem)
    return VerifyResult(ok=True, checked=checked)


def _check_start(checkpoint: Checkpoint, key: PublicKeys | None) -> Problem | None:
    if key is None or signature_ok(checkpoint, key):
        return None
    return Problem(
        "bad_checkpoint",
        checkpoint.seq,
        "",
        f"checkpoint at seq {checkpoint.seq} ({checkpoint.time}), where the chain starts: "
        "signature not valid for this key",
    )


def _check_event(event: Event, expected_seq: int, prev: str) -> Problem | None:
    if event.seq != expected_seq:
        missing = f"{expected_seq}..{event.seq - 1}" if event.seq - 1 > expected_seq else ""
        return Problem(
            "deleted",
            event.seq,
            event.id,
            f"events missing before event {event.id} (seq {event.seq}): "
            f"seq {missing or expected_seq}",
        )
    if chain_hash(event.prev_hash, event) != event.hash:
        return Problem(
            "altered",
            event.seq,
            event.id,
            f"event {event.id} (seq {event.seq}) was altered: its content does not match its hash",
        )
    if event.prev_hash != prev:
        return _chain_break(event, prev, reordered=True)
    return None


def _chain_break(event: Event, prev: str, *, reordered: bool) -> Problem:
    if reordered:
        return Problem(
            "reordered",
            event.seq,
            event.id,
            f"event {event.id} (seq {event.seq}) is out of order: it was chained after an "
            "event that comes later",
        )
    return Problem(
        "deleted",
        event.seq,
        event.id,
        f"chain broken before event {event.id} (seq {event.seq}): it was chained after an "
        f"event that is no longer there (prev_hash {event.prev_hash[:12]}..., "
        f"found {prev[:12]}...)",
    )


def _hash_later(events: Iterator[Event], digest: str) -> bool:
    """Whether an event still to come has this hash (reads the rest of the chain)."""
    try:
        return any(e.hash == digest for e in events)
    except CorruptEventError:
        return False


def _check_checkpoint(
    checkpoint: Checkpoint, event: Event | None, key: PublicKeys | None, last_seq: int = 0
) -> Problem | None:
    seq = checkpoint.seq
    event_id = event.id if event is not None and event.seq == seq else ""
    if key is not None and not signature_ok(checkpoint, key):
        return Problem(
            "bad_checkpoint",
            seq,
            event_id,
            f"checkpoint at seq {seq} ({checkpoint.time}): signature not valid for this key",
        )
    if event is None:
        return Problem(
            "truncated",
            seq,
            "",
            f"checkpoint at seq {seq} ({checkpoint.time}) is beyond the last event (seq "
            f"{last_seq}): events were removed from the end of the chain (missing: seq "
            f"{last_seq + 1}{'' if seq == last_seq + 1 else f'..{seq}'})",
        )
    if event.seq != seq or event.hash != checkpoint.hash:
        return Problem(
            "truncated",
            seq,
            event_id,
            f"checkpoint at seq {seq} ({checkpoint.time}) signed hash {checkpoint.hash[:12]}..., "
            "the chain no longer has it: the signed events were removed or rewritten",
        )
    return None


# ---------------------------------------------------------------------------- keys


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def save_private_key(key: Ed25519PrivateKey, path: str | os.PathLike[str]) -> None:
    """PEM (PKCS #8, unencrypted) in a new file readable by its owner only."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
    except OSError as exc:
        raise ConfigError(f"cannot write private key {path}: {exc}") from None


def save_public_key(key: Ed25519PublicKey, path: str | os.PathLike[str]) -> None:
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        Path(path).write_bytes(pem)
    except OSError as exc:
        raise ConfigError(f"cannot write public key {path}: {exc}") from None


def load_private_key(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"cannot load private key {path}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"cannot load public key {path}: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError(f"{path}: not an Ed25519 public key")
    return key
