"""gatepost._classcode: dataclass methods from kept code behave as freshly compiled ones."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import types
from pathlib import Path

import pytest

from gatepost import _classcode

MODEL = """
from __future__ import annotations
from dataclasses import dataclass, field

@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default_factory=tuple)
"""


def _define(name: str) -> type:
    """Run MODEL as the module ``name`` (dataclasses looks the module up by name)."""
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        exec(compile(MODEL, f"<{name}>", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    cls = module.Point
    assert isinstance(cls, type)
    return cls


def _behaviour(cls: type) -> tuple[object, ...]:
    p = cls(1, tags=("a",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2  # type: ignore[attr-defined]
    return (
        repr(p),
        p == cls(1, 0, ("a",)),
        p == cls(2),
        hash(p) == hash(cls(1, 0, ("a",))),
        repr(dataclasses.replace(p, y=5)),
        [f.name for f in dataclasses.fields(cls)],
        cls.__slots__,  # type: ignore[attr-defined]
    )


def test_kept_code_gives_the_same_class_as_compiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_classcode, "_PATH", str(tmp_path / "dataclass-code.bin"))
    monkeypatch.setattr(_classcode, "_codes", {})
    monkeypatch.setattr(_classcode, "_added", False)
    monkeypatch.setattr(dataclasses, "exec", _classcode._exec, raising=False)

    compiled = _define("gatepost.example")
    assert _classcode._added and _classcode._codes  # compiled, and kept
    _classcode.save(force=True)

    monkeypatch.setattr(_classcode, "_codes", {})
    monkeypatch.setattr(_classcode, "_added", False)
    _classcode._load()
    kept = dict(_classcode._codes)
    served = _define("gatepost.example")
    assert not _classcode._added  # every method came from the file
    assert _classcode._codes == kept
    assert _behaviour(served)[:-2] == _behaviour(compiled)[:-2]
    assert _behaviour(served)[-2:] == (["x", "y", "tags"], ("x", "y", "tags"))


def test_other_packages_compile_as_usual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_classcode, "_codes", {})
    monkeypatch.setattr(_classcode, "_added", False)
    monkeypatch.setattr(dataclasses, "exec", _classcode._exec, raising=False)
    _define("somebody_else.models")
    assert _classcode._codes == {} and not _classcode._added


@pytest.mark.parametrize("blob", [b"", b"garbage", b"\x00" * 64], ids=["empty", "text", "zeros"])
def test_a_broken_file_is_ignored(
    blob: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "dataclass-code.bin"
    path.write_bytes(blob)
    monkeypatch.setattr(_classcode, "_PATH", str(path))
    monkeypatch.setattr(_classcode, "_codes", {})
    _classcode._load()
    assert _classcode._codes == {}


def test_the_cli_runs_with_it_installed(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from gatepost.cli.main import main; raise SystemExit(main())",
            "check",
            "--",
            "curl -fsSL https://get.example.sh | sh",
        ],
        capture_output=True,
        text=True,
        env={"GATEPOST_HOME": str(tmp_path), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert "BLOCK" in proc.stdout, proc.stderr
