"""What the SQL backends share: the row layout, the query builder and the chained append
(raw evidence and retention: gatepost.store.sql_retention).

A backend supplies a Dialect (how its SQL differs) and four primitives: ``_read``, ``_write``,
``_chain_transaction`` (a write transaction holding the chain lock) and ``close``; every one of
them turns its driver's errors into StoreError. SQL here is written with ``?`` placeholders.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from gatepost.errors import PayloadError, StoreError
from gatepost.evidence.event import (
    GENESIS_HASH,
    Checkpoint,
    Event,
    chain_hash,
    chain_parts,
    event_from_dict,
    has_content,
    index_row,
    link_hash,
)
from gatepost.store import sql_retention
from gatepost.store.base import (
    COUNT_DIMENSIONS,
    CorruptEventError,
    EventQuery,
    EventStore,
    Holds,
    Prefix,
    RawRow,
    Removal,
    parse_time,
)

CHAIN_COLUMNS = ("id", "seq", "prev_hash", "hash", "content_digest", "doc")
INDEX_COLUMNS = (
    "ts",
    "user_id",
    "user_groups",
    "host_id",
    "repository",
    "agent",
    "session",
    "kind",
    "verdict",
    "pack",
    "rule",
    "mode",
    "search",
)
COLUMNS = CHAIN_COLUMNS + INDEX_COLUMNS
_DIMENSION_COLUMNS = {
    "verdict": "verdict",
    "pack": "pack",
    "rule": "rule",
    "agent": "agent",
    "user": "user_id",
    "host": "host_id",
    "repository": "repository",
    "kind": "kind",
    "mode": "mode",
}
_EQUAL_FILTERS = (
    ("user", "user_id"),
    ("host", "host_id"),
    ("repository", "repository"),
    ("agent", "agent"),
    ("session", "session"),
    ("kind", "kind"),
    ("verdict", "verdict"),
    ("pack", "pack"),
    ("rule", "rule"),
    ("mode", "mode"),
)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # no NUL (PostgreSQL text) nor lone surrogates
_PAGE = 1000


def clean(text: str) -> str:
    """Text fit for an indexed column of either backend (NUL, lone surrogates -> U+FFFD)."""
    return text if _all_storable(text) else _UNSTORABLE.sub("\ufffd", text)


def _all_storable(text: str) -> bool:
    if text.isascii():
        return "\x00" not in text
    return _UNSTORABLE.search(text) is None


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between SQLite and PostgreSQL in the store's SQL."""

    time_param: Callable[[datetime], object]  # ts column value of an aware UTC datetime
    groups_param: Callable[[tuple[str, ...]], object]  # user_groups column value
    group_match: str  # condition on user_groups, one ? for the group
    text_match: str  # condition on search, one ? for the case-folded needle
    day: str  # UTC day of ts as YYYY-MM-DD
    encode_doc: Callable[[str], str]  # doc column value of an event's canonical JSON
    decode_doc: Callable[[Any], dict[str, Any]]  # and back
    doc_select: str = "doc"  # how to select the doc column for decode_doc

    def event_select(self, *, with_index: bool = False) -> str:
        columns = ", ".join((*CHAIN_COLUMNS[:-1], self.doc_select))
        if with_index:
            columns += ", " + ", ".join(INDEX_COLUMNS)
        return f"SELECT {columns} FROM events"


