"""Every change of the user's policy files that gatepost sees becomes an event.

The files are ``config.yaml``, ``assignments.yaml`` and the local packs (``packs/*.yaml``)
under GATEPOST_HOME; the shipped packs are checked against their manifest instead
(:mod:`gatepost.policy.manifest`). What was last seen of each, its SHA-256 and the digests of
its named parts (a pack's rules by id, the assignments by id, the configuration's settings by
name; never their values), is kept in ``GATEPOST_HOME/state/policy-seen.json`` (0600).

:func:`detect` (pure) compares what is seen now with that and gives one :class:`Change` per
file added, removed or changed, with a short summary (``rules added: …; removed: …``).
:func:`keep` is the I/O edge, called where the policy is loaded: it looks at the files (their
status first: an unchanged file is not read), records each change as an event of the
``gatepost/policy-change`` surface with a pass decision through the normal evidence path, and
saves what it saw. A file that changes twice between two loads is one change; a change made
and undone between two loads is none. In a home that has recorded no event yet, the files
found first are the baseline, not changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gatepost.config import Config, yaml_paths
from gatepost.policy import cache, private

if TYPE_CHECKING:
    from gatepost.action import Action, Actor, Decision

FORMAT = 1
_STATE = os.path.join("state", "policy-seen.json")


@dataclass(frozen=True, slots=True)
class Seen:
    """What gatepost saw of one policy file: its kind, SHA-256, the digests of its named parts
    (None when it does not parse), and its status when it had settled (else empty)."""

    kind: str  # config | assignments | pack
    sha256: str
    parts: Mapping[str, str] | None = field(default_factory=dict)
    stat: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """One policy file added, removed or changed: its path and kind, its SHA-256 before and
    after ("" for none) and what changed in it."""

    path: str
    kind: str
    old_sha256: str
    new_sha256: str
    summary: str


# ---------------------------------------------------------------------------- pure


def detect(seen: Mapping[str, Seen], now: Mapping[str, Seen]) -> list[Change]:
    """The changes from what was ``seen`` to what is seen ``now``, by path."""
    out = []
    for path in sorted(seen.keys() | now.keys()):
        old, new = seen.get(path), now.get(path)
        if new is None:
            assert old is not None
            out.append(Change(path, old.kind, old.sha256, "", "file removed"))
        elif old is None:
            out.append(Change(path, new.kind, "", new.sha256, "file added: " + _list(new)))
        elif old.sha256 != new.sha256:
            out.append(Change(path, new.kind, old.sha256, new.sha256, summarize(old, new)))
    return out


def summarize(old: Seen, new: Seen) -> str:
    """What changed between two versions of a file, by its named parts."""
    if new.parts is None:
        return "changed; it does not parse"
    if old.parts is None:
        return "changed; it parses again: " + _list(new)
    added = sorted(new.parts.keys() - old.parts.keys())
    removed = sorted(old.parts.keys() - new.parts.keys())
    changed = sorted(k for k in new.parts.keys() & old.parts.keys() if new.parts[k] != old.parts[k])
    said = [
        f"{what}: {', '.join(names)}"
        for what, names in (("added", added), ("removed", removed), ("changed", changed))
        if names
    ]
    return "; ".join(said) if said else "changed in layout only (comments, spacing, order)"


def _list(seen: Seen) -> str:
    if seen.parts is None:
        return "it does not parse"
    return ", ".join(sorted(seen.parts)) or "empty"


def parts_of(kind: str, doc: Any) -> dict[str, str] | None:
    """The named parts of a parsed file and the digest of each, or None when ``doc`` is not
    a mapping: a pack's rules (``rule ID``), the assignments (``assignment ID``), the
    configuration's settings (``setting NAME``) and any other section (``section NAME``)."""
    if not isinstance(doc, dict):
        return None
    out = {}
    for key, value in doc.items():
        if kind != "config" and key in ("rules", "assignments") and _all_named(value):
            for item in value:
                out[f"{key[:-1]} {item['id']}"] = _digest(item)
        else:
            out[f"{'setting' if kind == 'config' else 'section'} {key}"] = _digest(value)
    return out


