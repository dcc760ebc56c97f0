"""The normalized Action and the Decision (DESIGN §2, §3).

Everything here is a frozen dataclass: typed, immutable, and convertible to and from plain
JSON without loss (see :mod:`gatepost.codec`). No agent's dialect appears in these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = 1


class Kind(StrEnum):
    """What the agent is about to do."""

    COMMAND = "command"
    FILE_READ = "file_read"
    FILE_WRITE = "file_write"
    WEB_FETCH = "web_fetch"
    WEB_SEARCH = "web_search"
    PROMPT = "prompt"
    MCP_CALL = "mcp_call"
    SESSION = "session"
    OTHER = "other"


class Verdict(StrEnum):
    """Least to most strict: pass < warn < ask < block."""

    PASS = "pass"
    WARN = "warn"
    ASK = "ask"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _VERDICT_RANK[self]


_VERDICT_RANK = {Verdict.PASS: 0, Verdict.WARN: 1, Verdict.ASK: 2, Verdict.BLOCK: 3}


def strictest(*verdicts: Verdict) -> Verdict:
    """The most strict of the given verdicts (pass when none are given)."""
    best = Verdict.PASS
    for v in verdicts:
        if _VERDICT_RANK[v] > _VERDICT_RANK[best]:
            best = v
    return best


class Mode(StrEnum):
    """Enforcement mode of an assignment."""

    AUDIT = "audit"  # record what would have happened, enforce nothing
    WARN = "warn"  # never stronger than a warning
    ENFORCE = "enforce"  # as written


# ---------------------------------------------------------------------------- actor


@dataclass(frozen=True, slots=True)
class User:
    """The person behind the agent: a configured identity (an email) or the OS account."""

    id: str = ""  # stable id: configured identity (email) or os account
    name: str = ""  # display name
    os_account: str = ""


@dataclass(frozen=True, slots=True)
class Host:
    """The machine the agent runs on, by a stable id (from /etc/machine-id) and its name."""

    id: str = ""  # stable host id
    name: str = ""


@dataclass(frozen=True, slots=True)
class Repository:
    """The repository the agent acts in: normalized remote, work-tree root, branch."""

    remote: str = ""  # normalized, e.g. github.com/acme/api
    root: str = ""  # absolute path of the work tree
    branch: str = ""


@dataclass(frozen=True, slots=True)
class AgentInfo:
    """The agent that sent the event, and its version when it says."""

    name: str = ""  # claude-code, codex, gemini-cli, cursor, copilot, windsurf, ...
    version: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: user, groups, host, repository, agent and session (namespaced by agent)."""

    user: User = field(default_factory=User)
    groups: tuple[str, ...] = ()
    host: Host = field(default_factory=Host)
    repository: Repository = field(default_factory=Repository)
    agent: AgentInfo = field(default_factory=AgentInfo)
    session: str = ""  # namespaced by agent: "claude-code:<id>"
    parent_id: str = ""
    tool_call_id: str = ""


@dataclass(frozen=True, slots=True)
class Surface:
    """Where the event came from: the agent, its own hook event and tool names, the phase."""

    agent: str = ""
    event: str = ""  # the agent's own hook event name, e.g. PreToolUse
    tool: str = ""  # the agent's own tool name, e.g. Bash
    phase: str = "pre"  # pre | post | session | prompt

    @property
    def name(self) -> str:
        return f"{self.agent}/{self.event}"


# ---------------------------------------------------------------------------- operation


