"""The installer's I/O edge and `gatepost install`: round trips on copies of real-shaped files."""

from __future__ import annotations

import json
import os
import shlex
import shutil
from pathlib import Path

import pytest

from gatepost.cli.main import main
from gatepost.errors import ConfigError
from gatepost.installer import MODULES, Place, spec
from gatepost.installer.command import hook_command
from gatepost.installer.files import apply, plan_install, plan_uninstall
from tests.installer.test_plan import CONFIGS, FIXTURES

AGENTS = sorted(MODULES)


@pytest.fixture
def place(tmp_path: Path) -> Place:
    home, project = tmp_path / "home", tmp_path / "work" / "api"
    (project / ".git").mkdir(parents=True)
    home.mkdir()
    return Place(home=home, project=project, root=tmp_path / "root")


@pytest.fixture
def cli_env(place: Place, monkeypatch: pytest.MonkeyPatch) -> Place:
    """`gatepost install` run in the place's project with HOME at its home."""
    monkeypatch.setenv("HOME", str(place.home))
    monkeypatch.setenv("GATEPOST_HOME", str(place.home / ".gatepost"))
    for var in ("CODEX_HOME", "COPILOT_HOME", "GEMINI_CLI_SYSTEM_SETTINGS_PATH"):
        monkeypatch.delenv(var, raising=False)
    (place.project / "src").mkdir()
    monkeypatch.chdir(place.project / "src")  # a sub-folder: the work tree root is used
    return place


def _existing(agent: str, scope: str, place: Place) -> tuple[Path, bytes]:
    """Copy the agent's realistic config where it lives; (the file gatepost edits, original)."""
    target = spec(agent).target(scope, place)
    source = CONFIGS / agent / FIXTURES[agent]
    where = target.parent / source.name if agent in ("copilot", "vscode") else target
    where.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, where)
    original = target.read_bytes() if target.exists() else b""
    return target, original


def _cmd(agent: str) -> str:
    return f"/opt/gatepost/bin/gatepost hook {agent}"


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and ".gatepost" not in p.parts
    }


@pytest.mark.parametrize("scope", ["user", "project", "managed"])
@pytest.mark.parametrize("agent", AGENTS)
def test_round_trip_restores_the_original_bytes(agent: str, scope: str, place: Place) -> None:
    if agent == "vscode" and scope == "managed":
        pytest.skip("VS Code has no machine-wide hook file")
    target, original = _existing(agent, scope, place)
    root = place.home.parent
    untouched = _tree(root)
    owned = agent in ("copilot", "vscode")  # gatepost writes its own file in their folders

    change = plan_install(spec(agent), scope, place, _cmd(agent))
    apply(change)
    text = target.read_text(encoding="utf-8")
    assert text == spec(agent).plan(None if owned else original.decode(), _cmd(agent))
    backup = target.with_name(target.name + ".gatepost-backup")
    assert backup.exists() is not owned
    if not owned:
        assert backup.read_bytes() == original

    again = plan_install(spec(agent), scope, place, _cmd(agent))
    assert (again.action, again.after) == ("unchanged", text)
    apply(again)
    assert target.read_text(encoding="utf-8") == text

    removal = plan_uninstall(spec(agent), scope, place)
    assert removal.action == ("delete" if owned else "restore")
    apply(removal)
    assert _tree(root) == untouched  # every file as it was, byte for byte; no backup left


@pytest.mark.parametrize("agent", AGENTS)
def test_no_file_before_means_no_file_after(agent: str, place: Place) -> None:
    apply(plan_install(spec(agent), "project", place, _cmd(agent)))
    target = spec(agent).target("project", place)
    assert json.loads(target.read_text()) == json.loads(spec(agent).plan(None, _cmd(agent)))
    assert not target.with_name(target.name + ".gatepost-backup").exists()
    apply(plan_uninstall(spec(agent), "project", place))
    assert not target.exists()