def _all_named(value: Any) -> bool:
    """Whether ``value`` is a list of mappings, each with a string ``id``."""
    return isinstance(value, list) and all(
        isinstance(i, dict) and isinstance(i.get("id"), str) for i in value
    )


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def as_dict(change: Change) -> dict[str, str]:
    return {
        "file": change.path,
        "kind": change.kind,
        "old_sha256": change.old_sha256,
        "new_sha256": change.new_sha256,
        "summary": change.summary,
    }


def action_of(change: Change, time_text: str, actor: Actor) -> Action:
    """The event's action: who made the change (as far as gatepost knows: the user and host
    it runs as), the file written or deleted, and the change, as JSON, for its content."""
    from gatepost.action import Action, Kind, Operation, PathRef, Surface
    from gatepost.ids import new_id

    access = "delete" if not change.new_sha256 else "write"
    return Action(
        id=new_id(),
        time=time_text,
        actor=actor,
        surface=Surface(agent="gatepost", event="policy-change", phase="session"),
        operation=Operation(
            kind=Kind.OTHER,
            paths=(PathRef(change.path, access=access),),
            content=json.dumps(as_dict(change), sort_keys=True),
        ),
        raw=as_dict(change),
    )


def decision_of(change: Change, revision: str) -> Decision:
    """A pass: the change is recorded, not judged (the policy decides what it allows)."""
    from gatepost.action import Decision, Verdict

    before, after = change.old_sha256[:12] or "none", change.new_sha256[:12] or "none"
    return Decision(
        verdict=Verdict.PASS,
        explanation=f"policy file {change.path} ({change.kind}): {change.summary} "
        f"(sha256 {before} -> {after})",
        policy_revision=revision,
    )


# ---------------------------------------------------------------------------- I/O edge


def watched(config: Config) -> dict[str, str]:
    """The user's policy files that exist now, and the kind of each."""
    home = str(config.home)
    out = {}
    for name, kind in (("config.yaml", "config"), ("assignments.yaml", "assignments")):
        path = os.path.join(home, name)
        if os.path.isfile(path):
            out[path] = kind
    for path in yaml_paths(os.path.join(home, "packs")):
        out[path] = "pack"
    return out


def _status(st: os.stat_result) -> tuple[int, ...]:
    """The file's status, when it had settled (see :mod:`gatepost.policy.cache`), else ()."""
    if max(st.st_mtime_ns, st.st_ctime_ns) >= time.time_ns() - cache.SETTLED_NS:
        return ()  # changed just now: a second change within a clock tick could hide
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def observe(config: Config, seen: Mapping[str, Seen]) -> dict[str, Seen]:
    """What is seen of the files now; a file whose settled status is the one ``seen`` is
    taken as it was, without being read."""
    now = {}
    for path, kind in watched(config).items():
        try:
            st = os.stat(path)
            before = seen.get(path)
            status = _status(st)
            if before is not None and status and before.stat == status and before.kind == kind:
                now[path] = before
                continue
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue  # gone meanwhile: seen as removed
        digest = hashlib.sha256(data).hexdigest()
        if before is not None and before.sha256 == digest and before.kind == kind:
            now[path] = Seen(kind, digest, before.parts, status)
        else:
            now[path] = Seen(kind, digest, _parse(kind, data), status)
    return now


def _parse(kind: str, data: bytes) -> dict[str, str] | None:
    import yaml  # only for a changed file

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return parts_of(kind, yaml.load(data, Loader=loader))  # a safe loader
    except (yaml.YAMLError, RecursionError, UnicodeDecodeError):
        return None


def state_file(config: Config) -> str:
    return os.path.join(config.home, _STATE)


