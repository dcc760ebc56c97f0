"""Event store scale: batch ingest into SQLite and PostgreSQL, then queries at a million events.

    PYTHONPATH=src python benchmarks/bench_store.py [--events 1000000] [--ingest 100000]
        [--pg-url postgresql://postgres@127.0.0.1:5432/test | --no-pg] [--dir /tmp/x]

1. Ingest: ``--ingest`` realistic events (full actions and decisions, ~85% pass) appended in
   batches of 500 into a new SQLite file and a new PostgreSQL schema (dropped afterwards);
   events/s counts the time spent in ``append`` only, not in building the events.
2. Scale: the SQLite file is grown to ``--events`` (sessions of ~200 events over 30 days), then
   the timeline of one session (p50 over 50 sessions) and a report (counts by verdict, by rule,
   and the top blocked rules; median of 3) are timed.

Budgets (DESIGN §6 style, not timed tests): SQLite ingest >= 20,000 events/s; at 1M events,
timeline <= 50 ms and report <= 1 s. The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gatepost.action import (
    Action,
    Actor,
    AgentInfo,
    CommandInfo,
    Decision,
    Host,
    Kind,
    Match,
    McpCall,
    Mode,
    Operation,
    PathRef,
    Repository,
    SimpleCommand,
    Surface,
    UrlRef,
    User,
    Verdict,
)
from gatepost.evidence.event import Event, RedactionRecord, new_event_id
from gatepost.store.base import EventQuery, EventStore, open_store

BATCH = 500
SESSION_EVENTS = 200  # events per agent session
CONCURRENT = 20  # sessions interleaved at any time
START = datetime(2025, 3, 1, tzinfo=UTC)
SPAN = timedelta(days=30)
AGENTS = ("claude-code", "codex", "cursor", "gemini-cli")
COMMANDS = (
    "git status --short",
    "npm test -- --watch=false",
    "pytest -q tests/unit",
    "ls -la src",
    "cat README.md",
    "git diff --stat HEAD~1",
    "make build",
    "rg -n TODO src",
)
# (rule id, verdict asked, share of events): the rest pass without a match
RULES = [
    ("baseline/curl-pipe-sh", Verdict.BLOCK, 0.01),
    ("baseline/destructive-delete", Verdict.BLOCK, 0.015),
    ("secrets/read-credentials", Verdict.ASK, 0.02),
    ("baseline/paste-sites", Verdict.BLOCK, 0.015),
    ("baseline/network-egress", Verdict.WARN, 0.05),
    ("baseline/prod-deploy", Verdict.WARN, 0.03),
    ("secrets/mcp-write", Verdict.BLOCK, 0.01),
]


def _decision(n: int) -> Decision:
    roll = (n * 2654435761 % 10_000) / 10_000
    for rule_id, asked, share in RULES:
        if roll < share:
            pack = rule_id.split("/")[0]
            mode = Mode.AUDIT if n % 7 == 0 else Mode.ENFORCE
            match = Match(
                pack_id=pack,
                pack_version="1.4.0",
                rule_id=rule_id,
                title=rule_id.split("/")[1].replace("-", " "),
                severity="high",
                rule_verdict=asked,
                verdict=Verdict.PASS if mode is Mode.AUDIT else asked,
                assignment_id=f"org-{pack}",
                scope="org",
                mode=mode,
                message=f"{rule_id}: not allowed without approval",
                explanation="command.program in ['curl','wget'] and flags has network_egress",
            )
            return Decision(
                verdict=match.verdict,
                winner=match,
                matches=(match,),
                explanation=match.explanation,
                policy_revision="rev-42",
                evaluation_us=18.5,
            )
        roll -= share
    return Decision(verdict=Verdict.PASS, policy_revision="rev-42", evaluation_us=9.25)


def _operation(n: int, cwd: str) -> Operation:
    pick = n % 20
    if pick < 10:
        raw = COMMANDS[n % len(COMMANDS)]
        program, *argv = raw.split()
        simple = SimpleCommand(program=program, argv=tuple(argv), raw_program=program)
        command = CommandInfo(raw=raw, cwd=cwd, commands=(simple,))
        return Operation(kind=Kind.COMMAND, cwd=cwd, command=command)
    if pick < 15:
        path = f"{cwd}/src/module_{n % 97}.py"
        return Operation(
            kind=Kind.FILE_READ, cwd=cwd, paths=(PathRef(path=path, raw=path, classes=("repo",)),)
        )
    if pick < 17:
        path = f"{cwd}/src/module_{n % 97}.py"
        return Operation(
            kind=Kind.FILE_WRITE,
            cwd=cwd,
            paths=(PathRef(path=path, raw=path, access="write", classes=("repo",)),),
            content="def handler(event):\n    return process(event)\n" * 8,
        )
    if pick < 18:
        url = f"https://docs.example.com/page/{n % 1000}"
        ref = UrlRef(raw=url, scheme="https", host="docs.example.com", port=443)
        return Operation(kind=Kind.WEB_FETCH, cwd=cwd, urls=(ref,))
    if pick < 19:
        mcp = McpCall(server="github", tool="list_issues", arguments={"repo": "acme/api"})
        return Operation(kind=Kind.MCP_CALL, cwd=cwd, mcp=mcp)
    return Operation(kind=Kind.PROMPT, cwd=cwd, content="Refactor the handler and add tests.")


def _actor(session: int) -> Actor:
    user = session * 7 % 200
    agent = AGENTS[session % len(AGENTS)]
    repo = f"github.com/acme/service-{session % 50}"
    return Actor(
        user=User(id=f"user{user}@acme.com", name=f"User {user}", os_account=f"user{user}"),
        groups=("eng", f"team-{user % 12}"),
        host=Host(id=f"host-{user:04d}", name=f"ws-{user:04d}.corp"),
        repository=Repository(remote=repo, root=f"/home/user{user}/src/service", branch="main"),
        agent=AgentInfo(name=agent, version="1.0.80"),
        session=f"{agent}:session-{session:06d}",
    )


def generate(start: int, count: int, total: int) -> Iterator[list[Event]]:
    """Events start..start+count of a ``total``-event history, in batches of BATCH."""
    step = SPAN / total
    actors: dict[int, Actor] = {}
    batch: list[Event] = []
    for n in range(start, start + count):
        session = n // (SESSION_EVENTS * CONCURRENT) * CONCURRENT + n % CONCURRENT
        actor = actors.get(session) or actors.setdefault(session, _actor(session))
        moment = START + step * n
        stamp = moment.isoformat(timespec="microseconds").replace("+00:00", "Z")
        operation = _operation(n, actor.repository.root)
        action = Action(
            id=f"act-{n}",
            time=stamp,
            actor=replace(actor, tool_call_id=f"toolu_{n:010d}"),
            surface=Surface(agent=actor.agent.name, event="PreToolUse", tool="Bash"),
            operation=operation,
            flags=("network_egress",) if operation.kind is Kind.WEB_FETCH else (),
            raw={"session_id": actor.session, "hook_event_name": "PreToolUse", "n": n},
        )
        ns = int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000
        batch.append(
            Event(
                id=new_event_id(ns),
                time=stamp,
                received_at=stamp,
                action=action,
                decision=_decision(n),
                redactions=(RedactionRecord("raw.env.TOKEN", "github-token", 40),)
                if n % 50 == 0
                else (),
            )
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(
    store: EventStore, start: int, count: int, total: int, label: str
) -> tuple[float, float]:
    """Append events; returns events/s over the wall-clock and the CPU time spent in append.

    (For SQLite, which works in this process, the CPU figure is what the same run gives on an
    otherwise idle machine, less any wait for the disk.)
    """
    wall = cpu = 0.0
    done = 0
    for batch in generate(start, count, total):
        t0, c0 = time.perf_counter(), time.process_time()
        done += store.append(batch)
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
        if done % 100_000 == 0:
            print(f"  {label}: {start + done:,} events", file=sys.stderr, flush=True)
    return done / wall, done / cpu


def timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--ingest", type=int, default=100_000)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--dir", default="")
    args = parser.parse_args()
    total = max(args.events, args.ingest)
    figures: dict[str, str] = {}

    with tempfile.TemporaryDirectory(dir=args.dir or None) as tmp:
        store = open_store(f"sqlite://{Path(tmp) / 'events.db'}")
        eps, cpu_eps = ingest(store, 0, args.ingest, total, "sqlite")
        print(
            f"sqlite ingest: {eps:,.0f} events/s ({args.ingest:,} events; "
            f"{cpu_eps:,.0f} events per CPU second)"
        )
        figures["sqlite_ingest_eps"] = f"{eps:.0f}"
        figures["sqlite_ingest_cpu_eps"] = f"{cpu_eps:.0f}"

        if not args.no_pg:
            figures["pg_ingest_eps"] = f"{bench_pg(args.pg_url, args.ingest, total):.0f}"
            print(f"postgres ingest: {float(figures['pg_ingest_eps']):,.0f} events/s")

        t0 = time.perf_counter()
        if total > args.ingest:
            ingest(store, args.ingest, total - args.ingest, total, "sqlite")
        print(f"grew sqlite to {store.head()[0]:,} events in {time.perf_counter() - t0:.0f} s")
        figures["events"] = str(store.head()[0])

        sessions = sorted({e.action.actor.session for e in store.query(EventQuery(limit=1))})
        step = max(1, total // 50)
        picks = [
            _actor(n // (SESSION_EVENTS * CONCURRENT) * CONCURRENT + n % CONCURRENT).session
            for n in range(0, total, step)
        ][:50] or sessions
        sizes = [len(store.timeline(s)) for s in picks[:1]]
        timeline = [timed(lambda s=s: store.timeline(s)) for s in picks]
        figures["timeline_ms"] = f"{statistics.median(timeline):.1f}"
        print(
            f"timeline of one session ({sizes[0]} events): p50 {statistics.median(timeline):.1f}"
            f" ms, max {max(timeline):.1f} ms over {len(picks)} sessions"
        )

        def report() -> None:
            store.counts(EventQuery(), "verdict")
            store.counts(EventQuery(), "rule")
            store.counts(EventQuery(verdict="block"), "rule")

        runs = [timed(report) for _ in range(3)]
        figures["report_ms"] = f"{statistics.median(runs):.0f}"
        print(f"report (by verdict, by rule, top blocked): {statistics.median(runs):.0f} ms")
        print("  by verdict:", store.counts(EventQuery(), "verdict"))
        print("  top blocked:", store.counts(EventQuery(verdict="block"), "rule")[:3])

        # Not budgeted, for the record: the other count dimensions, a filtered page of events,
        # and a substring search for a rare needle (no index serves it: it reads every row).
        for by in ("user", "agent", "kind", "mode", "day"):
            print(f"  counts by {by}: {timed(lambda by=by: store.counts(EventQuery(), by)):.0f} ms")
        page = EventQuery(user="user7@acme.com", verdict="warn")
        print(f"  query user+verdict, newest 100: {timed(lambda: store.query(page)):.1f} ms")
        some = EventQuery(text="docs.example.com/PAGE/997")  # 1 event in 1,000
        print(f"  text search, newest 100 of 0.1%: {timed(lambda: store.query(some)):.0f} ms")
        absent = EventQuery(text="pastebin.com")
        figures["text_search_ms"] = f"{timed(lambda: store.query(absent)):.0f}"
        print(f"  text search, no match (reads every row): {figures['text_search_ms']} ms")
        store.close()

    print(" ".join(f"{k}={v}" for k, v in figures.items()))


def bench_pg(url: str, count: int, total: int) -> float:
    import psycopg

    schema = f"gp_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')  # type: ignore[arg-type]
        try:
            sep = "&" if "?" in url else "?"
            with open_store(f"{url}{sep}options=-csearch_path%3D{schema}") as store:
                return ingest(store, 0, count, total, "postgres")[0]
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
