"""Identity binding: the host and the repository remote, read without starting programs."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from gatepost import identity
from gatepost.action import Host


def test_the_host_is_named_by_its_host_name(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_machine_id(self: Path, *args: object, **kwargs: object) -> str:
        raise OSError("no machine id")

    monkeypatch.setattr(Path, "read_text", no_machine_id)
    name = socket.gethostname()
    assert identity.host_identity() == Host(
        id=hashlib.sha256(name.encode()).hexdigest()[:16], name=name
    )


@pytest.mark.parametrize(
    ("text", "remote"),
    [
        (
            '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:acme/api.git\n',
            "git@github.com:acme/api.git",
        ),
        (
            '[remote "fork"]\n\turl = https://x.example/f.git\n[remote "origin"]\n\turl = https://x.example/o.git\n',
            "https://x.example/o.git",
        ),
        ("not a config file [", ""),
        (  # no origin: the first remote with a url
            '[remote "up"]\n\tfetch = +refs/heads/*:refs/remotes/up/*\n[remote "b"]\n'
            '\turl = ssh://git@h.example:2222/b.git\n[remote "c"]\n\turl = https://c.example/c\n',
            "ssh://git@h.example:2222/b.git",
        ),
        (  # comments, a quoted value, key case, a second url of the same remote
            '# top\n[remote "origin"]\n  ; note\n  URL = "https://x.example/a b.git"\n'
            "  url = https://x.example/second.git\n",
            "https://x.example/a b.git",
        ),
        ('[branch "main"]\n\turl = https://not-a-remote.example/\n', ""),
    ],
)
def test_the_origin_remote_is_read_from_git_config(text: str, remote: str) -> None:
    assert identity.parse_git_config_remote(text) == remote


def test_the_remote_is_read_from_a_config_file_git_wrote(tmp_path: Path) -> None:
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    for args in (
        ["init", "-q"],
        ["remote", "add", "upstream", "https://github.com/other/api.git"],
        ["remote", "add", "origin", "git@github.com:acme/api.git"],
        ["config", "remote.origin.pushurl", "git@github.com:acme/push.git"],
    ):
        subprocess.run([git, *args], cwd=tmp_path, check=True, capture_output=True)
    text = (tmp_path / ".git" / "config").read_text()
    assert identity.parse_git_config_remote(text) == "git@github.com:acme/api.git"


def test_the_os_account_is_found_as_getpass_finds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    assert identity.os_account() == getpass.getuser()
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    assert identity.os_account() == getpass.getuser()
    monkeypatch.setenv("USER", "someone")
    assert identity.os_account() == "someone"