def load_seen(config: Config) -> dict[str, Seen] | None:
    """What was last seen, or None when nothing was (or the state cannot be trusted)."""
    return _load_seen(config)[0]


def _load_seen(config: Config) -> tuple[dict[str, Seen] | None, str]:
    """What was last seen (None when nothing was), and why the state was refused ("")."""
    data, problem = private.read(state_file(config))
    if problem:
        why = f"{state_file(config)} refused: {problem}"
        return None, f"policy change state {why}; every policy file is recorded as first seen"
    if data is None:
        return None, ""
    try:
        doc = json.loads(data)
        if doc.get("format") != FORMAT:
            return None, ""
        return {
            path: Seen(s["kind"], s["sha256"], s["parts"], tuple(s["stat"]))
            for path, s in doc["files"].items()
        }, ""
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None, ""


def save_seen(config: Config, seen: Mapping[str, Seen]) -> bool:
    files = {
        path: {"kind": s.kind, "sha256": s.sha256, "parts": s.parts, "stat": list(s.stat)}
        for path, s in sorted(seen.items())
    }
    text = json.dumps({"format": FORMAT, "files": files}, separators=(",", ":"))
    return private.write(state_file(config), text.encode())


def keep(config: Config, revision: str) -> str:
    """Record the changes of the policy files since they were last seen; a problem (also
    logged), or "". Two processes that see the same change record it once."""
    problem = _keep(config, revision)
    if problem:
        from gatepost.runtime.fallback import log_problem  # the log every gatepost process writes

        log_problem(config, problem)
    return problem


def _keep(config: Config, revision: str) -> str:
    seen = load_seen(config)
    if seen is not None and observe(config, seen) == seen:
        return ""  # the usual case: every file's status as it was, nothing read
    if seen is None and not watched(config):
        return ""  # nothing seen before, nothing to see now
    import fcntl

    lock = state_file(config) + ".lock"
    try:
        os.makedirs(os.path.dirname(lock), mode=0o700, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        return f"policy changes not recorded: {lock}: {exc.strerror}"
    try:
        problem = private.problem(os.fstat(fd))
        if problem:
            return f"policy changes not recorded: {lock} refused: {problem}"
        fcntl.flock(fd, fcntl.LOCK_EX)
        last, refused = _load_seen(config)
        seen = last or {}
        now = observe(config, seen)
        baseline = last is None and not refused and _nothing_recorded(config)
        changes = [] if baseline else detect(seen, now)
        if now != seen and not save_seen(config, now):
            return f"policy changes not recorded: {state_file(config)} cannot be written"
    finally:
        os.close(fd)
    return "; ".join(p for p in (refused, _record(config, changes, revision)) if p)


def _nothing_recorded(config: Config) -> bool:
    """Whether this home has recorded no event yet (its default SQLite store does not exist):
    then the files found first are where it starts, not changes. Once it has events, a
    missing state was removed, and every file is recorded as first seen."""
    prefix = "sqlite:///"
    url = config.store_url
    return url == f"{prefix}{config.home / 'events.db'}" and not os.path.exists(url[len(prefix) :])


def _record(config: Config, changes: list[Change], revision: str) -> str:
    if not changes:
        return ""
    from gatepost.action import Actor
    from gatepost.errors import StoreError
    from gatepost.evidence.record import make_event
    from gatepost.identity import host_identity, user_identity
    from gatepost.pipeline import now_rfc3339
    from gatepost.runtime import journal
    from gatepost.runtime.keep import frame_of

    actor = Actor(user=user_identity(config), host=host_identity(), groups=config.groups)
    events = [
        make_event(action_of(c, now_rfc3339(), actor), decision_of(c, revision)) for c in changes
    ]
    try:  # into the journal, as every decision; the writer moves it to the store
        for event in events:
            journal.append(
                config.home, frame_of(event, None), fsync=config.journal_fsync == "always"
            )
    except (StoreError, ValueError) as exc:
        return f"policy changes not recorded: {exc}"
    return ""
