"""The hook boundary in-process, table-driven: every kind of failure against every fail mode,
for every agent. Each gets a well-formed native reply in the configured fail mode and a
decision that says what failed; nothing raises."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import import_module
from pathlib import Path
from types import MappingProxyType

import pytest

from gatepost.action import Decision, Surface, Verdict
from gatepost.adapters.base import Reply
from gatepost.adapters.registry import ADAPTERS
from gatepost.config import SHIPPED_PACKS, Config
from gatepost.policy.compile import CompiledPolicy
from gatepost.policy.source import load_in_force
from gatepost.runtime.boundary import MAX_PAYLOAD, HookResult, handle

NOW = "2026-12-01T10:00:00Z"
AUDIT = "assignments:\n" + "".join(
    f"  - {{id: audit-{p.stem}, pack: {p.stem}, scope: org, mode: audit}}\n"
    for p in sorted(SHIPPED_PACKS.glob("*.yaml"))
)


def _policy(tmp: Path, assignments: str | None) -> CompiledPolicy:
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    if assignments is not None:
        (home / "assignments.yaml").write_text(assignments)
    loaded = load_in_force(Config(home=home, user_home=tmp))
    assert loaded.error is None
    return loaded.policy


# failure -> (payload bytes, how the policy is spoiled, the error the decision must carry)
FAILURES = {
    "not-json": (b'{"session_id": ', None, "payload is not valid JSON: Expecting value at 15"),
    "not-an-object": (b"[1, 2]", None, "payload is not a JSON object"),
    "oversize": (
        b"{" + b" " * MAX_PAYLOAD + b"}",
        None,
        f"payload of {MAX_PAYLOAD + 2} bytes exceeds {MAX_PAYLOAD}",
    ),
    "no-policy": (b"{}", "none", "no policy could be loaded: packs/x.yaml:3: broken"),
    "internal-error": (
        json.dumps(
            {
                "session_id": "s1",
                "cwd": "/tmp",
                "hook_event_name": "PreToolUse",
                "tool_name": "Bash",
                "tool_input": {"command": "ls"},
                "tool_use_id": "t1",
            }
        ).encode(),
        "broken",
        "internal error: AttributeError: 'NoneType' object has no attribute 'get'",
    ),
}

# fail mode setting -> (assignments file, the mode that must apply when a policy is there)
MODES = {
    "configured-open": ("open", None, "open"),
    "configured-closed": ("closed", None, "closed"),
    "default-enforce": ("", None, "closed"),
    "default-audit": ("", AUDIT, "open"),
}


@pytest.mark.parametrize("agent", sorted(ADAPTERS))
@pytest.mark.parametrize("failure", sorted(FAILURES))
@pytest.mark.parametrize("mode", sorted(MODES))
def test_every_failure_in_every_fail_mode_gets_a_native_reply(
    agent: str, failure: str, mode: str, tmp_path: Path
) -> None:
    data, spoil, error = FAILURES[failure]
    setting, assignments, applies = MODES[mode]
    policy: CompiledPolicy | None = _policy(tmp_path, assignments)
    assert policy is not None
    revision = policy.revision
    policy_error = ""
    if spoil == "none":
        policy, policy_error, revision = None, "packs/x.yaml:3: broken", ""
        if not setting:
            applies = "closed"  # no policy at all: protection must not silently vanish
    elif spoil == "broken":
        policy = replace(policy, by_kind=None, by_program=MappingProxyType({}))  # type: ignore[arg-type]
    config = Config(home=tmp_path / "home", user_home=tmp_path, fail_mode=setting)

    result = handle(agent, data, config, policy, policy_error, deadline_ms=None, now=NOW)

    closed = applies == "closed"
    expected = Decision(
        verdict=Verdict.BLOCK if closed else Verdict.PASS,
        explanation=f"gatepost could not decide ({error}); failing {applies}"
        + (": the action is blocked until gatepost works again" if closed else ""),
        policy_revision=revision,
        fail_mode=applies,
        error=error,
    )
    adapter = import_module(ADAPTERS[agent])
    assert result.decision == expected
    assert result.reply == adapter.render(expected, None)
    assert result.action.surface == Surface(
        agent=adapter.NAME, event="PreToolUse" if failure == "internal-error" else ""
    )
    assert result.action.time == NOW


def test_claude_code_reads_a_closed_failure_as_a_block_and_an_open_one_as_a_pass(
    tmp_path: Path,
) -> None:
    policy = _policy(tmp_path, None)
    closed = handle(
        "claude-code", b"[]", Config(home=tmp_path, user_home=tmp_path), policy, now=NOW
    )
    opened = handle(
        "claude-code",
        b"[]",
        Config(home=tmp_path, user_home=tmp_path, fail_mode="open"),
        policy,
        now=NOW,
    )
    why = "gatepost could not decide (payload is not a JSON object); failing closed"
    assert closed.reply == Reply(
        stderr=why + ": the action is blocked until gatepost works again", exit_code=2
    )
    assert opened.reply == Reply()


def test_the_deadline_fails_in_the_fail_mode(tmp_path: Path) -> None:
    """A payload that takes far longer to analyse than the deadline allows (tens of
    milliseconds against one)."""
    policy = _policy(tmp_path, None)
    command = "; ".join(f"echo $(printf %s {i}) | grep -c {i}" for i in range(3000))
    data = json.dumps(
        {
            "session_id": "s1",
            "cwd": "/tmp",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command},
            "tool_use_id": "t1",
        }
    ).encode()
    config = Config(home=tmp_path, user_home=tmp_path)
    result = handle("claude-code", data, config, policy, deadline_ms=1, now=NOW)
    error = "deadline of 1 ms passed: deadline passed"
    assert isinstance(result, HookResult)
    assert result.decision == Decision(
        verdict=Verdict.BLOCK,
        explanation=f"gatepost could not decide ({error}); failing closed: the action is "
        "blocked until gatepost works again",
        policy_revision=policy.revision,
        fail_mode="closed",
        error=error,
    )
