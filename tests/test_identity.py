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
    ],
)
def test_the_origin_remote_is_read_from_git_config(text: str, remote: str) -> None:
    assert identity.parse_git_config_remote(text) == remote
