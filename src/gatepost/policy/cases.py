"""Test cases: the short forms packs use for inputs, turned into enriched Actions.

A case is a string (a shell command) or a mapping with exactly one operation key:

- ``command: TEXT``              a shell command
- ``read: PATH`` / ``write: PATH`` (with optional ``content``) / ``delete: PATH``
- ``fetch: URL`` / ``search: QUERY``
- ``mcp: SERVER/TOOL`` (with optional ``args`` mapping)
- ``prompt: TEXT``

plus optional ``cwd`` (default: the repository root), ``agent``, ``time``. Cases run in a fixed
test environment so their outcome never depends on the machine.
"""

from __future__ import annotations

from typing import Any

from gatepost.action import (
    Action,
    Actor,
    AgentInfo,
    CommandInfo,
    Kind,
    McpCall,
    Operation,
    PathRef,
    Repository,
    Surface,
    UrlRef,
    User,
)
from gatepost.analysis.context import Environment
from gatepost.analysis.enrich import enrich
from gatepost.errors import PayloadError
from gatepost.protected import Installation, protected_paths

# the test machine: gatepost installed with pipx for the user "dev"
CASE_INSTALLATION = Installation(
    executables=(
        "/home/dev/.local/bin/gatepost",
        "/home/dev/.local/pipx/venvs/gatepost/bin/gatepost",
    ),
    package_dir="/home/dev/.local/pipx/venvs/gatepost/lib/python3.12/site-packages/gatepost",
    prefix="/home/dev/.local/pipx/venvs/gatepost",
    path_dirs=("/home/dev/.local/bin", "/usr/local/bin", "/usr/bin", "/bin"),
)
CASE_ENV = Environment(
    home="/home/dev",
    gatepost_home="/home/dev/.gatepost",
    repo_root="/home/dev/project",
    protected=protected_paths(
        "/home/dev", "/home/dev/.gatepost", "/home/dev/project", CASE_INSTALLATION
    ),
)
CASE_TIME = "2026-06-01T12:00:00Z"
_OPS = ("command", "read", "write", "delete", "fetch", "search", "mcp", "prompt")
_EXTRA = {"cwd", "agent", "time", "content", "args", "output"}


def case_label(case: Any) -> str:
    if isinstance(case, str):
        return case
    if isinstance(case, dict):
        return ", ".join(f"{k}={v!r}" for k, v in case.items())
    return repr(case)


def case_action(case: Any, env: Environment = CASE_ENV) -> Action:
    """The enriched Action a test case stands for."""
    if isinstance(case, str):
        case = {"command": case}
    if not isinstance(case, dict):
        raise PayloadError(f"a test case must be a string or a mapping, got {case!r}")
    ops = [k for k in case if k in _OPS]
    unknown = set(case) - set(_OPS) - _EXTRA
    if len(ops) != 1 or unknown:
        raise PayloadError(
            f"a test case needs exactly one of {', '.join(_OPS)}"
            + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else "")
        )
    op, value = ops[0], str(case[ops[0]])
    cwd = str(case.get("cwd", env.repo_root))
    agent = str(case.get("agent", "claude-code"))
    if op == "command":
        operation = Operation(kind=Kind.COMMAND, cwd=cwd, command=CommandInfo(raw=value, cwd=cwd))
    elif op in ("read", "write", "delete"):
        kind = Kind.FILE_READ if op == "read" else Kind.FILE_WRITE
        operation = Operation(
            kind=kind,
            cwd=cwd,
            paths=(PathRef(path=value, raw=value, access=op),),
            content=str(case.get("content", "")),
        )
    elif op == "fetch":
        operation = Operation(kind=Kind.WEB_FETCH, cwd=cwd, urls=(UrlRef(raw=value),))
    elif op == "search":
        operation = Operation(kind=Kind.WEB_SEARCH, cwd=cwd, query=value)
    elif op == "mcp":
        server, _, tool = value.partition("/")
        args = case.get("args", {})
        operation = Operation(
            kind=Kind.MCP_CALL,
            cwd=cwd,
            mcp=McpCall(server=server, tool=tool, arguments=dict(args) if args else {}),
        )
    else:
        operation = Operation(kind=Kind.PROMPT, cwd=cwd, content=value)
    if "output" in case:
        from dataclasses import replace

        operation = replace(operation, output=str(case["output"]))
    action = Action(
        id="case",
        time=str(case.get("time", CASE_TIME)),
        actor=Actor(
            user=User(id="dev@example.com", name="Dev", os_account="dev"),
            repository=Repository(remote="github.com/example/project", root=env.repo_root),
            agent=AgentInfo(name=agent),
            session=f"{agent}:case",
        ),
        surface=Surface(agent=agent, event="case", phase="pre"),
        operation=operation,
    )
    return enrich(action, env)
