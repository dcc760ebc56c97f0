"""Retention per evidence class, with legal holds (DESIGN §4): ``gatepost retention apply``.

The policy is ``GATEPOST_HOME/retention.yaml``; a class left out (or the whole file missing) is
kept forever::

    raw_days: 30          # raw evidence (gatepost.evidence.raw): deleted after 30 days
    content_days: 90      # redacted content: stripped from events older than 90 days
    metadata_days: 730    # whole events: removed after two years
    holds:                # legal holds: never removed nor stripped, whatever their age
      - session: claude-code:7f9c2e
        reason: incident 2025-114
      - user: alice@acme.com
        reason: litigation hold

Ages count from the raw evidence's keeping time and the event's own time, against ``now``
(given explicitly: applying a policy is a pure function of the store, the policy and ``now``).

- **raw**: rows older than raw_days are deleted.
- **content**: the events older than content_days lose their content
  (gatepost.evidence.event.CONTENT_FIELDS: everything a viewer may not see), which the chain
  holds by digest, so every event still verifies. gatepost's own events (reads of raw evidence,
  retention runs) have no agent content and keep theirs until metadata retention.
- **metadata**: events older than metadata_days are removed as a whole prefix of the chain, so
  that what remains is still one verifiable chain: the prefix ends before the first event that
  is held or younger, never takes the newest event, and ends at a checkpoint verify starts from
  (one signed now with ``signing_key``; without a key, the newest existing checkpoint in the
  prefix). Expired events behind that point wait for a later run ("waiting").

Each run that removes something appends an event recording what it did (surface agent
"gatepost", event "retention-applied").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gatepost.action import Action, Actor, Decision, Kind, Operation, Surface, User
from gatepost.errors import ConfigError, StoreError
from gatepost.evidence.event import AUDIT_AGENT, Checkpoint, Event
from gatepost.evidence.record import make_event
from gatepost.store.base import EventStore, Holds, Removal, time_micros

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = [
    "RETENTION_FILE",
    "Hold",
    "RetentionPolicy",
    "RetentionReport",
    "apply_retention",
    "load_policy",
    "parse_policy",
]

RETENTION_FILE = "retention.yaml"  # under GATEPOST_HOME
APPLIED_EVENT = "retention-applied"
_CLASSES = ("raw_days", "content_days", "metadata_days")


@dataclass(frozen=True, slots=True)
class Hold:
    """A legal hold on one session or one user's events."""

    session: str = ""
    user: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long raw payloads, content and metadata are kept, and the legal holds."""

    raw_days: int | None = None  # None: kept forever
    content_days: int | None = None
    metadata_days: int | None = None
    holds: tuple[Hold, ...] = ()

    @property
    def held(self) -> Holds:
        return Holds(
            sessions=tuple(h.session for h in self.holds if h.session),
            users=tuple(h.user for h in self.holds if h.user),
        )


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What a run removed (a dry run: would remove) and kept under hold, per class."""

    now: str
    dry_run: bool
    raw: Removal
    content: Removal  # removed: events stripped
    metadata: Removal  # removed: events deleted
    waiting: int  # expired events under no hold that stay for now (see the module doc)
    chain_start: int | None  # seq of the first event left (0: none); None without metadata_days
    checkpoint: Checkpoint | None = None  # signed by this run where the chain now starts

    @property
    def changed(self) -> bool:
        return not self.dry_run and any(c.removed for c in (self.raw, self.content, self.metadata))

    def as_dict(self) -> dict[str, Any]:
        classes = {"raw": self.raw, "content": self.content, "metadata": self.metadata}
        data: dict[str, Any] = {"now": self.now, "dry_run": self.dry_run}
        for name, counts in classes.items():
            data[name] = {"removed": counts.removed, "held": counts.held}
        data["metadata"]["waiting"] = self.waiting
        data["chain_start"] = self.chain_start
        cp = self.checkpoint
        data["checkpoint"] = None if cp is None else {"seq": cp.seq, "hash": cp.hash}
        return data


# ---------------------------------------------------------------------------- policy file


