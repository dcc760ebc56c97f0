"""Each test gets GATEPOST_HOME under tmp_path with the scenario's history recorded in it, and
runs the real commands in-process through gatepost.cli.main.main."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gatepost.cli.main import main
from gatepost.evidence.event import Event
from tests.cli.scenario import record_history


@dataclass
class Run:
    code: int
    out: str
    err: str

    def lines(self) -> list[str]:
        return self.out.splitlines()

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home" / ".gatepost"
    home.mkdir(parents=True)
    monkeypatch.setenv("GATEPOST_HOME", str(home))
    monkeypatch.setenv("HOME", str(home.parent))
    return home


@pytest.fixture
def history(home: Path, tmp_path: Path) -> list[Event]:
    return record_history(tmp_path, home / "events.db")


@pytest.fixture
def gatepost(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(*argv: str) -> Run:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
