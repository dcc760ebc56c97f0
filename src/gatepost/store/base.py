"""The one EventStore contract (DESIGN §4, §7), its query type, and the factory ``open_store``.

Every backend (SQLite, PostgreSQL) passes the same contract tests (tests/store). This module
imports no database driver: ``open_store`` imports the backend it is asked for.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from types import TracebackType
from typing import Literal, NamedTuple

from gatepost.errors import StoreError
from gatepost.evidence.event import Checkpoint, Event

COUNT_DIMENSIONS = (
    "verdict",
    "pack",
    "rule",
    "agent",
    "user",
    "host",
    "repository",
    "kind",
    "mode",
    "day",
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class CorruptEventError(StoreError):
    """A stored event that cannot be read back as it was written (see evidence.chain.verify)."""

    def __init__(self, message: str, *, seq: int, event_id: str) -> None:
        super().__init__(message)
        self.seq = seq
        self.event_id = event_id


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Which events to return: every given filter must hold (None = no filter).

    ``since`` is inclusive and ``until`` exclusive, both RFC 3339 and compared as instants.
    ``group`` matches an event whose actor has that group among others; ``pack``, ``rule`` and
    ``mode`` are those of the winning match; ``text`` is a case-insensitive substring of the
    command text, paths, urls, MCP server and tool, search query or content excerpt.
    Results are ordered by event time then seq, ``order`` ("asc" or "desc"), at most ``limit``
    (``counts`` ignores ``order`` and ``limit`` and counts every matching event).
    """

    since: str | None = None
    until: str | None = None
    user: str | None = None
    group: str | None = None
    host: str | None = None
    repository: str | None = None
    agent: str | None = None
    session: str | None = None
    kind: str | None = None
    verdict: str | None = None
    pack: str | None = None
    rule: str | None = None
    mode: str | None = None
    text: str | None = None
    limit: int = 100
    order: Literal["asc", "desc"] = "desc"

    def __post_init__(self) -> None:
        for name in ("kind", "verdict", "mode"):  # accept Kind, Verdict, Mode members
            value = getattr(self, name)
            if isinstance(value, Enum):
                object.__setattr__(self, name, str(value.value))
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                parse_time(value, what=name)
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1:
            raise StoreError(f"query limit must be a positive integer, got {self.limit!r}")
        if self.order not in ("asc", "desc"):
            raise StoreError(f"query order must be 'asc' or 'desc', got {self.order!r}")


@dataclass(frozen=True, slots=True)
class RawRow:
    """One event's raw evidence as the store keeps it: sealed by gatepost.evidence.raw."""

    event_id: str
    created_at: str  # RFC 3339: when it was kept (raw retention counts from here)
    nonce: bytes
    ciphertext: bytes
    key_id: str  # which key sealed it


@dataclass(frozen=True, slots=True)
class Holds:
    """Legal holds: the events of these sessions and users are never removed nor stripped."""

    sessions: tuple[str, ...] = ()
    users: tuple[str, ...] = ()


class Removal(NamedTuple):
    removed: int  # rows removed (in a dry run: that would be)
    held: int  # rows past their retention, kept because of a legal hold


class Prefix(NamedTuple):
    """The part of the chain metadata retention may remove (see EventStore.chain_prefix)."""

    first: int  # seq of the first stored event, 0 for an empty store
    last: int  # seq of the last event that may go (first - 1 when none may)
    expired: int  # events older than the cut
    held: int  # of those, events under a legal hold


