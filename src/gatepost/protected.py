"""The resources gatepost protects from the agent it guards, computed from the installation.

The guarded agent runs commands as the user, so anything that switches gatepost off must be
out of its reach: the ``gatepost`` executables and the places one would shadow them on PATH,
the installed package (shipped packs included), the virtual environment it runs in,
GATEPOST_HOME with everything in it, every supported agent's hook, settings and plugin files
(taken from the installers' own specs, user and project scope, with their backups), the
shells' start-up files and git's configuration and hooks.

:func:`protected_paths` is pure (it works on the facts it is given); :func:`installation`
and :func:`protected_for` are the edge that looks the facts up (PATH, ``sys.executable``,
where this package lives), once per set of inputs in a process. The result goes into
:class:`gatepost.analysis.context.Environment` so that enrichment stays pure.
"""

from __future__ import annotations

import json
import os
import posixpath
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gatepost.analysis.paths import STARTUP_NAMES

EXECUTABLE = "gatepost"
KEYS_DIR = "keys"  # GATEPOST_HOME/keys: secret keys, not even to be read by the agent
_SHELL_FILES = (
    *sorted(STARTUP_NAMES),
    ".config/fish",
    ".inputrc",
    ".gitconfig",
    ".config/git",
)
_REPO_FILES = (".git/config", ".git/hooks", ".husky")


@dataclass(frozen=True, slots=True)
class Installation:
    """Where gatepost is installed: its executables, its package folder, its environment."""

    executables: tuple[str, ...]  # every ``gatepost`` that can run it (resolved too)
    package_dir: str  # the folder holding gatepost/__init__.py
    prefix: str = ""  # the virtual environment it runs in ("" for a system interpreter)
    path_dirs: tuple[str, ...] = ()  # PATH: a ``gatepost`` placed in any of them shadows it
    resolved: tuple[str, ...] = ()  # the package folder and environment behind symlinks


def installation(environ: Mapping[str, str] | None = None) -> Installation:
    """The running installation (the edge: reads PATH, ``sys.executable`` and the disk)."""
    import shutil  # here, not at the top: a cold hook meets a cached answer (~2 ms)
    from pathlib import Path

    env = os.environ if environ is None else environ
    path = env.get("PATH", "")
    found = [shutil.which(EXECUTABLE, path=path), str(Path(sys.executable).parent / EXECUTABLE)]
    if Path(sys.argv[0]).name == EXECUTABLE:
        found.append(sys.argv[0])
    executables: list[str] = []
    for exe in found:
        if exe:
            executables.append(os.path.abspath(exe))
            executables.append(os.path.realpath(exe))
    package = os.path.dirname(os.path.abspath(__file__))
    prefix = sys.prefix if sys.prefix != sys.base_prefix else ""
    # an installation reached through symlinks is protected where it really is, too
    resolved = tuple(
        os.path.realpath(p) for p in (package, prefix) if p and os.path.realpath(p) != p
    )
    dirs = tuple(os.path.abspath(d) for d in path.split(os.pathsep) if d)
    return Installation(
        executables=tuple(dict.fromkeys(executables)),
        package_dir=package,
        prefix=prefix,
        path_dirs=dirs,
        resolved=resolved,
    )


def protected_paths(
    home: str,
    gatepost_home: str,
    repo_root: str,
    inst: Installation,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """Every protected path (a folder stands for everything in it), absolute, sorted."""
    out: list[str] = [gatepost_home, *inst.executables, inst.package_dir, *inst.resolved]
    if inst.prefix:
        out.append(inst.prefix)
    out += [posixpath.join(d, EXECUTABLE) for d in inst.path_dirs]
    out += [posixpath.join(home, name) for name in _SHELL_FILES]
    if repo_root:
        out += [posixpath.join(repo_root, name) for name in _REPO_FILES]
    out += _agent_files(home, repo_root or home, environ or {})
    return tuple(sorted({posixpath.normpath(p) for p in out if p and p.startswith("/")}))


def _agent_files(home: str, project: str, environ: Mapping[str, str]) -> Iterable[str]:
    """Every hook file every supported agent reads, from the installers' specs."""
    from pathlib import Path

    from gatepost.installer import MODULES, Place, spec
    from gatepost.installer.files import backup_path

    place = Place(home=Path(home), project=Path(project), environ=dict(environ))
    for agent in MODULES:
        for source in spec(agent).sources(place):
            yield str(source.path)
            if not source.folder:
                yield str(backup_path(source.path))
    # plugin and extension folders, whose hooks/hooks.json the agents also run
    yield posixpath.join(home, ".claude", "plugins")
    yield posixpath.join(home, ".gemini", "extensions")
    yield posixpath.join(home, ".codex", "plugins")
    yield posixpath.join(home, ".codex", "config.toml")
    yield posixpath.join(project, ".codex", "config.toml")


_computed: dict[str, tuple[str, ...]] = {}
_KEEP = 64


def protected_for(home: str, gatepost_home: str, repo_root: str) -> tuple[str, ...]:
    """The protected paths of this process's installation for one user and repository.

    Computed once per set of inputs and kept in memory and in
    ``GATEPOST_HOME/state/protected-cache.json`` (itself protected), because the installers'
    specs cost a cold hook several milliseconds to import. The key holds every input, the
    gatepost version included, so a moved executable, another PATH or an upgrade computes
    the set again.
    """
    from gatepost import __version__

    environ = {k: v for k, v in os.environ.items() if k.endswith("_HOME") or k == "PATH"}
    inputs = [__version__, home, gatepost_home, repo_root, sys.executable, sys.argv[0]]
    key = json.dumps([*inputs, __file__, sorted(environ.items())])
    found = _computed.get(key)
    if found is not None:
        return found
    if len(_computed) >= _KEEP:  # a long-running service meets many repositories
        _computed.clear()
    cache = posixpath.join(gatepost_home, "state", "protected-cache.json")
    found = _read_cache(cache, key, gatepost_home)
    if found is None:
        found = protected_paths(home, gatepost_home, repo_root, installation(environ), environ)
        from gatepost.cachefile import write_cache

        write_cache(cache, json.dumps({"key": key, "paths": found}).encode("utf-8"))
    _computed[key] = found
    return found


def _read_cache(path: str, key: str, gatepost_home: str) -> tuple[str, ...] | None:
    try:
        with open(path, "rb") as f:
            cached = json.loads(f.read())
    except (OSError, ValueError, RecursionError):  # a missing or corrupt cache is a miss
        return None
    if not isinstance(cached, dict) or cached.get("key") != key:
        return None
    paths = cached.get("paths")
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        return None
    if posixpath.normpath(gatepost_home) not in paths:
        return None
    return tuple(paths)
