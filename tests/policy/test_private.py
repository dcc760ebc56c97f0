"""Files only this user may read and write: what is trusted, and how they are written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gatepost.policy import private


def test_only_a_regular_file_of_ours_with_mode_0600_or_narrower_is_read(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_bytes(b"data")
    link = tmp_path / "link"
    link.symlink_to(f)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o600)
    results = {}
    for mode in (0o600, 0o400, 0o640, 0o606, 0o700):
        f.chmod(mode)
        results[f"{mode:04o}"] = private.read(str(f))
    f.chmod(0o600)

    assert results == {
        "0600": (b"data", ""),
        "0400": (b"data", ""),
        "0640": (None, "mode 0640 is wider than 0600"),
        "0606": (None, "mode 0606 is wider than 0600"),
        "0700": (None, "mode 0700 is wider than 0600"),
    }
    assert private.read(str(link)) == (None, "cannot be opened: Too many levels of symbolic links")
    assert private.read(str(fifo)) == (None, "not a regular file")
    assert private.read(str(tmp_path / "missing")) == (None, "")


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file away needs root")
def test_a_file_of_another_user_is_not_read(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_bytes(b"data")
    f.chmod(0o600)
    os.chown(f, 1, 1)

    assert private.read(str(f)) == (None, f"owned by uid 1, not by this user (uid {os.getuid()})")


def test_written_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "new" / "state.json"
    old = os.umask(0)
    try:
        assert private.write(str(target), b"one")
        assert private.write(str(target), b"two")  # replaced whole
    finally:
        os.umask(old)

    modes = (stat.S_IMODE(target.stat().st_mode), stat.S_IMODE(target.parent.stat().st_mode))
    assert (target.read_bytes(), modes, sorted(os.listdir(target.parent))) == (
        b"two",
        (0o600, 0o700),
        ["state.json"],
    )
    (tmp_path / "blocker").write_text("")  # a file where the folder should be
    assert private.write(str(tmp_path / "blocker" / "x"), b"data") is False
