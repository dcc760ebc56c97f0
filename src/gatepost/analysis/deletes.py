"""The ``destructive_delete`` flag: recursive deletes of targets that matter.

Loaded by :mod:`gatepost.analysis.flags` when a deleting program (``rm``, ``find``,
``shred``, ``rsync``...) appears.
"""

from __future__ import annotations

from gatepost.action import PathRef, SimpleCommand
from gatepost.analysis.context import Environment
from gatepost.analysis.paths import classify_path

_FIND_FILTERS = frozenset(
    {
        "-name",
        "-iname",
        "-path",
        "-ipath",
        "-regex",
        "-iregex",
        "-wholename",
        "-iwholename",
        "-empty",
    }
)
_DANGER = frozenset({"root", "home_root", "system", "repo_root"})


def _recursive_delete(c: SimpleCommand) -> str:
    """ "" when the command does not delete recursively; else "rm", "find" or "wipe"."""
    prog, argv = c.program, c.argv
    if prog == "rm":
        for a in argv:
            if a == "--":
                break
            if a == "--recursive" or (a[:1] == "-" and a[1:2] != "-" and ("r" in a or "R" in a)):
                return "rm"
        return ""
    if prog in ("shred", "wipe", "srm"):
        return "wipe"
    if prog == "find" and any(p.access == "delete" for p in c.paths):
        return "find"
    if prog == "rsync" and any(a.startswith("--delete") for a in argv):
        return "rm"
    return ""


def destroys(c: SimpleCommand, env: Environment) -> bool:
    """A recursive delete (``rm -r``, ``find -delete``, ``shred``...) of a dangerous target."""
    how = _recursive_delete(c)
    if not how:
        return False
    filtered = how == "find" and any(a in _FIND_FILTERS for a in c.argv)
    for p in c.paths:
        if p.access != "delete":
            continue
        if filtered and "repo" in p.classes:
            continue
        if _dangerous_target(p, env):
            return True
    return False


def _dangerous_target(p: PathRef, env: Environment) -> bool:
    classes = set(p.classes)
    if "glob" in classes or "dynamic" in classes:
        anchor = _anchor(p.path)
        if anchor != p.path:
            classes = set(classify_path(anchor, env, glob=False, dynamic=False))
            if "repo" in classes and "repo_root" not in classes:
                return False
    if classes & {"root", "home_root"}:
        return True
    if "temp" in classes or "build_artifact" in classes:
        return False
    if classes & _DANGER:
        return True
    if "home" in classes and "repo" not in classes:
        return True
    return "outside_repo" in classes


def _anchor(path: str) -> str:
    """The directory above the first component holding a glob or an expansion."""
    comps = path.split("/")
    for k, comp in enumerate(comps):
        if any(ch in comp for ch in "*?[$`"):
            return "/".join(comps[:k]) or "/"
    return path