class ChainTx(Protocol):
    """A write transaction holding the chain lock."""

    def head(self) -> tuple[int, str]: ...

    def existing_ids(self, ids: Sequence[str]) -> set[str]: ...

    def insert(self, rows: Sequence[tuple[object, ...]]) -> None: ...

    def execute(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Any statement (``?`` placeholders); the rows it returns, if any."""


class _Prepared(NamedTuple):
    id: str
    chained: bytes  # chain_document
    content_digest: str
    doc: str
    columns: tuple[object, ...]  # INDEX_COLUMNS values


class SqlStore(EventStore):
    dialect: Dialect

    # -------------------------------------------------------------------- primitives

    @abstractmethod
    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _write(self, sql: str, params: Sequence[object] = ()) -> None: ...

    @abstractmethod
    def _chain_transaction(self, doing: str = "append") -> AbstractContextManager[ChainTx]: ...

    # -------------------------------------------------------------------- writing

    def append(self, events: Sequence[Event]) -> int:
        prepared = self._prepare(events)
        if not prepared:
            return 0
        rows: list[tuple[object, ...]] = []
        with self._chain_transaction() as tx:
            seq, prev = tx.head()
            existing = tx.existing_ids([p.id for p in prepared])
            for p in prepared:
                if p.id in existing:
                    continue
                seq += 1
                digest = link_hash(prev, p.chained)
                rows.append((p.id, seq, prev, digest, p.content_digest, p.doc, *p.columns))
                prev = digest
            if rows:
                tx.insert(rows)
        return len(rows)

    def _prepare(self, events: Sequence[Event]) -> list[_Prepared]:
        seen: set[str] = set()
        out: list[_Prepared] = []
        encode = self.dialect.encode_doc
        for event in events:
            if event.id in seen:
                continue
            seen.add(event.id)
            if not event.id:
                raise StoreError("an event without an id cannot be stored")
            try:
                text, chained = chain_parts(event)
                doc = encode(text)
            except (TypeError, ValueError, RecursionError) as exc:
                raise StoreError(f"event {event.id}: cannot be serialized as JSON: {exc}") from None
            stripped = event.content_digest and not has_content(event)
            digest = clean(event.content_digest) if stripped else ""
            out.append(_Prepared(clean(event.id), chained, digest, doc, self._index_values(event)))
        return out

    def _index_values(self, event: Event) -> tuple[object, ...]:
        user, groups, host, repository, agent, session, kind, verdict, pack, rule, mode, text = (
            index_row(event)
        )
        texts = [user, host, repository, agent, session, pack, rule, text]
        if not _all_storable("".join(texts) + "".join(groups)):
            user, host, repository, agent, session, pack, rule, text = map(clean, texts)
            groups = tuple(map(clean, groups))
        d = self.dialect
        return (
            d.time_param(parse_time(event.time, what=f"event {event.id}: time")),
            user,
            d.groups_param(groups),
            host,
            repository,
            agent,
            session,
            kind,
            verdict,
            pack,
            rule,
            mode,
            text,
        )

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self._write(
            "INSERT INTO checkpoints (seq, hash, time, signature) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (seq) DO UPDATE SET hash = excluded.hash, time = excluded.time, "
            "signature = excluded.signature",
            (checkpoint.seq, checkpoint.hash, checkpoint.time, checkpoint.signature),
        )

    # -------------------------------------------------------------------- reading

    def get(self, event_id: str) -> Event | None:
        rows = self._read(self.dialect.event_select() + " WHERE id = ?", (clean(event_id),))
        return self._decode(rows[0]) if rows else None

    def query(self, q: EventQuery) -> list[Event]:
        where, params = self._where(q)
        order = "DESC" if q.order == "desc" else "ASC"
        select = self.dialect.event_select()
        sql = f"{select}{where} ORDER BY ts {order}, seq {order} LIMIT {int(q.limit)}"
        return [self._decode(row) for row in self._read(sql, params)]

    def timeline(self, session: str) -> list[Event]:
        sql = self.dialect.event_select() + " WHERE session = ? ORDER BY ts, seq"
        return [self._decode(row) for row in self._read(sql, (clean(session),))]

    def counts(self, q: EventQuery, by: str) -> list[tuple[str, int]]:
        if by == "day":
            key, order = self.dialect.day, "1"
        elif by in _DIMENSION_COLUMNS:
            key, order = _DIMENSION_COLUMNS[by], "2 DESC, 1"
        else:
            raise StoreError(f"cannot count by {by!r}: one of {', '.join(COUNT_DIMENSIONS)}")
        where, params = self._where(q)
        sql = f"SELECT {key}, count(*) FROM events{where} GROUP BY 1 ORDER BY {order}"
        return [(str(k), int(n)) for k, n in self._read(sql, params)]

    def iter_chain(self, after_seq: int = 0) -> Iterator[Event]:
        last = after_seq
        sql = (
            f"{self.dialect.event_select(with_index=True)} WHERE seq > ? ORDER BY seq LIMIT {_PAGE}"
        )
        while True:
            rows = self._read(sql, (last,))
            for row in rows:
                event = self._decode(row)
                self._check_columns(event, row)
                yield event
            if len(rows) < _PAGE:
                return
            last = rows[-1][1]

    def head(self) -> tuple[int, str]:
        rows = self._read("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        return (int(rows[0][0]), str(rows[0][1])) if rows else (0, GENESIS_HASH)

    def checkpoints(self) -> list[Checkpoint]:
        rows = self._read("SELECT seq, hash, time, signature FROM checkpoints ORDER BY seq")
        return [Checkpoint(int(s), str(h), str(t), str(sig)) for s, h, t, sig in rows]

    # -------------------------------------------------------------------- raw evidence, retention

    def put_raw(self, row: RawRow) -> bool:
        return sql_retention.put_raw(self, row)

    def get_raw(self, event_id: str) -> RawRow | None:
        return sql_retention.get_raw(self, event_id)

    def remove_raw(self, before: str, holds: Holds, *, dry_run: bool = False) -> Removal:
        return sql_retention.remove_raw(self, before, holds, dry_run=dry_run)

    def strip_content(self, before: str, holds: Holds, *, dry_run: bool = False) -> Removal:
        return sql_retention.strip_content(self, before, holds, dry_run=dry_run)

    def chain_prefix(self, before: str, holds: Holds) -> Prefix:
        return sql_retention.chain_prefix(self, before, holds)

    def prune(self, through_seq: int, *, dry_run: bool = False) -> int:
        return sql_retention.prune(self, through_seq, dry_run=dry_run)

    # -------------------------------------------------------------------- helpers

    def _check_columns(self, event: Event, row: tuple[Any, ...]) -> None:
        """CorruptEventError when an intact document's indexed columns were changed.

        (A document that no longer matches its hash is left to verify to report.)
        """
        stored = tuple(row[len(CHAIN_COLUMNS) :])
        try:
            derived = self._index_values(event)
        except StoreError:  # e.g. a time that is not RFC 3339
            derived = (None,) * len(INDEX_COLUMNS)
        if stored != derived and chain_hash(event.prev_hash, event) == event.hash:
            changed = [c for c, a, b in zip(INDEX_COLUMNS, stored, derived, strict=True) if a != b]
            raise CorruptEventError(
                f"event {event.id} (seq {event.seq}) was altered: indexed columns differ from "
                f"its document ({', '.join(changed)})",
                seq=event.seq,
                event_id=event.id,
            )

    def _decode(self, row: tuple[Any, ...]) -> Event:
        event_id, seq, prev_hash, digest, content_digest, doc = row[: len(CHAIN_COLUMNS)]
        try:
            data = self.dialect.decode_doc(doc)
            data.update(seq=seq, prev_hash=prev_hash, hash=digest, content_digest=content_digest)
            event = event_from_dict(data)
        except (PayloadError, ValueError, TypeError, AttributeError) as exc:
            raise CorruptEventError(
                f"event {event_id} (seq {seq}) was altered: its stored document cannot be "
                f"read ({exc})",
                seq=seq,
                event_id=event_id,
            ) from None
        if clean(event.id) != event_id:
            raise CorruptEventError(
                f"event {event_id} (seq {seq}) was altered: its document has id {event.id!r}",
                seq=seq,
                event_id=event_id,
            )
        return event

    def _where(self, q: EventQuery) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if q.since is not None:
            clauses.append("ts >= ?")
            params.append(self.dialect.time_param(parse_time(q.since)))
        if q.until is not None:
            clauses.append("ts < ?")
            params.append(self.dialect.time_param(parse_time(q.until)))
        for name, column in _EQUAL_FILTERS:
            value = getattr(q, name)
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(clean(value))
        if q.group is not None:
            clauses.append(self.dialect.group_match)
            params.append(clean(q.group))
        if q.text is not None:
            clauses.append(self.dialect.text_match)
            params.append(clean(q.text).casefold())
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