def load_policy(path: str | Path) -> RetentionPolicy:
    """The policy in a YAML file; a missing file keeps everything. ConfigError otherwise."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return RetentionPolicy()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return parse_policy({} if data is None else data, where=str(path))


def parse_policy(data: object, *, where: str = "retention") -> RetentionPolicy:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: must be a mapping")
    unknown = sorted(set(map(str, data)) - {*_CLASSES, "holds"})
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}")
    days: dict[str, int | None] = {}
    for name in _CLASSES:
        value = data.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigError(f"{where}: {name} must be a whole number of days, got {value!r}")
        if value is not None and value < 0:
            raise ConfigError(f"{where}: {name} must not be negative, got {value}")
        days[name] = value
    holds = data.get("holds") or []
    if not isinstance(holds, list):
        raise ConfigError(f"{where}: holds must be a list")
    return RetentionPolicy(
        raw_days=days["raw_days"],
        content_days=days["content_days"],
        metadata_days=days["metadata_days"],
        holds=tuple(_hold(h, f"{where}: holds[{i}]") for i, h in enumerate(holds)),
    )


def _hold(data: object, where: str) -> Hold:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: must be a mapping with session or user")
    unknown = sorted(set(map(str, data)) - {"session", "user", "reason"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    values = {k: data.get(k, "") for k in ("session", "user", "reason")}
    for key, value in values.items():
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be text, got {value!r}")
    if bool(values["session"]) == bool(values["user"]):
        raise ConfigError(f"{where}: give either a session or a user")
    return Hold(**values)


# ---------------------------------------------------------------------------- applying


def apply_retention(
    store: EventStore,
    policy: RetentionPolicy,
    *,
    now: datetime,
    dry_run: bool = False,
    signing_key: Ed25519PrivateKey | None = None,
    by: str = "",
) -> RetentionReport:
    """Apply ``policy`` to ``store`` as of ``now``: raw, then content, then metadata.

    ``signing_key`` signs the checkpoint where the chain will start when metadata retention
    removes events (without it, only prefixes ending at an existing checkpoint go). ``by``:
    who runs it, recorded in the event each run that removes something appends.
    """
    moment = _utc(now)
    holds = policy.held
    nothing = Removal(0, 0)
    raw = content = nothing
    if policy.raw_days is not None:
        raw = store.remove_raw(_cut(moment, policy.raw_days), holds, dry_run=dry_run)
    if policy.content_days is not None:
        content = store.strip_content(_cut(moment, policy.content_days), holds, dry_run=dry_run)
    report = RetentionReport(_rfc3339(moment), dry_run, raw, content, nothing, 0, None)
    if policy.metadata_days is not None:
        report = _prune(store, report, _cut(moment, policy.metadata_days), holds, signing_key)
    if report.changed:
        store.append([applied_event(report, policy, by=by, now=moment)])
    return report


def _prune(
    store: EventStore,
    report: RetentionReport,
    before: str,
    holds: Holds,
    key: Ed25519PrivateKey | None,
) -> RetentionReport:
    from dataclasses import replace

    prefix = store.chain_prefix(before, holds)
    target, checkpoint = prefix.last, None
    if target >= prefix.first:
        if key is None:  # only down to a checkpoint already there
            kept = [c.seq for c in store.checkpoints() if prefix.first <= c.seq <= target]
            target = max(kept, default=prefix.first - 1)
        elif not report.dry_run:
            checkpoint = _sign_start(store, target, report.now, key)
    removed = store.prune(target, dry_run=report.dry_run) if target >= prefix.first else 0
    return replace(
        report,
        metadata=Removal(removed, prefix.held),
        waiting=prefix.expired - prefix.held - removed,
        chain_start=target + 1 if removed else prefix.first,
        checkpoint=checkpoint,
    )


def _sign_start(store: EventStore, seq: int, time: str, key: Ed25519PrivateKey) -> Checkpoint:
    from gatepost.evidence.chain import sign_checkpoint

    event = next(iter(store.iter_chain(after_seq=seq - 1)), None)
    if event is None or event.seq != seq:
        raise StoreError(f"cannot sign a checkpoint at seq {seq}: no event there")
    checkpoint = sign_checkpoint(seq, event.hash, time, key)
    store.add_checkpoint(checkpoint)
    return checkpoint


def applied_event(
    report: RetentionReport, policy: RetentionPolicy, *, by: str, now: datetime
) -> Event:
    """The record of one retention run: gatepost's own event, kind other."""
    data = report.as_dict()
    data["policy"] = {name: getattr(policy, name) for name in _CLASSES}
    data["holds"] = [
        {"session": h.session, "user": h.user, "reason": h.reason} for h in policy.holds
    ]
    summary = (
        f"retention: raw evidence of {report.raw.removed} events removed, content of "
        f"{report.content.removed} events removed, {report.metadata.removed} events removed"
    )
    if report.chain_start is not None:
        summary += f"; the chain starts at seq {report.chain_start}"
    action = Action(
        time=report.now,
        actor=Actor(user=User(id=by)),
        surface=Surface(agent=AUDIT_AGENT, event=APPLIED_EVENT, tool="retention", phase="post"),
        operation=Operation(kind=Kind.OTHER),
        raw=data,
    )
    return make_event(action, Decision(explanation=summary), now_ns=time_micros(now) * 1000)


def _cut(now: datetime, days: int) -> str:
    return _rfc3339(now - timedelta(days=days))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _rfc3339(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="microseconds").replace("+00:00", "Z")