class EventStore(ABC):
    """Where events are kept: append-only, hash-chained, searchable.

    Every method raises StoreError (never a driver's exception) when the store cannot answer:
    unreachable, full, read-only, corrupt, or a newer schema than this version knows.
    """

    @abstractmethod
    def append(self, events: Sequence[Event]) -> int:
        """Store events in one transaction, in the given order, and return how many were new.

        An event whose id is already stored (or repeated within ``events``) is skipped, so a
        retried batch is a no-op. Each new event gets the next seq and its hash chain link
        (prev_hash = the hash of the event before it); the ``seq``, ``prev_hash`` and ``hash``
        of the given events are ignored. When this returns, the events are committed.
        """

    @abstractmethod
    def get(self, event_id: str) -> Event | None:
        """The stored event with that id (seq and hashes filled in), or None."""

    @abstractmethod
    def query(self, q: EventQuery) -> list[Event]:
        """Events matching ``q``, ordered by time then seq."""

    @abstractmethod
    def timeline(self, session: str) -> list[Event]:
        """Every event of one agent session, oldest first (time, then seq)."""

    @abstractmethod
    def counts(self, q: EventQuery, by: str) -> list[tuple[str, int]]:
        """Number of events matching ``q`` per value of ``by`` (one of COUNT_DIMENSIONS).

        Ordered by count, highest first, then value; ``day`` (UTC, YYYY-MM-DD) by day.
        """

    @abstractmethod
    def iter_chain(self, after_seq: int = 0) -> Iterator[Event]:
        """Stored events with seq > after_seq, in seq order, read in pages.

        Raises CorruptEventError at an event whose stored document cannot be decoded or whose
        indexed columns disagree with its document.
        """

    @abstractmethod
    def head(self) -> tuple[int, str]:
        """(seq, hash) of the last event; (0, GENESIS_HASH) for an empty store."""

    @abstractmethod
    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Keep a signed checkpoint (one per seq: a second one for the same seq replaces it)."""

    @abstractmethod
    def checkpoints(self) -> list[Checkpoint]:
        """Every kept checkpoint, by seq."""

    # -------------------------------------------------------------------- raw evidence

    @abstractmethod
    def put_raw(self, row: RawRow) -> bool:
        """Keep an event's sealed raw evidence; False, keeping the first, when it has some."""

    @abstractmethod
    def get_raw(self, event_id: str) -> RawRow | None:
        """The sealed raw evidence of that event, or None."""

    # -------------------------------------------------------------------- retention

    @abstractmethod
    def remove_raw(self, before: str, holds: Holds, *, dry_run: bool = False) -> Removal:
        """Remove the raw evidence kept before ``before`` (RFC 3339), but held events'."""

    @abstractmethod
    def strip_content(self, before: str, holds: Holds, *, dry_run: bool = False) -> Removal:
        """Remove the content (gatepost.evidence.event.strip_content) of the events whose time
        is before ``before``, but held events' and gatepost's own (agent AUDIT_AGENT). The
        chain is unchanged: a stripped event keeps its hash. Counts events stripped now."""

    @abstractmethod
    def chain_prefix(self, before: str, holds: Holds) -> Prefix:
        """The longest prefix of the chain whose events are all older than ``before`` and under
        no hold, without the last event (which carries the head): what ``prune`` may remove."""

    @abstractmethod
    def prune(self, through_seq: int, *, dry_run: bool = False) -> int:
        """Remove the events with seq <= through_seq and their raw evidence, in one
        transaction; returns how many events. Refused (StoreError) for the last event (it holds
        the head), and unless a checkpoint at through_seq holds that event's hash: verify
        (evidence.chain) starts there. A dry run counts only, without that check."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection; the store cannot be used afterwards."""

    def __enter__(self) -> EventStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_store(url: str, *, durable: bool = False) -> EventStore:
    """The store at ``url``: ``sqlite:///abs/path.db``, a bare file path, ``sqlite:///:memory:``
    or ``postgresql://...`` (also ``postgres://``; libpq parameters such as
    ``?options=-csearch_path%3Dgp`` apply). ``durable``: each commit survives a power loss
    (SQLite ``synchronous=FULL``; a PostgreSQL commit is by default)."""
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from gatepost.store.postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(
                f"a PostgreSQL store needs psycopg: pip install 'psycopg[binary]' ({exc})"
            ) from None
        return PostgresStore(url)
    from gatepost.store.sqlite import SQLiteStore

    synchronous = "FULL" if durable else "NORMAL"
    if url.startswith("sqlite://"):
        path = url[len("sqlite://") :]
        if not path:
            raise StoreError(f"no file path in store url {url!r}")
        path = ":memory:" if path in (":memory:", "/:memory:") else path
        return SQLiteStore(path, synchronous=synchronous)
    if "://" in url:
        raise StoreError(f"unsupported store url {url!r}: use sqlite:///path or postgresql://")
    return SQLiteStore(url, synchronous=synchronous)


def parse_time(text: str, *, what: str = "time") -> datetime:
    """An RFC 3339 time as an aware UTC datetime (no offset is taken as UTC)."""
    value = text.strip()
    if value[-1:] in ("z", "Z"):
        value = value[:-1] + "+00:00"
    if len(value) > 10 and value[10] in "t ":
        value = value[:10] + "T" + value[11:]
    try:
        parsed = datetime.fromisoformat(value)
    except (ValueError, TypeError):
        raise StoreError(f"{what} {text!r} is not an RFC 3339 time") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def time_micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch."""
    return (moment - _EPOCH) // _MICROSECOND
