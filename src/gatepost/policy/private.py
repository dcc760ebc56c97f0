"""Files that only this user may read and write: gatepost's keys and the state it trusts.

A file is trusted only when it is a regular file owned by this user with no permission for
anyone else (mode 0600 or narrower) and is not reached through a symbolic link; files are
written 0600, in folders made 0700, whatever the umask, and replaced whole or not at all.
"""

from __future__ import annotations

import os
from stat import S_ISREG


def problem(st: os.stat_result) -> str:
    """Why a file with this status may not be trusted as gatepost's own ("" when it may)."""
    if not S_ISREG(st.st_mode):
        return "not a regular file"
    if st.st_uid != os.getuid():
        return f"owned by uid {st.st_uid}, not by this user (uid {os.getuid()})"
    if st.st_mode & 0o777 & ~0o600:
        return f"mode {st.st_mode & 0o777:04o} is wider than 0600"
    return ""


def read(path: str) -> tuple[bytes | None, str]:
    """``(bytes, "")`` for a file of ours that only we may read and write; ``(None, "")``
    when there is none; ``(None, why)`` when there is one that cannot be trusted or read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO: no wait
    except FileNotFoundError:
        return None, ""
    except OSError as exc:
        return None, f"cannot be opened: {exc.strerror}"  # a symbolic link among others
    try:
        why = problem(os.fstat(fd))
        if why:
            return None, why
        with open(fd, "rb", closefd=False) as f:
            return f.read(), ""
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror}"
    finally:
        os.close(fd)


def create(path: str, data: bytes) -> None:
    """Write a new file that only we may read and write, whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with open(fd, "wb", closefd=False) as f:
            f.write(data)
    finally:
        os.close(fd)


def write(path: str, data: bytes) -> bool:
    """Replace ``path`` atomically with a file of ``data`` that only we may read and write
    (0600 whatever the umask, in a folder made 0700); False, with nothing left behind, when
    it cannot be written."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        try:  # noqa: SIM105
            os.unlink(tmp)  # left by a process of the same id that died
        except FileNotFoundError:
            pass
        create(tmp, data)
        os.replace(tmp, path)
        return True
    except OSError:
        try:  # noqa: SIM105
            os.unlink(tmp)
        except OSError:
            pass
        return False