@dataclass(frozen=True, slots=True)
class Redirect:
    """A shell redirection of a command (``>``, ``>>``, ``<``, ``2>``...) and its target."""

    op: str  # >, >>, <, 2>, &>, ...
    target: str  # as written
    path: str = ""  # absolute, when target is a file path


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One executed program after unwrapping, with its arguments as the shell would pass them."""

    program: str  # basename, normalized (``/usr/bin/rm`` -> ``rm``, ``\\rm`` -> ``rm``)
    argv: tuple[str, ...]  # arguments after the program name
    raw_program: str = ""  # as written
    wrappers: tuple[str, ...] = ()  # e.g. ("sudo", "bash -c")
    assignments: tuple[str, ...] = ()  # leading NAME=value
    redirects: tuple[Redirect, ...] = ()
    paths: tuple[PathRef, ...] = ()  # arguments and redirect targets that are paths
    urls: tuple[UrlRef, ...] = ()  # arguments that are URLs
    pipeline: int = 0  # id of the pipeline it belongs to (1, 2, ...; 0 = not in a pipeline)
    stage: int = 0  # position within that pipeline (0 = first)
    stages: int = 1  # number of stages in that pipeline
    context: str = ""  # "", "substitution", "process-substitution", "eval", "heredoc"
    dynamic: bool = False  # program or args contain unresolved expansions ($VAR, $(...))
    # index in CommandInfo.commands of the command whose words hold this substitution, or
    # that feeds this heredoc body to a shell (-1 = none)
    parent: int = -1


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """A shell command line as parsed: the simple commands it runs, and its heredocs."""

    raw: str
    cwd: str = ""
    commands: tuple[SimpleCommand, ...] = ()
    parse_errors: bool = False
    truncated: bool = False  # input exceeded the analysis cap
    heredocs: tuple[str, ...] = ()  # heredoc bodies fed to commands


@dataclass(frozen=True, slots=True)
class PathRef:
    """A file path an action touches, absolute, with how (read, write, delete, exec)."""

    path: str  # absolute, normalized
    raw: str = ""  # as written
    access: str = "read"  # read | write | delete | exec
    classes: tuple[str, ...] = ()  # repo, home, system, root, temp, credential, agent_config, ...


@dataclass(frozen=True, slots=True)
class UrlRef:
    """A URL an action reaches, with its parts and what kind of address the host is."""

    raw: str
    scheme: str = ""
    host: str = ""
    port: int = 0
    path: str = ""
    ip_class: str = ""  # "", loopback, private, link_local, metadata, public_ip, ...
    classes: tuple[str, ...] = ()  # paste, exfil, tunnel, ...


@dataclass(frozen=True, slots=True)
class McpCall:
    """A call of an MCP tool: the server, the tool and its arguments."""

    server: str = ""
    tool: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Operation:
    """What the action does: its kind and the command, paths, URLs, MCP call or text."""

    kind: Kind = Kind.OTHER
    cwd: str = ""  # working directory the agent acts in
    command: CommandInfo | None = None
    paths: tuple[PathRef, ...] = ()
    urls: tuple[UrlRef, ...] = ()
    query: str = ""  # web search query
    mcp: McpCall | None = None
    content: str = ""  # text about to be written or submitted
    output: str = ""  # post-execution result, where the agent gives one


@dataclass(frozen=True, slots=True)
class Action:
    """One agent event in the common schema: who, where, what, and its risk flags."""

    id: str = ""
    time: str = ""  # RFC 3339, set by the adapter or the hook shim
    actor: Actor = field(default_factory=Actor)
    surface: Surface = field(default_factory=Surface)
    operation: Operation = field(default_factory=Operation)
    flags: tuple[str, ...] = ()  # risk flags, sorted
    raw: dict[str, Any] = field(default_factory=dict)  # untouched native payload
    schema_version: int = SCHEMA_VERSION

    @property
    def kind(self) -> Kind:
        return self.operation.kind


# ---------------------------------------------------------------------------- decision


@dataclass(frozen=True, slots=True)
class WaiverUse:
    """A waiver that turned a rule match into a pass, until it expires."""

    waiver_id: str
    reason: str
    expires: str  # RFC 3339
    owner: str  # pack id or assignment id that granted it


@dataclass(frozen=True, slots=True)
class Match:
    """One rule that matched, under one assignment, with its effective verdict and why."""

    pack_id: str
    pack_version: str
    rule_id: str  # pack-id/rule-id
    title: str
    severity: str
    rule_verdict: Verdict  # what the rule asks for
    verdict: Verdict  # effective: capped by mode, pass when waived
    assignment_id: str
    scope: str  # "org", "group:eng", "user:alice@acme.com", "repo:github.com/acme/api", ...
    mode: Mode
    message: str  # for the agent and the user
    explanation: str  # why it matched: which facts of the action met which condition
    waiver: WaiverUse | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict for one action: the strictest match, every match, and why."""

    verdict: Verdict = Verdict.PASS
    winner: Match | None = None
    matches: tuple[Match, ...] = ()  # every match, winner included, audit-mode ones too
    explanation: str = ""
    policy_revision: str = ""
    evaluation_us: float = 0.0  # filled in by the caller, who owns the clock
    fail_mode: str = ""  # set when the decision came from a failure: "open" | "closed"
    error: str = ""  # the failure, when there was one
    schema_version: int = SCHEMA_VERSION

    @property
    def would_block(self) -> tuple[Match, ...]:
        """Matches that would have blocked or asked had their assignment been enforced."""
        return tuple(
            m for m in self.matches if m.rule_verdict.rank >= Verdict.ASK.rank > m.verdict.rank
        )
