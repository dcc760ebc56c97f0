"""The pure installer core: what each agent's file gets, merging, idempotence, removal."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from gatepost.adapters.registry import ADAPTERS
from gatepost.errors import ConfigError
from gatepost.installer import MODULES, Place, spec
from gatepost.installer._json import gatepost_commands, is_gatepost_command
from gatepost.installer.probe import PROBES

CONFIGS = Path(__file__).parents[1] / "fixtures" / "configs"
CMD = "/opt/gatepost/bin/gatepost hook {agent}"
OTHER_CMD = "'/Users/Jo Doe/venv/bin/gatepost' hook {agent}"
FIXTURES = {
    "claude-code": "settings.json",
    "codex": "hooks.json",
    "gemini-cli": "settings.json",
    "cursor": "hooks.json",
    "copilot": "audit.json",
    "vscode": "format.json",
    "windsurf": "hooks.json",
}


def _fixture(agent: str) -> str:
    return (CONFIGS / agent / FIXTURES[agent]).read_text(encoding="utf-8")


def _cmd(agent: str, template: str = CMD) -> str:
    return template.format(agent=agent)


def _group(command: str, matcher: str | None, timeout: int, **extra: Any) -> dict[str, Any]:
    group: dict[str, Any] = {} if matcher is None else {"matcher": matcher}
    group["hooks"] = [{"type": "command", **extra, "command": command, "timeout": timeout}]
    return group


def expected_new_file(agent: str) -> dict[str, Any]:
    """The whole file each agent gets when it had none."""
    c = _cmd(agent)
    if agent == "claude-code":
        tools = ("PreToolUse", "PermissionRequest", "PostToolUse", "PostToolUseFailure")
        return {
            "hooks": {
                **{e: [_group(c, "*", 10)] for e in tools},
                **{e: [_group(c, None, 10)] for e in ("UserPromptSubmit", "SessionStart")},
                "SessionEnd": [_group(c, None, 10)],
            }
        }
    if agent == "codex":
        return {
            "hooks": {
                "PreToolUse": [_group(c, "*", 10)],
                "PermissionRequest": [_group(c, "*", 10)],
                "PostToolUse": [_group(c, "*", 10)],
                "UserPromptSubmit": [_group(c, None, 10)],
                "SessionStart": [_group(c, None, 10)],
                "SessionEnd": [_group(c, None, 3)],
            }
        }
    if agent == "gemini-cli":
        g = {"name": "gatepost"}
        return {
            "hooks": {
                "BeforeTool": [_group(c, "*", 10000, **g)],
                "AfterTool": [_group(c, "*", 10000, **g)],
                "BeforeAgent": [_group(c, None, 10000, **g)],
                "SessionStart": [_group(c, None, 10000, **g)],
                "SessionEnd": [_group(c, None, 10000, **g)],
            }
        }
    if agent == "cursor":
        gate = {"command": c, "timeout": 10, "failClosed": True}
        record = {"command": c, "timeout": 10}
        gates = ("beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse")
        records = ("afterShellExecution", "afterMCPExecution", "afterFileEdit", "postToolUse")
        return {
            "version": 1,
            "hooks": {
                **{e: [gate] for e in (*gates, "beforeSubmitPrompt")},
                **{e: [record] for e in (*records, "sessionStart", "sessionEnd")},
            },
        }
    if agent == "copilot":
        entry = {"type": "command", "bash": c, "timeoutSec": 10}
        events: tuple[str, ...] = (
            "preToolUse",
            "permissionRequest",
            "postToolUse",
            "postToolUseFailure",
            "userPromptSubmitted",
            "sessionStart",
            "sessionEnd",
        )
        return {"version": 1, "hooks": {e: [entry] for e in events}}
    if agent == "vscode":
        entry = {"type": "command", "command": c, "timeout": 10}
        events = ("PreToolUse", "PostToolUse", "UserPromptSubmit", "SessionStart", "Stop")
        return {"hooks": {e: [entry] for e in events}}
    assert agent == "windsurf"
    entry = {"command": c, "show_output": True}
    events = (
        "pre_run_command",
        "pre_read_code",
        "pre_write_code",
        "pre_mcp_tool_use",
        "pre_user_prompt",
        "post_run_command",
        "post_read_code",
        "post_write_code",
        "post_mcp_tool_use",
    )
    return {"hooks": {e: [entry] for e in events}}


AGENTS = sorted(MODULES)


def test_every_adapter_has_an_installer_and_a_probe() -> None:
    assert sorted(MODULES) == sorted(ADAPTERS) == sorted(PROBES)


@pytest.mark.parametrize("agent", AGENTS)
def test_new_file_holds_exactly_gateposts_hooks(agent: str) -> None:
    text = spec(agent).plan(None, _cmd(agent))
    assert json.loads(text) == expected_new_file(agent)
    assert list(json.loads(text)["hooks"]) == list(spec(agent).events)
    assert text == json.dumps(expected_new_file(agent), indent=2) + "\n"


@pytest.mark.parametrize("agent", AGENTS)
def test_install_into_existing_keeps_everything_else(agent: str) -> None:
    original = _fixture(agent)
    before = json.loads(original)
    after = json.loads(spec(agent).plan(original, _cmd(agent)))
    ours = expected_new_file(agent)
    # every user key and hook is still there, in its order, ours appended after them
    expected = dict(before)
    if "version" in ours:
        expected = {"version": 1, **expected}
    hooks = {e: list(v) for e, v in before.get("hooks", {}).items()}
    for event, entries in ours["hooks"].items():
        hooks[event] = [*hooks.get(event, []), *entries]
    expected["hooks"] = hooks
    assert after == expected
    assert list(after) == list(expected)
    assert list(after["hooks"]) == list(hooks)


@pytest.mark.parametrize("agent", AGENTS)
def test_install_only_adds_lines(agent: str) -> None:
    """Every line of the user's file stays as it was, byte for byte: the diff only adds."""
    original = _fixture(agent)
    installed = spec(agent).plan(original, _cmd(agent))
    diff = difflib.ndiff(original.splitlines(keepends=True), installed.splitlines(keepends=True))
    assert [line for line in diff if line.startswith("- ")] == []


