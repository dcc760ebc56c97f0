"""The evidence journal: each redacted event is appended here before the reply leaves.

A record is one ``os.write`` of a whole frame on a file opened with ``O_APPEND``, so once
:func:`append` returns the record is in the kernel's page cache and survives the process being
killed. A frame is ``\\n`` + CRC-32 (8 hex digits) + ``\\t`` + the event as ASCII JSON
(+ ``\\t`` + the raw payload in base64, when raw evidence is on) + ``\\n``. JSON in ASCII holds
no newline nor tab, so a reader splits on newlines and skips any line whose checksum does not
match: a torn tail (a write cut short by a full disk) is skipped, and the leading newline keeps
it from swallowing the record written after it.

Appenders write to ``current.log``. The writer seals it by renaming it to ``seg-<ns>.log`` and
then takes an exclusive lock on it, which waits for the appenders still writing to it (each
holds a shared lock while it writes, and writes only if its file is still ``current.log``).
Sealed segments are read, stored and removed by the writer (:mod:`gatepost.runtime.writer`).

Power loss: what the kernel holds but has not written is lost unless it was fsynced. The policy
is the ``journal_fsync`` setting of config.yaml (``Config.journal_fsync``): ``batch`` (the
default: records are not fsynced one by one; the writer stores each drained batch with a synced
commit before it removes the segment, so the window is the records not yet drained),
``always`` (also fsync each record before the reply: no window) or ``never`` (no fsync at all:
the store's commits are not synced either). ``benchmarks/bench_journal.py`` measures the cost
of each.

When GATEPOST_HOME cannot be written (read-only, full), records go to a second location,
``$XDG_RUNTIME_DIR/gatepost-<uid>/<home-id>/journal`` (else under ``/tmp``), a directory of
ours with mode 0700 (refused if another account owns it or it is wider); the writer drains it
too.
"""

from __future__ import annotations

import base64
import binascii
import errno
import fcntl
import hashlib
import json
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gatepost.errors import StoreError

CURRENT = "current.log"
SEGMENT_GLOB = "seg-*.log"


@dataclass(frozen=True, slots=True)
class Record:
    """One journal record as read back: the event's JSON document and its raw payload."""

    event: dict[str, object]
    raw: bytes | None


# ---------------------------------------------------------------------------- frames


