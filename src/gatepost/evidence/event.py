"""The stored Event: its canonical bytes, its hash chain link, its indexed columns (DESIGN §4).

An Event is one decision on one action, as kept in evidence: the action (already redacted by the
caller), the decision, what redaction removed, and the place the store gave it in the hash chain.
``seq``, ``prev_hash`` and ``hash`` are assigned by the store on append; everything else is fixed
by the caller and covered by the hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from gatepost.action import Action, Decision
from gatepost.evidence.canonical import dataclass_writer, decoder

GENESIS_HASH = "0" * 64  # prev_hash of the first event of a chain

_CHAIN_FIELDS = ("seq", "prev_hash", "hash")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TEXT_CAP = 8192  # characters of command text kept in the searchable text
_EXCERPT_CAP = 1000  # characters of content kept in the searchable text


@dataclass(frozen=True, slots=True)
class RedactionRecord:
    """One secret removed before persistence: where, found by what, how long. Never the value."""

    field: str  # dotted path of the text field, e.g. "operation.command.raw"
    detector: str  # e.g. "aws-access-key", "private-key", "url-password"
    length: int  # characters removed


@dataclass(frozen=True, slots=True)
class Event:
    """One decision on one action, as kept in evidence."""

    id: str  # sortable: see new_event_id
    time: str  # RFC 3339 time of the action
    received_at: str  # RFC 3339 time the event was recorded
    action: Action  # already redacted
    decision: Decision
    redactions: tuple[RedactionRecord, ...] = ()
    parent_event_id: str = ""  # e.g. the pre-tool event a post-tool event follows
    seq: int = 0  # position in the chain, assigned by the store (0 before)
    prev_hash: str = ""  # hash of the event at seq - 1 (GENESIS_HASH for seq 1)
    hash: str = ""  # chain_hash(prev_hash, self), hex sha256


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement that the chain had ``hash`` at ``seq`` (see gatepost.evidence.chain)."""

    seq: int
    hash: str
    time: str  # RFC 3339, when it was made
    signature: str = ""  # base64 Ed25519 signature of checkpoint_message(...)


def new_event_id(now_ns: int) -> str:
    """A 26-character ULID: 48 bits of milliseconds then 80 random bits, Crockford base32.

    Ids sort by creation time (to the millisecond) as plain strings.
    """
    value = ((now_ns // 1_000_000) & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10))
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def canonical_json(event: Event) -> str:
    """Sorted keys, no whitespace, ASCII only (every other character escaped), no NaN.

    The JSON of ``codec.to_dict(event)`` without seq, prev_hash and hash. Raises ValueError
    for NaN or infinity and TypeError for a value JSON cannot carry.
    """
    return _event_writer()(event)


def canonical_bytes(event: Event) -> bytes:
    """The bytes the chain hashes: canonical_json encoded (it is ASCII)."""
    return canonical_json(event).encode("ascii")


def canonical_dict(event: Event) -> dict[str, Any]:
    """canonical_json as plain data."""
    data: dict[str, Any] = json.loads(canonical_json(event))
    return data


def event_from_dict(data: dict[str, Any]) -> Event:
    """The Event of canonical_dict data plus seq, prev_hash and hash (as ``codec.from_dict``).

    Raises PayloadError naming the class whose data does not fit.
    """
    event: Event = decoder(Event)(data)
    return event


@cache
def _event_writer() -> Callable[[Any], str]:
    return dataclass_writer(Event, exclude=_CHAIN_FIELDS)


def chain_hash(prev_hash: str, event: Event) -> str:
    """sha256(prev_hash as 32 bytes + canonical_bytes(event)), hex."""
    return link_hash(prev_hash, canonical_bytes(event))


def link_hash(prev_hash: str, canonical: bytes) -> str:
    """chain_hash for canonical bytes already computed."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical).hexdigest()


def checkpoint_message(seq: int, hash: str, time: str) -> bytes:
    """The bytes a checkpoint signature covers."""
    return f"gatepost-checkpoint:v1:{seq}:{hash}:{time}".encode()


# ---------------------------------------------------------------------------- indexed columns


@dataclass(frozen=True, slots=True)
class IndexFields:
    """The columns an event is searched and grouped by, derived from its action and decision."""

    user: str
    groups: tuple[str, ...]
    host: str
    repository: str
    agent: str
    session: str
    kind: str
    verdict: str
    pack: str  # winning match's pack id, "" without a winner
    rule: str  # winning match's rule id
    mode: str  # winning match's enforcement mode
    text: str  # searchable text, case-folded: see search_text


def index_fields(event: Event) -> IndexFields:
    return IndexFields(*index_row(event))


def index_row(event: Event) -> tuple[Any, ...]:
    """index_fields as a plain tuple, in field order (what the store writes, without the cost
    of building the dataclass)."""
    action, decision = event.action, event.decision
    actor, winner = action.actor, decision.winner
    return (
        actor.user.id,
        actor.groups,
        actor.host.id,
        actor.repository.remote,
        actor.agent.name or action.surface.agent,
        actor.session,
        action.operation.kind.value,
        decision.verdict.value,
        winner.pack_id if winner else "",
        winner.rule_id if winner else "",
        winner.mode.value if winner else "",
        search_text(action),
    )


def search_text(action: Action) -> str:
    """Command text, paths, urls, MCP server and tool, search query and a content excerpt,
    one per line and case-folded (search needles are case-folded the same way)."""
    op = action.operation
    parts: list[str] = []
    if op.command is not None:
        parts.append(op.command.raw[:_TEXT_CAP])
    parts.extend(p.path or p.raw for p in op.paths)
    parts.extend(u.raw for u in op.urls)
    if op.mcp is not None:
        parts.extend((op.mcp.server, op.mcp.tool))
    if op.query:
        parts.append(op.query[:_TEXT_CAP])
    if op.content:
        parts.append(op.content[:_EXCERPT_CAP])
    return "\n".join(p for p in parts if p).casefold()