@pytest.mark.parametrize("agent", AGENTS)
def test_remove_gives_back_the_original_bytes(agent: str) -> None:
    original = _fixture(agent)
    installed = spec(agent).plan(original, _cmd(agent))
    assert installed != original
    assert spec(agent).remove(installed) == original


@pytest.mark.parametrize("agent", AGENTS)
def test_install_twice_changes_nothing(agent: str) -> None:
    once = spec(agent).plan(_fixture(agent), _cmd(agent))
    assert spec(agent).plan(once, _cmd(agent)) is once


@pytest.mark.parametrize("agent", AGENTS)
def test_reinstall_with_a_new_command_replaces_ours_in_place(agent: str) -> None:
    original = _fixture(agent)
    first = spec(agent).plan(original, _cmd(agent))
    second = spec(agent).plan(first, _cmd(agent, OTHER_CMD))
    assert second == spec(agent).plan(original, _cmd(agent, OTHER_CMD))
    assert set(gatepost_commands(second)) == set(spec(agent).events)
    assert {c for cs in gatepost_commands(second).values() for c in cs} == {_cmd(agent, OTHER_CMD)}


@pytest.mark.parametrize("agent", AGENTS)
def test_remove_without_gatepost_returns_the_same_text(agent: str) -> None:
    original = _fixture(agent)
    assert spec(agent).remove(original) is original


def test_gatepost_entries_on_events_no_longer_wanted_are_dropped() -> None:
    old = {
        "hooks": {
            "Notification": [_group(_cmd("claude-code"), None, 10)],
            "Stop": [_group("notify-send done", None, 5)],
        }
    }
    new = json.loads(spec("claude-code").plan(json.dumps(old, indent=2), _cmd("claude-code")))
    assert "Notification" not in new["hooks"]
    assert new["hooks"]["Stop"] == [_group("notify-send done", None, 5)]


def test_a_user_handler_sharing_a_group_with_ours_is_kept() -> None:
    shared = {
        "matcher": "*",
        "hooks": [
            {"type": "command", "command": "./audit.sh"},
            {"type": "command", "command": _cmd("claude-code"), "timeout": 10},
        ],
    }
    text = json.dumps({"hooks": {"PreToolUse": [shared]}}, indent=2) + "\n"
    installed = json.loads(spec("claude-code").plan(text, _cmd("claude-code")))
    assert installed["hooks"]["PreToolUse"] == [
        {"matcher": "*", "hooks": [{"type": "command", "command": "./audit.sh"}]},
        _group(_cmd("claude-code"), "*", 10),
    ]
    removed = json.loads(spec("claude-code").remove(text))
    assert removed == {
        "hooks": {
            "PreToolUse": [
                {"matcher": "*", "hooks": [{"type": "command", "command": "./audit.sh"}]}
            ]
        }
    }


def test_our_entry_keeps_its_place_among_the_users() -> None:
    mine = {"command": _cmd("windsurf", OTHER_CMD), "show_output": True}
    theirs = {"command": "python3 gate.py"}
    text = json.dumps({"hooks": {"pre_run_command": [mine, theirs]}}, indent=2)
    after = json.loads(spec("windsurf").plan(text, _cmd("windsurf")))
    assert after["hooks"]["pre_run_command"] == [
        {"command": _cmd("windsurf"), "show_output": True},
        theirs,
    ]


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ('{\n    "hooks": {}\n}\n', "    "),
        ('{\n\t"hooks": {}\n}\n', "\t"),
        ('{\r\n  "hooks": {}\r\n}\r\n', "  "),
    ],
    ids=["four-spaces", "tabs", "crlf"],
)
def test_the_files_own_style_is_kept(text: str, style: str) -> None:
    after = spec("vscode").plan(text, _cmd("vscode"))
    newline = "\r\n" if "\r\n" in text else "\n"
    expected = json.dumps(expected_new_file("vscode"), indent=style) + "\n"
    assert after == expected.replace("\n", newline)
    assert spec("vscode").remove(after) == json.dumps({}, indent=style) + newline


