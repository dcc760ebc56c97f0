"""Small builders for engine tests: packs from YAML text, actions from facts."""

from __future__ import annotations

from pathlib import Path

from gatepost.action import (
    Action,
    Actor,
    AgentInfo,
    CommandInfo,
    Host,
    Kind,
    Operation,
    Repository,
    SimpleCommand,
    Surface,
    User,
)
from gatepost.policy.compile import CompiledPolicy, compile_policy
from gatepost.policy.load import load_assignments, load_pack
from gatepost.policy.model import Pack, PolicySet


def pack_from(tmp: Path, text: str, name: str = "p.yaml") -> Pack:
    f = tmp / name
    f.write_text(text)
    return load_pack(f)


def policy_from(tmp: Path, packs: list[Pack], assignments: str) -> CompiledPolicy:
    f = tmp / "assignments.yaml"
    f.write_text(assignments)
    return compile_policy(PolicySet(packs=tuple(packs), assignments=load_assignments(f)))


def command_action(
    program: str,
    *argv: str,
    flags: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    user: str = "alice@acme.com",
    repo: str = "github.com/acme/api",
    agent: str = "claude-code",
    time: str = "2026-06-01T12:00:00Z",
) -> Action:
    raw = " ".join((program, *argv))
    return Action(
        id="a1",
        time=time,
        actor=Actor(
            user=User(id=user, name="alice", os_account="alice"),
            groups=groups,
            host=Host(id="h1", name="laptop"),
            repository=Repository(remote=repo, root="/src/api", branch="main"),
            agent=AgentInfo(name=agent),
            session=f"{agent}:s1",
        ),
        surface=Surface(agent=agent, event="PreToolUse", tool="Bash"),
        operation=Operation(
            kind=Kind.COMMAND,
            cwd="/src/api",
            command=CommandInfo(
                raw=raw, cwd="/src/api", commands=(SimpleCommand(program=program, argv=argv),)
            ),
        ),
        flags=flags,
    )
