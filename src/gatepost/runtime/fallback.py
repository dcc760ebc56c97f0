"""Deciding in this process and recording the event: what the hook does when no resident
process answers, and what the resident process does for each request.

The redacted event is appended to the journal (:mod:`gatepost.runtime.journal`) before the
reply is returned, so a reply the agent has seen always has its event on disk. Moving the
journal to the store happens after the reply: the cold hook leaves it to a detached child
process (:func:`keep_after_reply`), which drains the journal while the hook exits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from gatepost.adapters.base import Reply
from gatepost.adapters.registry import adapter_for
from gatepost.config import Config, load_config
from gatepost.errors import ConfigError, GatepostError, StoreError
from gatepost.policy import changes
from gatepost.policy.source import LoadedPolicy, load_in_force
from gatepost.runtime.boundary import HookResult, handle

TYPE_CHECKING = False  # not typing's: a cold hook does not import typing
if TYPE_CHECKING:
    from gatepost.evidence.event import Event
    from gatepost.store.base import EventStore


def spool_dir(config: Config) -> Path:
    return config.home / "spool"


def spool(config: Config, events: list[Event]) -> None:
    """Keep events that the store could not take, durably, for a later delivery."""
    from gatepost import codec

    d = spool_dir(config)
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{events[0].id}.jsonl"
    tmp = path.with_suffix(".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            for e in events:
                f.write(codec.dumps(e) + "\n")
            f.flush()
            os.fsync(f.fileno())
        tmp.rename(path)
    finally:
        if tmp.exists():  # a write that failed (a full disk) leaves no partial file behind
            tmp.unlink()


def spooled(config: Config) -> list[Path]:
    d = spool_dir(config)
    return sorted(d.glob("*.jsonl")) if d.is_dir() else []


def deliver_spool(config: Config, store: EventStore) -> int:
    """Append every spooled batch, oldest first, then remove it. Appends are idempotent by
    event id, so a batch delivered twice (a crash between append and removal) is stored once."""
    from gatepost import codec
    from gatepost.evidence.event import Event

    delivered = 0
    for path in spooled(config):
        lines = path.read_text(encoding="utf-8").splitlines()
        events = [codec.loads(Event, line) for line in lines if line.strip()]
        delivered += store.append(events)
        path.unlink()
    return delivered


def keep_raw(config: Config, store: EventStore, events: list[Event], raws: list[bytes]) -> None:
    """Seal each event's untouched payload, when raw evidence is switched on."""
    from gatepost.evidence.raw import load_key, store_raw

    key = load_key(config.raw_evidence.key_path(config.home), create=True)
    for event, data in zip(events, raws, strict=True):
        store_raw(store, event.id, data, key)


def record(config: Config, events: list[Event], raws: list[bytes] | None = None) -> str:
    """Append to the store (after any spooled events); when the store cannot take them, spool
    them durably. With raw evidence on, ``raws`` (one payload per event) are sealed too; they
    are never spooled, so a store outage loses the raw copy, never the redacted event.
    Returns a problem to report, or ""."""
    if not events:
        return ""
    from gatepost.store.base import open_store

    try:
        config.home.mkdir(parents=True, exist_ok=True)
        with open_store(config.store_url) as store:
            deliver_spool(config, store)
            store.append(events)
            if raws is not None and config.raw_evidence.enabled:
                keep_raw(config, store, events, raws)
        return ""
    except (StoreError, OSError) as exc:
        try:
            spool(config, events)
        except OSError as spool_exc:
            return f"events lost: store failed ({exc}) and spool failed ({spool_exc})"
        return f"store unavailable, {len(events)} event(s) spooled: {exc}"


def load(config: Config) -> tuple[LoadedPolicy | None, str]:
    try:
        loaded = load_in_force(config)
    except GatepostError as exc:  # not even the shipped packs load: fail per the fail mode
        return None, str(exc)
    changes.keep(config, loaded.policy.revision)  # an edit of a policy file becomes an event
    return loaded, str(loaded.error) if loaded.error else ""


def current_config() -> tuple[Config, str]:
    """The configuration, or defaults and the reason it could not be read."""
    try:
        return load_config(), ""
    except ConfigError as exc:
        home = Path(os.environ.get("GATEPOST_HOME") or Path.home() / ".gatepost").expanduser()
        return Config(home=home, user_home=Path.home()), f"configuration refused: {exc}"


Keep = Callable[[], str]  # moves the journal to the store; returns a problem to report, or ""


def decide(agent: str, data: bytes) -> tuple[Reply, Config | None, Keep | None]:
    """The decision in this process: config, policy, decision, the event appended to the
    journal, the reply, and what is still to do for the evidence (None for a request naming no
    known agent, which gets a usage error and no event). An event that could not be journaled
    anywhere is said on the reply's stderr and in the log."""
    try:
        adapter_for(agent)
    except GatepostError as exc:
        return Reply(stderr=f"gatepost: {exc}\n", exit_code=2), None, None
    config, config_error = current_config()
    loaded, policy_error = (None, config_error) if config_error else load(config)
    policy = loaded.policy if loaded else None
    result = handle(agent, data, config, policy, policy_error, deadline_ms=config.deadline_ms)
    problem = keep_evidence(config, result, data, time.time_ns())
    reply = result.reply
    if problem:
        log_problem(config, problem)
        reply = Reply(reply.stdout, reply.stderr + f"gatepost: {problem}\n", reply.exit_code)
    return reply, config, lambda: drain_journal(config)