def test_uninstall_after_the_user_changed_the_file_removes_only_ours(place: Place) -> None:
    target, original = _existing("claude-code", "user", place)
    apply(plan_install(spec("claude-code"), "user", place, _cmd("claude-code")))
    edited = json.loads(target.read_text())
    edited["model"] = "sonnet"
    target.write_text(json.dumps(edited, indent=2) + "\n")

    change = plan_uninstall(spec("claude-code"), "user", place)
    apply(change)
    expected = json.loads(original)
    expected["model"] = "sonnet"
    assert json.loads(target.read_text()) == expected
    assert target.read_text() == json.dumps(expected, indent=2) + "\n"
    backup = target.with_name("settings.json.gatepost-backup")
    assert change.message == (
        "the file changed since gatepost was installed: only gatepost's entries go; "
        f"the original is kept in {backup}"
    )
    assert backup.read_bytes() == original


def test_reinstall_with_another_command_keeps_the_first_backup(place: Place) -> None:
    target, original = _existing("windsurf", "project", place)
    apply(plan_install(spec("windsurf"), "project", place, _cmd("windsurf")))
    apply(plan_install(spec("windsurf"), "project", place, "/new/gatepost hook windsurf"))
    backup = target.with_name("hooks.json.gatepost-backup")
    assert backup.read_bytes() == original
    apply(plan_uninstall(spec("windsurf"), "project", place))
    assert target.read_bytes() == original
    assert not backup.exists()


def test_a_hand_formatted_file_comes_back_exactly(place: Place) -> None:
    target = spec("cursor").target("user", place)
    target.parent.mkdir(parents=True)
    original = b'{"version":1,"hooks":{"stop":[{"command":"say done","loop_limit":2}]}}'
    target.write_bytes(original)
    apply(plan_install(spec("cursor"), "user", place, _cmd("cursor")))
    assert json.loads(target.read_bytes())["hooks"]["stop"] == [
        {"command": "say done", "loop_limit": 2}
    ]
    apply(plan_uninstall(spec("cursor"), "user", place))
    assert target.read_bytes() == original


def test_a_symlinked_file_is_written_through_the_link(place: Place) -> None:
    dotfiles = place.home / "dotfiles" / "claude-settings.json"
    dotfiles.parent.mkdir(parents=True)
    shutil.copyfile(CONFIGS / "claude-code" / "settings.json", dotfiles)
    target = spec("claude-code").target("user", place)
    target.parent.mkdir(parents=True)
    target.symlink_to(dotfiles)
    apply(plan_install(spec("claude-code"), "user", place, _cmd("claude-code")))
    assert target.is_symlink()
    assert "gatepost hook" in dotfiles.read_text()
    apply(plan_uninstall(spec("claude-code"), "user", place))
    assert target.is_symlink()
    assert dotfiles.read_bytes() == (CONFIGS / "claude-code" / "settings.json").read_bytes()


def test_the_files_mode_is_kept(place: Place) -> None:
    target, _ = _existing("gemini-cli", "user", place)
    os.chmod(target, 0o600)
    apply(plan_install(spec("gemini-cli"), "user", place, _cmd("gemini-cli")))
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.with_name("settings.json.gatepost-backup").stat().st_mode & 0o777 == 0o600


def test_a_new_policy_file_is_not_group_or_world_writable(place: Place) -> None:
    apply(plan_install(spec("copilot"), "managed", place, _cmd("copilot")))
    target = place.root / "etc/github-copilot/policy.d/gatepost.json"
    assert target.stat().st_mode & 0o777 == 0o644


