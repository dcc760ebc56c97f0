"""The I/O edge of the installer: read the agent's file, decide the change, write it safely.

Install writes the file atomically (a temporary file in the same folder, then a rename) and,
the first time only, keeps the original bytes in ``<file>.gatepost-backup``. Uninstall puts
those bytes back exactly when the file still holds nothing but what gatepost added to them;
otherwise it removes exactly gatepost's entries and leaves the rest of the user's changes.
A symlinked file (dotfile managers) is written through the link, not replaced by a file.
"""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from gatepost.errors import ConfigError
from gatepost.installer._json import gatepost_commands, is_gatepost_command, load_object
from gatepost.installer._spec import Place, Spec

BACKUP_SUFFIX = ".gatepost-backup"
NEW_FILE_MODE = 0o644  # Copilot policy files must not be group- or world-writable
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Change:
    """What install or uninstall will do to one file."""

    path: Path
    before: str | None  # the file's text now (None: no file)
    after: str | None  # its text afterwards (None: the file is deleted)
    action: str  # write | unchanged | restore | delete | absent
    backup: Path
    make_backup: bool = False  # install: keep the original first
    drop_backup: bool = False  # uninstall: the original is back, the backup goes
    message: str = ""

    @property
    def changes(self) -> bool:
        return self.action in ("write", "restore", "delete")


def place_from(environ: Mapping[str, str], cwd: Path, platform: str = sys.platform) -> Place:
    home = Path(environ.get("HOME") or Path.home())
    return Place(home=home, project=project_root(cwd), platform=platform, environ=environ)


def project_root(cwd: Path) -> Path:
    """The root of the git work tree holding ``cwd`` (agents read project files there)."""
    for folder in (cwd, *cwd.parents):
        if (folder / ".git").exists():
            return folder
    return cwd


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def read_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; gatepost does not rewrite it") from None


def plan_install(spec: Spec, scope: str, place: Place, command: str) -> Change:
    if not is_gatepost_command(command):
        raise ConfigError(
            f"hook command {command!r} must run 'gatepost hook': that is how gatepost finds "
            "its own entries again (to update or remove them)"
        )
    path = spec.target(scope, place)
    before = read_text(path)
    after = _in(path, lambda: spec.plan(before, command))
    backup = backup_path(path)
    if after == before:
        return Change(path, before, after, "unchanged", backup, message="already installed")
    # The backup is the file as it was before gatepost: kept the first time only, and never
    # taken of a file that already holds gatepost's hooks (a reinstall with a new command).
    original = before is not None and not _in(path, lambda: gatepost_commands(before))
    make_backup = original and not backup.exists()
    return Change(path, before, after, "write", backup, make_backup=make_backup)


def plan_uninstall(spec: Spec, scope: str, place: Place) -> Change:
    path = spec.target(scope, place)
    backup = backup_path(path)
    before = read_text(path)
    if before is None:
        return Change(path, None, None, "absent", backup, message="no such file")
    found = _in(path, lambda: gatepost_commands(before))
    commands = [c for event in spec.events for c in found.get(event, [])]
    commands += [c for cs in found.values() for c in cs]
    if not commands:
        return Change(path, before, before, "unchanged", backup, message="no gatepost hook")
    original = read_text(backup)
    stale = original is not None and _commands_or_none(original) != {}
    if stale:
        original = None  # not an original (it has gatepost's hooks): dropped with the rest
    if _only_ours(spec, before, original, commands[0]):
        if original is None:
            message = "gatepost had created it"
            return Change(path, before, None, "delete", backup, drop_backup=stale, message=message)
        return Change(path, before, original, "restore", backup, drop_backup=True)
    after = _in(path, lambda: spec.remove(before))
    if original is None and _in(path, lambda: _skeleton(after)):
        message = "nothing but gatepost's hooks was in it"
        return Change(path, before, None, "delete", backup, drop_backup=stale, message=message)
    note = f"; the original is kept in {backup}" if original is not None else ""
    message = "the file changed since gatepost was installed: only gatepost's entries go" + note
    return Change(path, before, after, "write", backup, drop_backup=stale, message=message)


def _commands_or_none(text: str) -> dict[str, list[str]] | None:
    """The gatepost commands of ``text``, or None when it is not a JSON hook file."""
    try:
        return gatepost_commands(text)
    except ConfigError:
        return None


def _skeleton(text: str) -> bool:
    """True for a file left with nothing in it (``{}``, or just its ``version``)."""
    return set(load_object(text)) <= {"version"}


def _only_ours(spec: Spec, current: str, original: str | None, command: str) -> bool:
    """True when ``current`` is exactly what installing into ``original`` produced."""
    try:
        return load_object(current) == load_object(spec.plan(original, command))
    except ConfigError:  # an original gatepost cannot plan into: never restore blindly
        return False


def _in(path: Path, work: Callable[[], T]) -> T:
    try:
        return work()
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def apply(change: Change, *, managed: bool = False) -> None:
    """Carry out ``change``: backup first, then the atomic write (or the deletion)."""
    if not change.changes:
        return
    try:
        mode, owner = _stat(change.path)
        if change.make_backup and change.before is not None:
            write_atomic(change.backup, change.before.encode("utf-8"), mode, owner)
        if change.after is None:
            change.path.unlink()
        else:
            write_atomic(_resolved(change.path), change.after.encode("utf-8"), mode, owner)
        if change.drop_backup:
            change.backup.unlink(missing_ok=True)
    except OSError as exc:
        hint = " (the managed scope needs administrator rights)" if managed else ""
        where = exc.filename or change.path
        raise ConfigError(f"cannot write {where}: {exc.strerror}{hint}") from None


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _stat(path: Path) -> tuple[int, tuple[int, int] | None]:
    try:
        st = path.stat()
    except FileNotFoundError:
        return NEW_FILE_MODE, None
    return st.st_mode & 0o7777, (st.st_uid, st.st_gid)


def write_atomic(path: Path, data: bytes, mode: int, owner: tuple[int, int] | None) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never a
    half-written one; keep ``mode`` and, when possible, the owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if owner is not None and hasattr(os, "chown"):
            with suppress(OSError):  # only root may give a file away; keep ours otherwise
                os.chown(tmp, *owner)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def unified_diff(change: Change) -> str:
    """What ``change`` does, as a unified diff ("" when nothing changes)."""
    if not change.changes:
        return ""
    old = (change.before or "").splitlines(keepends=True)
    new = (change.after or "").splitlines(keepends=True)
    name = str(change.path)
    lines = difflib.unified_diff(
        old,
        new,
        fromfile=name if change.before is not None else "/dev/null",
        tofile=name if change.after is not None else "/dev/null",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
