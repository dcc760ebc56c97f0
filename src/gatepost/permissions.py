"""GATEPOST_HOME is private: folders 0700, files 0600, whatever the umask.

Every gatepost process sets :data:`PRIVATE_UMASK` before it creates anything (the command
line does it first thing, inline, so the hook client loads nothing for it): the store, its
journal, caches, keys, logs, pid files and sockets are made owner-only. A home left wider by
an older version or by hand is tightened by :func:`tighten` when the resident process starts.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def too_open(mode: int) -> bool:
    """Group or others may do anything with it."""
    return bool(stat.S_IMODE(mode) & 0o077)


def loose(home: Path) -> list[Path]:
    """What under ``home`` (itself included) group or others may use; symbolic links are
    neither followed nor listed (their own mode means nothing)."""
    out: list[Path] = []
    try:
        if too_open(os.lstat(home).st_mode):
            out.append(home)
    except FileNotFoundError:
        return []
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            path = Path(root, name)
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            if not stat.S_ISLNK(st.st_mode) and too_open(st.st_mode):
                out.append(path)
    return out


def tighten(home: Path) -> list[Path]:
    """Make ``home`` private (folders 0700, everything else 0600); returns what was changed.
    Files owned by another account are left for ``doctor`` to report."""
    changed: list[Path] = []
    for path in loose(home):
        try:
            st = os.lstat(path)
            if st.st_uid != os.getuid():
                continue
            os.chmod(path, 0o700 if stat.S_ISDIR(st.st_mode) else 0o600)
            changed.append(path)
        except OSError:
            continue
    return changed
