"""Raw evidence rows and retention for the SQL backends: the SqlStore methods of those names.

Raw evidence is one ``raw_evidence`` row per event, sealed before it gets here
(gatepost.evidence.raw). Retention changes the store in the chain's own transaction (the chain
lock held, so appends wait) and never changes a seq, prev_hash or hash:

- raw: the rows kept before the cut are deleted;
- content: old events' documents are replaced, a page at a time, by their stripped form
  (gatepost.evidence.event.strip_content), whose chain document is the same: only the doc,
  content_digest and search columns change;
- metadata: a prefix of the chain is deleted, down to a checkpoint verify then starts from.

A legal hold is a condition on the session and user_id columns. A dry run only reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from gatepost.errors import StoreError
from gatepost.evidence import event as ev
from gatepost.store.base import Holds, Prefix, RawRow, Removal, parse_time

if TYPE_CHECKING:
    from gatepost.store.sql import SqlStore

Run = Callable[[str, Sequence[object]], list[tuple[Any, ...]]]

_PAGE = 500  # events stripped per transaction
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_RAW_COLUMNS = "event_id, created_at, nonce, ciphertext, key_id"
_STRIP = "UPDATE events SET doc = ?, content_digest = ?, search = ? WHERE id = ?"


# ---------------------------------------------------------------------------- raw evidence


def put_raw(store: SqlStore, row: RawRow) -> bool:
    from gatepost.store.sql import clean

    created = store.dialect.time_param(parse_time(row.created_at, what="created_at"))
    params = (clean(row.event_id), created, row.nonce, row.ciphertext, row.key_id)
    with store._chain_transaction("keep raw evidence") as tx:
        if tx.execute("SELECT 1 FROM raw_evidence WHERE event_id = ?", params[:1]):
            return False
        tx.execute(f"INSERT INTO raw_evidence ({_RAW_COLUMNS}) VALUES (?, ?, ?, ?, ?)", params)
    return True


def get_raw(store: SqlStore, event_id: str) -> RawRow | None:
    from gatepost.store.sql import clean

    sql = f"SELECT {_RAW_COLUMNS} FROM raw_evidence WHERE event_id = ?"
    rows = store._read(sql, (clean(event_id),))
    if not rows:
        return None
    found, created, nonce, ciphertext, key_id = rows[0]
    return RawRow(str(found), _time_text(created), bytes(nonce), bytes(ciphertext), str(key_id))


def _time_text(value: Any) -> str:
    """RFC 3339 of a time column (an aware datetime, or microseconds since the epoch)."""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC)
    else:
        moment = _EPOCH + timedelta(microseconds=int(value))
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


# ---------------------------------------------------------------------------- retention


def remove_raw(store: SqlStore, before: str, holds: Holds, *, dry_run: bool) -> Removal:
    cut = store.dialect.time_param(parse_time(before, what="before"))
    held_sql, held_params = _held(holds)
    held_ids = f"SELECT id FROM events WHERE {held_sql}"
    params = [cut, *held_params]
    with _transaction(store, dry_run) as run:
        held = _count(
            run,
            f"SELECT count(*) FROM raw_evidence WHERE created_at < ? AND event_id IN ({held_ids})",
            params,
        )
        where = f"created_at < ? AND event_id NOT IN ({held_ids})"
        removed = _count(run, f"SELECT count(*) FROM raw_evidence WHERE {where}", params)
        if removed and not dry_run:
            run(f"DELETE FROM raw_evidence WHERE {where}", params)
    return Removal(removed, held)


def strip_content(store: SqlStore, before: str, holds: Holds, *, dry_run: bool) -> Removal:
    cut = store.dialect.time_param(parse_time(before, what="before"))
    held_sql, held_params = _held(holds)
    kept = "ts < ? AND content_digest = '' AND agent <> ?"
    params = [cut, ev.AUDIT_AGENT, *held_params]
    with _transaction(store, True) as run:
        held = _count(run, f"SELECT count(*) FROM events WHERE {kept} AND {held_sql}", params)
        if dry_run:
            where = f"{kept} AND NOT {held_sql}"
            return Removal(_count(run, f"SELECT count(*) FROM events WHERE {where}", params), held)
    select = (
        f"{store.dialect.event_select()} WHERE {kept} AND NOT {held_sql} ORDER BY seq LIMIT {_PAGE}"
    )
    removed = 0
    while True:
        with store._chain_transaction("retention") as tx:
            rows = tx.execute(select, params)
            for row in rows:
                stripped = ev.strip_content(store._decode(row))
                doc = store.dialect.encode_doc(ev.canonical_json(stripped))
                search = store._index_values(stripped)[-1]
                tx.execute(_STRIP, (doc, stripped.content_digest, search, row[0]))
        removed += len(rows)
        if len(rows) < _PAGE:
            return Removal(removed, held)


def chain_prefix(store: SqlStore, before: str, holds: Holds) -> Prefix:
    cut = store.dialect.time_param(parse_time(before, what="before"))
    held_sql, held_params = _held(holds)
    first, head = store._read("SELECT min(seq), max(seq) FROM events")[0]
    if head is None:
        return Prefix(0, -1, 0, 0)
    keep = store._read(
        f"SELECT seq FROM events WHERE ts >= ? OR {held_sql} ORDER BY seq LIMIT 1",
        [cut, *held_params],
    )
    last = int(keep[0][0] if keep else head) - 1
    expired = _count(store._read, "SELECT count(*) FROM events WHERE ts < ?", [cut])
    held = _count(
        store._read,
        f"SELECT count(*) FROM events WHERE ts < ? AND {held_sql}",
        [cut, *held_params],
    )
    return Prefix(int(first), last, expired, held)


def prune(store: SqlStore, through_seq: int, *, dry_run: bool) -> int:
    with _transaction(store, dry_run) as run:
        first, head = run("SELECT min(seq), max(seq) FROM events", ())[0]
        if head is None or through_seq < first:
            return 0
        if through_seq >= head:
            raise StoreError(
                f"cannot remove the events through seq {through_seq}: the last event "
                f"(seq {head}) always stays, it holds the head of the chain"
            )
        found = run(
            "SELECT e.hash, c.hash FROM events e LEFT JOIN checkpoints c ON c.seq = e.seq "
            "WHERE e.seq = ?",
            (through_seq,),
        )
        if not dry_run and (not found or found[0][0] != found[0][1]):
            raise StoreError(
                f"cannot remove the events through seq {through_seq}: no checkpoint there with "
                "that event's hash, which verify needs to start from"
            )
        removed = _count(run, "SELECT count(*) FROM events WHERE seq <= ?", (through_seq,))
        if not dry_run:
            run(
                "DELETE FROM raw_evidence WHERE event_id IN (SELECT id FROM events WHERE seq <= ?)",
                (through_seq,),
            )
            run("DELETE FROM events WHERE seq <= ?", (through_seq,))
    return removed


# ---------------------------------------------------------------------------- helpers


@contextmanager
def _transaction(store: SqlStore, read_only: bool) -> Iterator[Run]:
    """Plain reads for a dry run; otherwise one write transaction holding the chain lock."""
    if read_only:
        yield store._read
        return
    with store._chain_transaction("retention") as tx:
        yield tx.execute


def _count(run: Run, sql: str, params: Sequence[object]) -> int:
    return int(run(sql, params)[0][0])


def _held(holds: Holds) -> tuple[str, list[object]]:
    """The SQL condition "under a legal hold" on events, and its parameters."""
    from gatepost.store.sql import clean

    parts: list[str] = []
    params: list[object] = []
    for column, values in (("session", holds.sessions), ("user_id", holds.users)):
        if values:
            parts.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(clean(v) for v in values)
    return ("(" + " OR ".join(parts) + ")" if parts else "(1 = 0)"), params