def encode(event_doc: dict[str, object], raw: bytes | None = None) -> bytes:
    """One frame. Raises ValueError for a document JSON cannot hold (NaN, infinity)."""
    body = json.dumps(event_doc, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    data = body.encode("ascii")
    if raw is not None:
        data += b"\t" + base64.b64encode(raw)
    return b"\n%08x\t" % binascii.crc32(data) + data + b"\n"


def decode_lines(blob: bytes) -> tuple[list[Record], int]:
    """The intact records of a segment, in order, and how many lines were torn or corrupt."""
    records: list[Record] = []
    bad = 0
    for line in blob.split(b"\n"):
        if not line:
            continue
        record = _decode_line(line)
        if record is None:
            bad += 1
        else:
            records.append(record)
    return records, bad


def _decode_line(line: bytes) -> Record | None:
    crc, sep, data = line.partition(b"\t")
    if not sep or len(crc) != 8:
        return None
    try:
        if int(crc, 16) != binascii.crc32(data):
            return None
        body, _, raw = data.partition(b"\t")
        doc = json.loads(body)
        payload = base64.b64decode(raw, validate=True) if raw else None
    except (ValueError, binascii.Error):
        return None
    return Record(doc, payload) if isinstance(doc, dict) else None


# ---------------------------------------------------------------------------- locations


def primary_dir(home: Path) -> Path:
    return home / "journal"


def fallback_root() -> Path:
    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    return Path(base) / f"gatepost-{os.getuid()}"


def fallback_dir(home: Path) -> Path:
    """The second location for this GATEPOST_HOME (one per home, so homes never mix)."""
    home_id = hashlib.sha256(str(home.absolute()).encode()).hexdigest()[:16]
    return fallback_root() / home_id / "journal"


def private_dir(path: Path, *, owned_from: Path) -> Path:
    """``path`` with every directory from ``owned_from`` down created 0700 where missing; refused
    unless each is a real directory of this account that no other account can enter."""
    for d in [owned_from, *_between(owned_from, path)]:
        d.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(d)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            raise StoreError(f"{d} is not a private directory of this account: refused")
    return path


def _between(top: Path, path: Path) -> list[Path]:
    parts = path.relative_to(top).parts
    return [top.joinpath(*parts[: i + 1]) for i in range(len(parts))]


def locations(home: Path) -> list[Path]:
    """Every journal directory that may hold records of this home: primary, then fallback."""
    out = [primary_dir(home)]
    fb = fallback_dir(home)
    if fb.is_dir():
        out.append(fb)
    return out


# ---------------------------------------------------------------------------- appending


def append_to(directory: Path, frame: bytes, *, fsync: bool = False) -> None:
    """Append one frame to ``directory``'s current segment (see the module docstring)."""
    current = directory / CURRENT
    for _ in range(16):
        fd = os.open(current, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            try:
                if os.fstat(fd).st_ino != os.stat(current).st_ino:
                    continue  # sealed by the writer between open and lock
            except FileNotFoundError:
                continue
            try:
                written = os.write(fd, frame)
            except OSError:
                _drop_if_empty(fd, current)
                raise
            if written != len(frame):
                raise OSError(errno.ENOSPC, f"short write to {current} ({written} bytes)")
            if fsync:
                os.fsync(fd)
            return
        finally:
            os.close(fd)
    raise OSError(errno.EAGAIN, f"{current} kept being sealed while appending")


def _drop_if_empty(fd: int, current: Path) -> None:
    """Remove a current segment this failed append left empty (a full disk), unless another
    appender holds it: no empty file is left behind."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        st = os.fstat(fd)
        if st.st_size == 0 and st.st_ino == os.stat(current).st_ino:
            os.unlink(current)
    except OSError:
        pass


def append(home: Path, frame: bytes, *, fsync: bool = False) -> Path:
    """Append a frame to this home's journal, or to the fallback location when the home cannot
    be written; returns the directory used (``fsync``: synced before returning, the policy
    ``always``). Raises StoreError when neither takes it."""
    do_sync = fsync
    problems = []
    try:
        d = primary_dir(home)
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        append_to(d, frame, fsync=do_sync)
        return d
    except OSError as exc:
        problems.append(f"{primary_dir(home)}: {exc}")
    try:
        d = private_dir(fallback_dir(home), owned_from=fallback_root())
        append_to(d, frame, fsync=do_sync)
        return d
    except (OSError, StoreError) as exc:
        problems.append(str(exc))
    raise StoreError("journal not writable: " + "; ".join(problems))


# ---------------------------------------------------------------------------- sealing, reading


def seal(directory: Path) -> Path | None:
    """Rename the current segment to a sealed one and wait for its appenders; None when there
    is no current segment (or another writer sealed it first)."""
    current = directory / CURRENT
    sealed = directory / f"seg-{time.time_ns():020d}-{os.getpid()}.log"
    try:
        os.rename(current, sealed)
    except FileNotFoundError:
        return None
    fd = os.open(sealed, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # appenders that opened it before the rename are done
    finally:
        os.close(fd)
    return sealed


def segments(directory: Path) -> list[Path]:
    return sorted(directory.glob(SEGMENT_GLOB)) if directory.is_dir() else []


def read_segment(path: Path) -> tuple[list[Record], int]:
    return decode_lines(path.read_bytes())


def iter_pending(home: Path) -> Iterator[Path]:
    """Every segment file, sealed or current, that holds records not yet stored."""
    for d in locations(home):
        yield from segments(d)
        if (d / CURRENT).exists():
            yield d / CURRENT


def pending(home: Path) -> int:
    """How many records wait in the journal (both locations) to be moved to the store."""
    n = 0
    for path in iter_pending(home):
        try:
            n += len(read_segment(path)[0])
        except OSError:
            continue
    return n


def _has_records(path: Path) -> bool:
    try:
        return bool(read_segment(path)[0])
    except OSError:
        return False


def describe_pending(home: Path) -> tuple[int, str]:
    """How many records wait, and a line saying so (with where) for doctor and verify."""
    n = pending(home)
    if not n:
        return 0, "no event waits in the journal"
    where = sorted({str(p.parent) for p in iter_pending(home) if _has_records(p)})
    return n, f"{n} event(s) wait in the journal to be stored ({', '.join(where)})"
