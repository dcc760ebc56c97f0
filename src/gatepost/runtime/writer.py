"""Moving the journal to the store, exactly once.

``drain`` seals each location's current segment (:func:`gatepost.runtime.journal.seal`), then
for each sealed segment, oldest first: reads its intact records, appends their events to the
store in one batch, seals their raw payloads (raw evidence on), and removes the segment. The
segment files are the durable read position: a segment is removed only after the store has
committed its events, and a crash between the two stores the segment again, which the store's
append skips event by event (appends are idempotent by event id). So nothing is appended twice
and nothing is skipped.

A batch the store refuses is retried one event at a time: an event the store refuses while it
still answers is quarantined (:mod:`gatepost.runtime.quarantine`) and the quarantine event is
stored in its place, so one poison record never stops the records behind it. When the store
itself is down, the segments stay and are drained later. Drains in several processes (the
resident process, the hook's detached child) are serialised by a lock per location.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gatepost import codec
from gatepost.config import Config
from gatepost.errors import ConfigError, GatepostError, StoreError
from gatepost.evidence.event import Event
from gatepost.runtime import journal
from gatepost.runtime.checkpoints import AutoCheckpoint
from gatepost.runtime.quarantine import quarantine_event
from gatepost.store.base import EventStore, open_store


@dataclass(frozen=True, slots=True)
class Drained:
    """One drain: events stored, records quarantined, records still waiting, the problem."""

    stored: int = 0
    quarantined: int = 0
    waiting: int = 0
    problem: str = ""


@contextmanager
def _drain_lock(directory: Path) -> Iterator[None]:
    fd = os.open(directory / "drain.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class Writer:
    """Drains one GATEPOST_HOME's journal into its store; keeps the store open between drains."""

    def __init__(self, config: Config, *, checkpoint_every: int | None = None) -> None:
        self.config = config
        self._store: EventStore | None = None
        every = {} if checkpoint_every is None else {"every_events": checkpoint_every}
        self.checkpoints = AutoCheckpoint(config.home, **every)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _open(self) -> EventStore:
        if self._store is None:  # a segment is removed only once its events are on disk
            durable = self.config.journal_fsync != "never"
            self._store = open_store(self.config.store_url, durable=durable)
        return self._store

    def drain(self, *, checkpoint: bool = False) -> Drained:
        """Move every waiting record to the store; ``checkpoint`` signs the head afterwards
        whatever the interval (the hook's child, which will not be there later, does)."""
        stored = quarantined = 0
        problem = ""
        # the fallback first: it holds what was written while the home could not be
        for directory in reversed(journal.locations(self.config.home)):
            if not directory.is_dir():
                continue
            try:
                with _drain_lock(directory):
                    journal.seal(directory)
                    for segment in journal.segments(directory):
                        s, q = self._store_segment(segment)
                        stored, quarantined = stored + s, quarantined + q
            except (OSError, StoreError) as exc:
                problem = problem or f"{directory}: {exc}"
                self.close()
        if self._store is not None and not problem:
            try:
                self.checkpoints.maybe(self._store, force=checkpoint)
            except (StoreError, ConfigError, OSError) as exc:
                problem = f"checkpoint not made: {exc}"
        waiting = journal.pending(self.config.home) if problem else 0
        if problem:
            problem = f"{waiting} event(s) wait in the journal: {problem}"
        return Drained(stored, quarantined, waiting, problem)

    def _store_segment(self, segment: Path) -> tuple[int, int]:
        records, _torn = journal.read_segment(segment)
        home = self.config.home
        events: list[Event] = []
        raws: list[tuple[str, bytes]] = []
        quarantined = 0
        for r in records:
            try:
                event = codec.from_dict(Event, r.event)
            except (GatepostError, TypeError, ValueError, KeyError, RecursionError) as exc:
                blob = repr(r.event).encode("utf-8", "replace")
                event = quarantine_event(home, blob, f"journal record not an event: {exc}")
                quarantined += 1
            events.append(event)
            if r.raw is not None:
                raws.append((event.id, r.raw))
        store = self._open()
        from gatepost.runtime.fallback import deliver_spool  # events spooled by earlier versions

        deliver_spool(self.config, store)
        try:
            stored = store.append(events)
        except StoreError:
            stored, q = self._one_by_one(store, events)
            quarantined += q
        if raws and self.config.raw_evidence.enabled:
            self._keep_raw(store, raws)
        segment.unlink()
        return stored, quarantined

    def _one_by_one(self, store: EventStore, events: list[Event]) -> tuple[int, int]:
        stored = quarantined = 0
        for event in events:
            try:
                stored += store.append([event])
                continue
            except StoreError as exc:
                store.head()  # the store itself is down: raises, the segment stays
                reason = f"the store refused event {event.id}: {exc}"
            blob = repr(codec.to_dict(event)).encode("utf-8", "backslashreplace")
            verdict = event.decision.verdict
            q = quarantine_event(
                self.config.home, blob, reason, agent=event.action.surface.agent, verdict=verdict
            )
            stored += store.append([q])
            quarantined += 1
        return stored, quarantined

    def _keep_raw(self, store: EventStore, raws: list[tuple[str, bytes]]) -> None:
        from gatepost.evidence.raw import load_key, store_raw

        key = load_key(self.config.raw_evidence.key_path(self.config.home), create=True)
        for event_id, data in raws:
            store_raw(store, event_id, data, key)
