"""Real-shaped Events for the store tests and benchmarks: a full Action and a full Decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
from gatepost.evidence.event import Event, RedactionRecord

BASE_TIME = datetime(2025, 3, 1, 9, 0, 0, tzinfo=UTC)


def rfc3339(t: datetime) -> str:
    return t.isoformat(timespec="microseconds").replace("+00:00", "Z")


def at(seconds: float) -> str:
    """RFC 3339 time ``seconds`` after BASE_TIME."""
    return rfc3339(BASE_TIME + timedelta(seconds=seconds))


def make_operation(kind: Kind, text: str, cwd: str) -> Operation:
    if kind is Kind.COMMAND:
        program, *argv = text.split()
        return Operation(
            kind=kind,
            cwd=cwd,
            command=CommandInfo(
                raw=text,
                cwd=cwd,
                commands=(
                    SimpleCommand(
                        program=program,
                        argv=tuple(argv),
                        raw_program=program,
                        paths=tuple(PathRef(path=f"{cwd}/{a}", raw=a) for a in argv[-1:]),
                    ),
                ),
            ),
        )
    if kind in (Kind.FILE_READ, Kind.FILE_WRITE):
        access = "read" if kind is Kind.FILE_READ else "write"
        return Operation(
            kind=kind,
            cwd=cwd,
            paths=(PathRef(path=text, raw=text, access=access, classes=("repo",)),),
            content="def handler(event):\n    return event\n" if kind is Kind.FILE_WRITE else "",
        )
    if kind is Kind.WEB_FETCH:
        host = text.split("/")[2]
        return Operation(
            kind=kind,
            cwd=cwd,
            urls=(UrlRef(raw=text, scheme="https", host=host, port=443, ip_class="public_ip"),),
        )
    if kind is Kind.MCP_CALL:
        server, tool = text.split("/")
        return Operation(
            kind=kind,
            cwd=cwd,
            mcp=McpCall(server=server, tool=tool, arguments={"query": "open issues", "limit": 20}),
        )
    return Operation(kind=kind, cwd=cwd, content=text)


def make_match(rule: str, verdict: Verdict, mode: Mode, scope: str = "org") -> Match:
    pack = rule.split("/")[0]
    effective = verdict if mode is Mode.ENFORCE else min(verdict, Verdict.WARN, key=_rank)
    if mode is Mode.AUDIT:
        effective = Verdict.PASS
    return Match(
        pack_id=pack,
        pack_version="1.2.0",
        rule_id=rule,
        title=f"{rule} title",
        severity="high" if verdict is Verdict.BLOCK else "medium",
        rule_verdict=verdict,
        verdict=effective,
        assignment_id=f"assign-{pack}",
        scope=scope,
        mode=mode,
        message=f"{rule}: not allowed here",
        explanation="command.program == 'curl' and flags has pipes_remote_to_shell",
    )


def _rank(v: Verdict) -> int:
    return v.rank


def make_decision(
    rule: str = "", verdict: Verdict = Verdict.PASS, mode: Mode = Mode.ENFORCE
) -> Decision:
    if not rule:
        return Decision(verdict=Verdict.PASS, policy_revision="rev-7", evaluation_us=12.5)
    winner = make_match(rule, verdict, mode)
    audit = make_match("baseline/audit-network", Verdict.BLOCK, Mode.AUDIT)
    return Decision(
        verdict=winner.verdict,
        winner=winner,
        matches=(winner, audit),
        explanation=winner.explanation,
        policy_revision="rev-7",
        evaluation_us=31.25,
    )


def make_event(
    n: int = 0,
    *,
    time: str = "",
    user: str = "alice@acme.com",
    groups: tuple[str, ...] = ("eng", "platform"),
    host: str = "host-aaa",
    repository: str = "github.com/acme/api",
    agent: str = "claude-code",
    session: str = "claude-code:s1",
    kind: Kind = Kind.COMMAND,
    text: str = "git status --short",
    rule: str = "",
    verdict: Verdict = Verdict.PASS,
    mode: Mode = Mode.ENFORCE,
    redactions: tuple[RedactionRecord, ...] = (),
    event_id: str = "",
) -> Event:
    """Event number ``n`` (its id and, unless given, its time derive from n)."""
    when = time or at(n)
    cwd = "/home/alice/src/api"
    action = Action(
        id=f"act-{n:08d}",
        time=when,
        actor=Actor(
            user=User(id=user, name=user.split("@")[0].title(), os_account=user.split("@")[0]),
            groups=groups,
            host=Host(id=host, name=f"{host}.corp"),
            repository=Repository(remote=repository, root=cwd, branch="main"),
            agent=AgentInfo(name=agent, version="1.0.71"),
            session=session,
            tool_call_id=f"toolu_{n:08d}",
        ),
        surface=Surface(agent=agent, event="PreToolUse", tool="Bash"),
        operation=make_operation(kind, text, cwd),
        flags=("network_egress",) if kind is Kind.WEB_FETCH else (),
        raw={"session_id": session, "tool_name": "Bash", "tool_input": {"command": text}},
    )
    return Event(
        id=event_id or f"01JN{n:022d}",
        time=when,
        received_at=when,
        action=action,
        decision=make_decision(rule, verdict, mode),
        redactions=redactions,
    )
