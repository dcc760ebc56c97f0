"""gatepost._classcode: dataclass methods from kept code behave as freshly compiled ones."""

from __future__ import annotations

import dataclasses
import json
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


_DEFERRED = """
import json, sys
from gatepost import _startup
_startup.prepare()
stand_in = sys.modules["inspect"]
before = type(stand_in).__name__
import inspect
same = inspect is stand_in
params = list(inspect.signature(lambda a, b=1: None).parameters)
real = sys.modules["inspect"]
print(json.dumps({
    "before": before, "same": same, "params": params,
    "now": type(real).__name__, "real_is_not_stand_in": real is not stand_in,
    "again": list(stand_in.signature(lambda c: None).parameters),
    "file": real.__file__ == stand_in.__file__,
}))
"""


def test_inspect_waits_for_its_first_use() -> None:
    # (gatepost._startup; here because dataclasses is why it is deferred)
    out = subprocess.run(
        [sys.executable, "-c", _DEFERRED], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == {
        "before": "Deferred",
        "same": True,
        "params": ["a", "b"],
        "now": "module",
        "real_is_not_stand_in": True,
        "again": ["c"],
        "file": True,
    }


def test_every_model_has_a_docstring_of_its_own() -> None:
    # dataclasses needs inspect only to write the docstring of a class without one
    import importlib
    import pkgutil

    import gatepost

    generated = []
    for info in pkgutil.walk_packages(gatepost.__path__, "gatepost."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and value.__module__ == info.name
                and dataclasses.is_dataclass(value)
                and (value.__doc__ or "").startswith(f"{value.__name__}(")
            ):
                generated.append(f"{info.name}.{name}")
    assert generated == []
