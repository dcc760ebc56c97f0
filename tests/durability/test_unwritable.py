"""A full disk or a read-only GATEPOST_HOME: the hook still answers, the journal falls back to a
private second location, doctor, verify and the log say how many events wait, no empty files
are left behind, and the writer drains the second location once the home can be written."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gatepost.errors import StoreError
from gatepost.runtime import journal
from gatepost.runtime.fallback import wait_for_recording
from gatepost.store.base import open_store
from tests.durability.conftest import GATEPOST, hook_env, payload

N = 5


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB tmpfs (we run as root, so chmod cannot make a directory unwritable)."""
    mnt = tmp_path / "fs"
    mnt.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(
            f"a tmpfs cannot be mounted here ({proc.stderr.strip()}); a full or "
            "read-only disk cannot be made for real without one"
        )
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.fixture
def env_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The hooks' XDG_RUNTIME_DIR, this process's too (where the test looks for the records)."""
    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(xdg))
    return {"XDG_RUNTIME_DIR": str(xdg)}


def _hook(home: Path, extra: dict[str, str], command: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [GATEPOST, "hook", "claude-code"],
        input=payload(command, home.parent),
        env=hook_env(home) | extra,
        cwd=home.parent,
        capture_output=True,
        timeout=60,
        check=False,
    )


def _gatepost(home: Path, extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GATEPOST, *args], env=hook_env(home) | extra, capture_output=True, text=True, timeout=120
    )


def _fill(mnt: Path) -> None:
    fd = os.open(mnt / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


_EMPTY_BY_DESIGN = (".lock", "-wal")  # flock files; SQLite's write-ahead log after a checkpoint


def _empty_files(top: Path) -> list[str]:
    return sorted(
        str(p.relative_to(top))
        for p in top.rglob("*")
        if p.is_file() and p.stat().st_size == 0 and not p.name.endswith(_EMPTY_BY_DESIGN)
    )


def _stored(home: Path) -> list[str]:
    with open_store(f"sqlite:///{home / 'events.db'}") as store:
        return [
            e.action.operation.command.raw for e in store.iter_chain() if e.action.operation.command
        ]


def _check_waiting(home: Path, extra: dict[str, str], fallback: Path, n: int) -> None:
    line = f"{n} event(s) wait in the journal to be stored ({fallback})"
    verify = _gatepost(home, extra, "verify")
    assert verify.stdout.splitlines()[-1:] == [line], verify.stderr
    doctor = _gatepost(home, extra, "doctor")
    assert doctor.stdout.splitlines()[-1:] == [f"!! EVIDENCE: {line}"], doctor.stderr
    log = (fallback.parent / "gatepost.log").read_text().splitlines()
    assert log[-1].split("] ", 1)[1].startswith(f"{n} event(s) wait in the journal: ")


def test_a_full_disk_falls_back_and_drains_later(small_fs: Path, env_of: dict[str, str]) -> None:
    home = small_fs / "user" / ".gatepost"
    home.mkdir(parents=True)
    assert _hook(home, env_of, "echo first").returncode == 0
    assert wait_for_recording(home)
    _fill(small_fs)
    for i in range(N):
        proc = _hook(home, env_of, f"echo full-{i}")
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    proc = _hook(home, env_of, "rm -rf ~")
    assert json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert wait_for_recording(home)
    fallback = journal.fallback_dir(home)
    assert fallback.parent.parent == Path(env_of["XDG_RUNTIME_DIR"]) / f"gatepost-{os.getuid()}"
    for d in (fallback.parent.parent, fallback.parent, fallback):
        assert (d.stat().st_mode & 0o777, d.stat().st_uid) == (0o700, os.getuid())
    assert journal.pending(home) == N + 1
    _check_waiting(home, env_of, fallback, N + 1)
    assert _empty_files(home) == []
    (small_fs / "filler").unlink()
    assert _hook(home, env_of, "echo after").returncode == 0
    assert wait_for_recording(home)
    expected = ["echo first", *(f"echo full-{i}" for i in range(N)), "rm -rf ~", "echo after"]
    assert _stored(home) == expected
    assert journal.pending(home) == 0
    assert _empty_files(home) == []
    verify = _gatepost(home, env_of, "verify")
    assert verify.returncode == 0


def test_a_read_only_home_falls_back_and_drains_later(
    small_fs: Path, env_of: dict[str, str]
) -> None:
    home = small_fs / "user" / ".gatepost"
    home.mkdir(parents=True)
    assert _hook(home, env_of, "echo first").returncode == 0
    assert wait_for_recording(home)
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    for i in range(N):
        proc = _hook(home, env_of, f"echo ro-{i}")
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    fallback = journal.fallback_dir(home)
    assert journal.pending(home) == N
    _check_waiting(home, env_of, fallback, N)
    subprocess.run(["mount", "-o", "remount,rw", str(small_fs)], check=True)
    assert _hook(home, env_of, "echo after").returncode == 0
    assert wait_for_recording(home)
    assert _stored(home) == ["echo first", *(f"echo ro-{i}" for i in range(N)), "echo after"]
    assert journal.pending(home) == 0
    assert _empty_files(home) == []


def test_a_fallback_location_of_another_account_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "xdg" / f"gatepost-{os.getuid()}"
    root.mkdir(parents=True)
    os.chmod(root, 0o755)  # wider than 0700: another account could read or plant records
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "xdg"))
    home = tmp_path / "home"
    home.write_text("not a directory")  # so the primary location cannot be written
    with pytest.raises(StoreError) as caught:
        journal.append(home, journal.encode({"n": 1}))
    assert str(caught.value).endswith(f"{root} is not a private directory of this account: refused")
    assert list(root.iterdir()) == []
