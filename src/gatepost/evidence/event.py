"""The stored Event: its canonical bytes, its hash chain link, its indexed columns (DESIGN §4).

An Event is one decision on one action, as kept in evidence: the action (already redacted by the
caller), the decision, what redaction removed, and the place the store gave it in the hash chain.
``seq``, ``prev_hash`` and ``hash`` are assigned by the store on append; everything else is fixed
by the caller and covered by the hash.

What the hash covers is the event's ``chain_document``: its metadata (the canonical JSON without
the CONTENT_FIELDS) in clear, and its content by digest (sha256 of the whole canonical JSON).
Retention can then remove the content of an old event (``strip_content``: the event keeps that
digest in ``content_digest``) and the chain still verifies: the metadata is checked as before,
and while the content is there it is checked against the digest.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, replace
from typing import Any

from gatepost import codec
from gatepost.action import Action, Decision, Operation
from gatepost.evidence.canonical import canonical_json as _canonical
from gatepost.evidence.canonical import fields_of

GENESIS_HASH = "0" * 64  # prev_hash of the first event of a chain

# What retention calls content (the "redacted content" evidence class): everything a viewer
# may not see (gatepost.evidence.views), i.e. the text the agent or the user wrote, read or ran,
# the paths and urls it touched, and what quotes them. The rest of an event is its metadata.
CONTENT_FIELDS = (
    "action.actor.user.os_account",
    "action.actor.repository.root",
    "action.operation (every field but kind)",
    "action.raw",
    "decision.explanation",
    "decision.error",
    "decision.winner.explanation",
    "decision.matches[].explanation",
)
AUDIT_AGENT = "gatepost"  # surface agent of gatepost's own events (raw evidence reads, retention)
_NOT_CANONICAL = frozenset({"seq", "prev_hash", "hash", "content_digest"})
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
    # Set when retention removed the content: content_sha256 of the event as it was ("" before)
    content_digest: str = ""


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

    The JSON of ``codec.to_dict(event)`` without seq, prev_hash, hash and content_digest.
    Raises ValueError for NaN or infinity and TypeError for a value JSON cannot carry.
    """
    return _canonical(_canonical_data(event))


def canonical_bytes(event: Event) -> bytes:
    """canonical_json encoded (it is ASCII): what content_sha256 hashes."""
    return canonical_json(event).encode("ascii")


def canonical_dict(event: Event) -> dict[str, Any]:
    """canonical_json as plain data."""
    data: dict[str, Any] = json.loads(canonical_json(event))
    return data


def event_from_dict(data: dict[str, Any]) -> Event:
    """The Event of canonical_dict data plus seq, prev_hash and hash (``codec.from_dict``).

    Raises PayloadError naming the field whose data does not fit.
    """
    return codec.from_dict(Event, data, where="Event")


def _canonical_data(event: Event) -> dict[str, Any]:
    if type(event) is not Event:
        raise TypeError(f"expected Event, got {type(event).__name__}")
    return fields_of(event, _NOT_CANONICAL)


def _metadata(data: dict[str, Any]) -> dict[str, Any]:
    """Canonical data without the CONTENT_FIELDS (the models holding them taken apart)."""
    action, decision = data["action"], data["decision"]
    actor = action.actor
    winner = decision.winner
    return data | {
        "action": fields_of(action, _RAW)
        | {
            "actor": fields_of(actor)
            | {
                "user": fields_of(actor.user, _OS_ACCOUNT),
                "repository": fields_of(actor.repository, _ROOT),
            },
            "operation": {"kind": action.operation.kind},
        },
        "decision": fields_of(decision, _EXPLANATION_ERROR)
        | {
            "winner": None if winner is None else fields_of(winner, _EXPLANATION),
            "matches": [fields_of(m, _EXPLANATION) for m in decision.matches],
        },
    }


_RAW = frozenset({"raw"})
_OS_ACCOUNT = frozenset({"os_account"})
_ROOT = frozenset({"root"})
_EXPLANATION = frozenset({"explanation"})
_EXPLANATION_ERROR = frozenset({"explanation", "error"})


def chain_hash(prev_hash: str, event: Event) -> str:
    """sha256(prev_hash as 32 bytes + chain_document(event)), hex."""
    return link_hash(prev_hash, chain_document(event))


def link_hash(prev_hash: str, document: bytes) -> str:
    """chain_hash for a chain document already computed."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + document).hexdigest()


def chain_document(event: Event) -> bytes:
    """The bytes the chain hashes: ``{"content":<digest>,"event":<metadata JSON>}`` (sorted,
    compact ASCII JSON).

    The metadata JSON is canonical_json without the CONTENT_FIELDS. The digest is
    content_sha256(event), or, for an event without content whose ``content_digest`` is set
    (retention removed its content), that digest.
    """
    return chain_parts(event)[1]


def chain_parts(event: Event) -> tuple[str, bytes]:
    """(canonical_json(event), chain_document(event)), at little more than the cost of one."""
    data = _canonical_data(event)
    canonical = _canonical(data)
    if event.content_digest and not has_content(event):
        digest = event.content_digest
    else:
        digest = hashlib.sha256(canonical.encode("ascii")).hexdigest()
    return canonical, _canonical({"content": digest, "event": _metadata(data)}).encode("ascii")


def content_sha256(event: Event) -> str:
    """sha256 of canonical_bytes(event), hex: what the chain holds for the event's content."""
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


def has_content(event: Event) -> bool:
    """Whether any of the CONTENT_FIELDS holds something."""
    action, decision = event.action, event.decision
    actor, op = action.actor, action.operation
    return bool(
        action.raw
        or op != Operation(kind=op.kind)
        or actor.user.os_account
        or actor.repository.root
        or decision.explanation
        or decision.error
        or (decision.winner is not None and decision.winner.explanation)
        or any(m.explanation for m in decision.matches)
    )


def strip_content(event: Event) -> Event:
    """The event without its content (the CONTENT_FIELDS emptied) and with content_digest
    set: it has the same chain hash. An event already stripped is returned as it is."""
    if event.content_digest and not has_content(event):
        return event
    action, decision = event.action, event.decision
    actor = action.actor
    actor = replace(
        actor,
        user=replace(actor.user, os_account=""),
        repository=replace(actor.repository, root=""),
    )
    winner = None if decision.winner is None else replace(decision.winner, explanation="")
    decision = replace(
        decision,
        explanation="",
        error="",
        winner=winner,
        matches=tuple(replace(m, explanation="") for m in decision.matches),
    )
    return replace(
        event,
        action=replace(action, actor=actor, operation=Operation(kind=action.kind), raw={}),
        decision=decision,
        content_digest=content_sha256(event),
    )


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