def test_no_final_newline_stays_without() -> None:
    text = '{\n  "model": "opus"\n}'
    after = spec("claude-code").plan(text, _cmd("claude-code"))
    assert not after.endswith("\n")
    assert spec("claude-code").remove(after) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"hooks": {', "not valid JSON (line 1, column 12"),
        ("[1, 2]", "the top level is not a JSON object"),
        ('{"hooks": []}', '"hooks" is not an object'),
        ('{"hooks": {"PreToolUse": {}}}', '"hooks.PreToolUse" is not a list'),
        ('// my settings\n{"model": "opus"}', "not valid JSON (line 1, column 1"),
    ],
    ids=["truncated", "array", "hooks-array", "event-object", "comments"],
)
def test_a_file_gatepost_cannot_read_is_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        spec("claude-code").plan(text, _cmd("claude-code"))
    assert str(err.value).startswith(message)


def test_a_version_other_than_1_is_refused() -> None:
    with pytest.raises(ConfigError) as err:
        spec("cursor").plan('{"version": 2, "hooks": {}}', _cmd("cursor"))
    assert str(err.value) == '"version" is 2, gatepost writes version 1 files'


@pytest.mark.parametrize(
    ("command", "ours"),
    [
        ("/usr/local/bin/gatepost hook claude-code", True),
        ("'/Users/Jo Doe/.venv/bin/gatepost' hook codex", True),
        ('"C:/tools/gatepost" hook cursor', True),
        ("gatepost hook", True),
        ("gatepost hooks-report", False),
        ("python3 /opt/gatepost_hook.py", False),
        ("npx prettier --write", False),
    ],
)
def test_gateposts_entries_are_found_by_their_command(command: str, ours: bool) -> None:
    assert is_gatepost_command(command) is ours


def test_managed_paths_per_platform(tmp_path: Path) -> None:
    def managed(agent: str, platform: str, root: Path = Path("/")) -> str:
        place = Place(home=tmp_path, project=tmp_path, platform=platform, root=root)
        return str(spec(agent).target("managed", place))

    assert {a: managed(a, "linux") for a in AGENTS if a != "vscode"} == {
        "claude-code": "/etc/claude-code/managed-settings.json",
        "codex": "/etc/codex/hooks.json",
        "gemini-cli": "/etc/gemini-cli/settings.json",
        "cursor": "/etc/cursor/hooks.json",
        "copilot": "/etc/github-copilot/policy.d/gatepost.json",
        "windsurf": "/etc/windsurf/hooks.json",
    }
    assert {a: managed(a, "darwin") for a in AGENTS if a != "vscode"} == {
        "claude-code": "/Library/Application Support/ClaudeCode/managed-settings.json",
        "codex": "/etc/codex/hooks.json",
        "gemini-cli": "/Library/Application Support/GeminiCli/settings.json",
        "cursor": "/Library/Application Support/Cursor/hooks.json",
        "copilot": "/etc/github-copilot/policy.d/gatepost.json",
        "windsurf": "/Library/Application Support/Windsurf/hooks.json",
    }
    assert managed("cursor", "linux", tmp_path) == str(tmp_path / "etc/cursor/hooks.json")
    with pytest.raises(ConfigError, match="VS Code has no machine-wide hook file"):
        managed("vscode", "linux")
    with pytest.raises(ConfigError, match="codex has no machine-wide hook file on win32"):
        managed("codex", "win32")


def test_user_and_project_paths(tmp_path: Path) -> None:
    home, project = tmp_path / "home", tmp_path / "work"
    place = Place(home=home, project=project, environ={"CODEX_HOME": str(tmp_path / "cx")})
    got = {a: (spec(a).target("user", place), spec(a).target("project", place)) for a in AGENTS}
    assert got == {
        "claude-code": (home / ".claude/settings.json", project / ".claude/settings.json"),
        "codex": (tmp_path / "cx/hooks.json", project / ".codex/hooks.json"),
        "gemini-cli": (home / ".gemini/settings.json", project / ".gemini/settings.json"),
        "cursor": (home / ".cursor/hooks.json", project / ".cursor/hooks.json"),
        "copilot": (home / ".copilot/hooks/gatepost.json", project / ".github/hooks/gatepost.json"),
        "vscode": (
            home / ".copilot/hooks/gatepost-vscode.json",
            project / ".github/hooks/gatepost-vscode.json",
        ),
        "windsurf": (home / ".codeium/windsurf/hooks.json", project / ".windsurf/hooks.json"),
    }