def keep_evidence(config: Config, result: HookResult, data: bytes, now_ns: int) -> str:
    """Redact one decision and append it to the journal; returns a problem to report, or ""."""
    try:
        from gatepost.runtime.keep import journal_decision

        journal_decision(
            config.home,
            result.action,
            result.decision,
            data,
            now_ns=now_ns,
            raw=config.raw_evidence.enabled,
            fsync=config.journal_fsync == "always",
        )
        return ""
    except Exception as exc:  # the hook boundary: the decision stands even if evidence fails
        return f"event not recorded: {type(exc).__name__}: {exc}"


def record_untrusted(config: Config, agent: str, note: str) -> str:
    """Journal an event saying that something answered on the service's socket but could not
    be trusted, so this hook decided in its own process (the decision is its own event). A
    warning: the answer may have been a forgery. Returns a problem to report, or ""."""
    from gatepost.action import Action, Actor, Decision, Kind, Operation, Surface, Verdict
    from gatepost.identity import host_identity, user_identity
    from gatepost.ids import new_id
    from gatepost.pipeline import now_rfc3339

    action = Action(
        id=new_id(),
        time=now_rfc3339(),
        actor=Actor(user=user_identity(config), host=host_identity(), groups=config.groups),
        surface=Surface(agent="gatepost", event="service-untrusted", phase="session"),
        operation=Operation(kind=Kind.OTHER, content=note),
        raw={"agent": agent, "note": note},
    )
    decision = Decision(
        verdict=Verdict.WARN,
        explanation=f"hook {agent}: {note}; the hook decided in its own process",
    )
    result = HookResult(reply=Reply(), action=action, decision=decision)
    return keep_evidence(config, result, b"", time.time_ns())


def drain_journal(config: Config) -> str:
    """Move the journal to the store and sign its head; returns a problem to report, or ""."""
    from gatepost.runtime.writer import Writer

    writer = Writer(config)
    try:
        return writer.drain(checkpoint=True).problem
    finally:
        writer.close()


def decide_in_process(agent: str, data: bytes) -> Reply:
    """The whole hook in this process, evidence stored before the reply: config, policy,
    decision, journal, store, reply (a problem keeping the evidence is added to stderr)."""
    reply, _, keep = decide(agent, data)
    problem = keep() if keep else ""
    if problem:
        reply = Reply(reply.stdout, reply.stderr + f"gatepost: {problem}\n", reply.exit_code)
    return reply


def log_file(home: Path) -> Path:
    """Where the problems of the detached evidence process and the resident process go."""
    return home / "log" / "gatepost.log"


def _keep_logged(config: Config, keep: Keep) -> None:
    problem = keep()
    if problem:
        log_problem(config, problem)


def log_problem(config: Config, problem: str) -> None:
    """Append a problem nobody is there to read on stderr (the hook has answered and exited)
    to GATEPOST_HOME/log/gatepost.log, where the resident process writes its own."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    line = f"{stamp} [{os.getpid()}] {problem}\n".encode("utf-8", "backslashreplace")
    try:
        log = log_file(config.home)
        log.parent.mkdir(parents=True, exist_ok=True)
        _append_line(log, line)
    except OSError:  # the home cannot be written: beside the journal's fallback location
        from gatepost.runtime import journal

        try:
            fallback = journal.fallback_dir(config.home).parent
            journal.private_dir(fallback, owned_from=journal.fallback_root())
            _append_line(fallback / "gatepost.log", line)
        except (OSError, GatepostError):
            pass


def _append_line(path: Path, line: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        if os.write(fd, line) != len(line):
            raise OSError(f"short write to {path}")
    except OSError:
        if os.fstat(fd).st_size == 0:  # a full disk: leave no empty log behind
            path.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def recording_lock(config: Config) -> Path:
    return config.home / "run" / "recording.lock"


def keep_after_reply(config: Config, keep: Keep) -> None:
    """Keep the evidence in a detached child process, so that this one can exit now.

    The child holds a shared lock on ``run/recording.lock`` from before the fork until it has
    stored the event; :func:`wait_for_recording` takes the lock exclusively to wait for every
    child in flight. Where there is no fork, the evidence is kept here, before returning.
    """
    if not hasattr(os, "fork"):
        _keep_logged(config, keep)
        return
    import fcntl

    lock_fd = -1
    try:
        lock = recording_lock(config)
        lock.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(lock_fd, fcntl.LOCK_SH)
        pid = os.fork()
    except OSError:
        pid = -1
    if pid != 0:  # the hook itself (or no child could be made)
        if lock_fd >= 0:
            os.close(lock_fd)
        if pid < 0:
            _keep_logged(config, keep)
        return
    # the child: out of the agent's process group, nothing left open toward the agent
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        _keep_logged(config, keep)
    finally:
        os._exit(0)


def wait_for_recording(home: Path, timeout: float = 10.0) -> bool:
    """Wait until no hook's evidence is still being kept after its reply; False on timeout."""
    import fcntl

    path = home / "run" / "recording.lock"
    if not path.exists():
        return True
    deadline = time.monotonic() + timeout
    fd = os.open(path, os.O_RDWR)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(fd, fcntl.LOCK_UN)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.005)
    finally:
        os.close(fd)
