"""Self-protection flags: every form of changing, bypassing or switching off gatepost."""

from __future__ import annotations

import pytest

from gatepost.analysis.selfguard import gatepost_args
from gatepost.policy.cases import CASE_ENV, CASE_INSTALLATION, case_action

PKG = CASE_INSTALLATION.package_dir
EXE = CASE_INSTALLATION.executables[1]
_OURS = {"protected_write", "gatepost_bypass", "hooks_disabled"}


def ours(case: object) -> set[str]:
    return _OURS.intersection(case_action(case, CASE_ENV).flags)


W, B, H = {"protected_write"}, {"gatepost_bypass"}, {"hooks_disabled"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # writes, deletes, moves, truncation, permissions, replacement
        (f"sed -i 's/block/ask/' {PKG}/packs/git.yaml", W),
        (f"rm {EXE}", W),
        (f"rm -rf {PKG}", W),
        ("rm -rf ~/.local/pipx", W),  # a folder that holds the installation
        ("mv ~/.local/bin/gatepost /tmp/g", W),
        ("truncate -s 0 ~/.gatepost/assignments.yaml", W),
        ("chmod -x ~/.local/bin/gatepost", W),
        ("chown nobody ~/.gatepost", W),
        ("cp /bin/true /usr/local/bin/gatepost", W),
        ("install -m 755 fake ~/.local/bin/gatepost", W),
        ("ln -sf /bin/true ~/.local/bin/gatepost", W),
        ("dd if=/dev/zero of=/home/dev/.gatepost/events.db", W),
        ("echo x | tee ~/.gatepost/config.yaml", W),
        ("rm ~/.gatepost/*.yaml", W),
        ("rm -rf ~/.gate*", W),
        ("rm -f ~/.local/bin/g*", W),
        ("rm -rf ~/.local/pipx/venvs/*", W),
        ("echo 'alias gatepost=true' >> ~/.zshrc", W),
        ("alias gatepost=true", W),
        ("cp hook .git/hooks/pre-push", W),
        ("rm .claude/settings.local.json", W),
        ("sqlite3 ~/.gatepost/events.db 'delete from events'", W),
        ("rm ~/.config/systemd/user/gatepost.socket", W),
        ("echo '[Service]' > ~/.config/systemd/user/gatepost.service", W),
        ("rm ~/Library/LaunchAgents/dev.gatepost.service.plist", W),
        ("python3 -c \"import shutil; shutil.rmtree('/home/dev/.gatepost')\"", W),
        ("python3 -c \"open('/home/dev/.gatepost/config.yaml', 'w').write('x')\"", W),
        ("node -e \"require('fs').writeFileSync('/home/dev/.gatepost/assignments.yaml', '')\"", W),
        # the service, its socket and its hook
        ("kill $(cat ~/.gatepost/run/daemon.pid)", B),
        ("kill -9 $(< ~/.gatepost/run/daemon.pid)", B),
        ("pkill -f gatepost", B),
        ("systemctl --user disable --now gatepost.socket", B),
        ("launchctl bootout gui/501/dev.gatepost", B),
        ("nc -U ~/.gatepost/run/daemon.sock", B),
        ("socat UNIX-LISTEN:/home/dev/.gatepost/run/daemon.sock,fork -", B),
        ("curl -d @p.json http://localhost:8787/hook/claude-code", B),
        ("curl -d @p.json http://127.0.0.1:9999/hook/codex", B),
        ("gatepost hook claude-code < forged.json", B),
        # gatepost commands that change protection, in every spelling
        ("gatepost install claude-code --command 'true hook claude-code'", B),
        ("gatepost install codex", B),
        ("gatepost retention apply", B),
        ("gatepost evidence key", B),
        ("gatepost daemon", B),
        ("gatepost", set()),
        ("python3 -m gatepost.cli.main install claude-code --uninstall", B),
        ("python -m gatepost install claude-code --uninstall", B),
        ("python3 -mgatepost install x", B),
        ("uv run gatepost install claude-code", B),
        ("python3 -c 'from gatepost.cli.main import main; main([\"install\"])'", B),
        # agents with their hooks off
        ("claude --settings '{\"disableAllHooks\": true}' -p x", H),
        ("claude --settings='{\"hooks\": {}}' -p x", H),
        ("claude --setting-sources project,local -p x", H),
        ("CLAUDE_CONFIG_DIR=/tmp/x claude -p x", H),
        ("codex -c features.hooks=false exec x", H),
        ("codex --disable hooks exec x", H),
        ("COPILOT_HOME=/tmp/c copilot -p x", H),
        # everyday work: nothing
        ("gatepost events --json", set()),
        ("gatepost report --since 7d", set()),
        ("gatepost doctor", set()),
        ("gatepost check -- rm -rf /", set()),
        ("gatepost policy show", set()),
        ("gatepost --help", set()),
        ("ls -la ~/.gatepost", set()),
        ("cat ~/.gatepost/config.yaml", set()),
        (f"cat {PKG}/packs/git.yaml", set()),
        ("cp ~/.gatepost/config.yaml /tmp/", set()),
        ("kill %1", set()),
        ("pkill -f 'vite dev'", set()),
        ("curl http://localhost:3000/api/hooks", set()),
        ("python3 -c 'print(1)'", set()),
        ("python3 -c \"print(open('/home/dev/.gatepost/config.yaml').read())\"", set()),
        (
            "python3 -c \"import os; p = os.path.expanduser('~/.gatepost/config.yaml'); "
            "open(p, 'w').write('fail_mode: open')\"",
            W,
        ),
        (
            "python3 -c \"import os; os.kill(int(open('/home/dev/.gatepost/run/p').read()), 9)\"",
            B,
        ),
        ("python3 -m pytest -q", set()),
        ("python3 manage.py gatepost", set()),
        ("python3 -c 'import gatepost; print(gatepost.__version__)'", set()),
        ("python3 -c 'import runpy; runpy.run_module(\"gatepost\")'", B),
        ("python3 -c 'from gatepost.installer.files import apply'", B),
        ("claude -p 'summarize'", set()),
        ("claude --setting-sources user,project -p x", set()),
        ("codex -c model=o3 exec x", set()),
        ("rm -rf build dist", set()),
        ("rm -f ./*.log", set()),
        ("rm -f ~/.local/bin/*.bak", set()),
        ("find . -name '*.pyc' -delete", set()),
        ("echo x > notes/gatepost.md", set()),
        ("git config user.name dev", set()),
        ("cat ~/.config/systemd/user/gatepost.service", set()),
    ],
)
def test_flags(raw: str, expected: set[str]) -> None:
    assert ours(raw) == expected


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"write": "/home/dev/.gatepost/config.yaml", "content": "fail_mode: open"}, W),
        ({"write": f"{PKG}/packs/git.yaml", "content": ""}, W),
        ({"write": "/home/dev/.local/bin/gatepost", "content": "#!/bin/sh"}, W),
        ({"delete": "/home/dev/.gatepost"}, W),
        ({"write": "/home/dev/project/src/app.py", "content": "x"}, set()),
        ({"read": "/home/dev/.gatepost/config.yaml"}, set()),
        ({"mcp": "fs/write_file", "args": {"path": "/home/dev/.gatepost/x.yaml"}}, W),
        ({"mcp": "fs/move_file", "args": {"from": "~/.local/bin/gatepost", "to": "/tmp/x"}}, W),
        ({"mcp": "fs/edit_file", "args": {"edits": [{"path": f"{PKG}/packs/git.yaml"}]}}, W),
        ({"mcp": "fs/read_file", "args": {"path": "/home/dev/.gatepost/config.yaml"}}, set()),
        ({"mcp": "fs/write_file", "args": {"path": "/home/dev/project/a.txt"}}, set()),
    ],
)
def test_file_tools_and_mcp(case: dict[str, object], expected: set[str]) -> None:
    assert ours(case) == expected


def test_gatepost_args() -> None:
    parsed = case_action("python3 -m gatepost.cli.main install x && gatepost events").operation
    assert parsed.command is not None
    args = [gatepost_args(c) for c in parsed.command.commands]
    assert args == [("install", "x"), ("events",)]