def test_an_unreadable_file_is_refused_and_left_alone(place: Place) -> None:
    target = spec("codex").target("project", place)
    target.parent.mkdir(parents=True)
    target.write_text('{"hooks": {"PreToolUse": [}\n')
    with pytest.raises(ConfigError) as err:
        plan_install(spec("codex"), "project", place, _cmd("codex"))
    assert str(err.value) == (
        f"{target}: not valid JSON (line 1, column 27: Expecting value); gatepost does not "
        "rewrite a file it cannot read: fix it, or add the hooks by hand"
    )
    assert target.read_text() == '{"hooks": {"PreToolUse": [}\n'


def test_a_command_that_is_not_gatepost_hook_is_refused(place: Place) -> None:
    with pytest.raises(ConfigError, match="must run 'gatepost hook'"):
        plan_install(spec("cursor"), "user", place, "/usr/bin/true")


# ---------------------------------------------------------------------------- the command


def test_dry_run_prints_the_diff_and_writes_nothing(
    cli_env: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    target, _ = _existing("claude-code", "project", cli_env)
    before = _tree(cli_env.home.parent)
    code = main(
        [
            "install",
            "claude-code",
            "--scope",
            "project",
            "--dry-run",
            "--command",
            _cmd("claude-code"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert _tree(cli_env.home.parent) == before
    assert out.startswith(f"--- {target}\n+++ {target}\n@@ ")
    added = [line[1:] for line in out.splitlines() if line.startswith("+") and "+++" not in line]
    removed = [line[1:] for line in out.splitlines() if line.startswith("-") and "---" not in line]
    assert removed == []  # the user's lines all stay as they were: the diff only adds
    assert f'            "command": "{_cmd("claude-code")}",' in added


def test_install_and_uninstall_through_the_command(
    cli_env: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    target, original = _existing("gemini-cli", "project", cli_env)
    assert main(["install", "gemini", "--scope", "project", "--command", _cmd("gemini-cli")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        f"installed gatepost hooks for Gemini CLI in {target} (project scope)",
        "  events: BeforeTool, AfterTool, BeforeAgent, SessionStart, SessionEnd",
        f"  original kept in {target}.gatepost-backup",
    ]
    assert main(["install", "gemini", "--scope", "project", "--command", _cmd("gemini-cli")]) == 0
    assert capsys.readouterr().out == (
        f"gatepost hooks for Gemini CLI are already in {target}; nothing changed\n"
    )
    assert main(["install", "gemini-cli", "--scope", "project", "--uninstall", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith(f"--- {target}\n+++ {target}\n")
    assert main(["install", "gemini-cli", "--scope", "project", "--uninstall"]) == 0
    assert capsys.readouterr().out == (
        f"restored the original {target} from {target}.gatepost-backup, byte for byte\n"
    )
    assert target.read_bytes() == original


def test_default_command_is_the_absolute_gatepost_executable(
    cli_env: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["install", "windsurf"]) == 0
    target = cli_env.home / ".codeium" / "windsurf" / "hooks.json"
    commands = {h["command"] for hs in json.loads(target.read_text())["hooks"].values() for h in hs}
    (command,) = commands
    exe = shlex.split(command.partition("$(")[2].partition(" hook ")[0])[0]
    assert command == hook_command(exe, "windsurf", fail_closed=True)
    assert os.path.isabs(exe) and os.access(exe, os.X_OK)


def test_errors_are_reported_with_the_file(
    cli_env: Place, capsys: pytest.CaptureFixture[str]
) -> None:
    target = cli_env.project / ".cursor" / "hooks.json"
    target.parent.mkdir()
    target.write_text("[]")
    assert main(["install", "cursor", "--scope", "project", "--command", _cmd("cursor")]) == 2
    assert capsys.readouterr().err == (
        f"gatepost: {target}: the top level is not a JSON object; gatepost does not rewrite it\n"
    )
    assert main(["install", "vscode", "--scope", "managed"]) == 2
    assert "VS Code has no machine-wide hook file" in capsys.readouterr().err
    assert main(["install", "emacs"]) == 2
    assert capsys.readouterr().err.startswith("gatepost: unknown agent 'emacs'")
