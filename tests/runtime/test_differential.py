"""The in-process fallback and the decision service give the same answer to every payload:
the shipped packs' own test cases and the dcg corpus, sent as hook payloads to a real service
and decided by :func:`gatepost.runtime.fallback.decide` in this process, on the same home."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gatepost.config import SHIPPED_PACKS
from gatepost.policy.load import load_pack
from gatepost.runtime import auth, client
from gatepost.runtime.fallback import decide
from tests.corpus.dcg import all_cases, hook_json_cases
from tests.runtime.helpers import service
from tests.shared import dcg_root, require


def _payload(case: Any, work: Path) -> dict[str, Any] | None:
    """A pack test case as the Claude Code hook payload that carries it (None: no such tool)."""
    if isinstance(case, str):
        case = {"command": case}
    base: dict[str, Any] = {"session_id": "s1", "cwd": str(work), "hook_event_name": "PreToolUse"}
    if "command" in case:
        return base | {"tool_name": "Bash", "tool_input": {"command": case["command"]}}
    if "read" in case:
        return base | {"tool_name": "Read", "tool_input": {"file_path": case["read"]}}
    if "write" in case:
        content = case.get("content", "")
        return base | {
            "tool_name": "Write",
            "tool_input": {"file_path": case["write"], "content": content},
        }
    if "fetch" in case:
        return base | {"tool_name": "WebFetch", "tool_input": {"url": case["fetch"], "prompt": "x"}}
    if "search" in case:
        return base | {"tool_name": "WebSearch", "tool_input": {"query": case["search"]}}
    if "mcp" in case:
        server, _, tool = str(case["mcp"]).partition("/")
        return base | {"tool_name": f"mcp__{server}__{tool}", "tool_input": case.get("args", {})}
    if "prompt" in case:
        return {
            "session_id": "s1",
            "cwd": str(work),
            "hook_event_name": "UserPromptSubmit",
            "prompt": case["prompt"],
        }
    return None


def _pack_payloads(work: Path) -> list[tuple[str, bytes]]:
    out = []
    for path in sorted(SHIPPED_PACKS.glob("*.yaml")):
        for rule in load_pack(path).rules:
            for what in ("match", "no_match"):
                for i, case in enumerate(getattr(rule.tests, what)):
                    payload = _payload(case, work)
                    if payload is not None:
                        out.append((f"{rule.id} {what}#{i}", json.dumps(payload).encode()))
    return out


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    base = tmp_path_factory.mktemp("differential")
    home, work = base / "home" / ".gatepost", base / "work"
    home.mkdir(parents=True)
    work.mkdir()
    with service(home):
        yield home, work


def _differences(
    home: Path, payloads: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], int]:
    """Every payload whose two answers differ, and how many answers were a deny."""
    monkeypatch.setenv("GATEPOST_HOME", str(home))
    monkeypatch.setenv("HOME", str(home.parent))
    sock = client.socket_path(str(home))
    secret = auth.read_secret(auth.key_path(str(home)))
    out, denied = [], 0
    for name, data in payloads:
        by_service = client.ask(sock, secret, "claude-code", data, 30)
        reply, _, _ = decide("claude-code", data)
        here = (reply.stdout, reply.stderr, reply.exit_code)
        if here != by_service:
            out.append(f"{name}: service {by_service!r} != fallback {here!r}")
        denied += '"permissionDecision": "deny"' in by_service[0]
    return out, denied


def test_the_packs_own_cases(running: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    home, work = running
    payloads = _pack_payloads(work)
    assert len(payloads) > 200
    differences, denied = _differences(home, payloads, monkeypatch)
    assert differences == []
    assert denied > 50  # the comparison covers blocks, not only quiet passes


def test_the_dcg_corpus(running: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    require(dcg_root())
    home, work = running
    payloads = [
        (
            case.source,
            json.dumps(
                {
                    "session_id": "s1",
                    "cwd": str(work),
                    "hook_event_name": "PreToolUse",
                    "tool_name": "Bash",
                    "tool_input": {"command": case.command},
                }
            ).encode(),
        )
        for case in all_cases()
    ]
    payloads += [(name, raw.encode()) for name, raw, _ in hook_json_cases()]
    differences, denied = _differences(home, payloads, monkeypatch)
    assert differences == []
    assert denied > 50
