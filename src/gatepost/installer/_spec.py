"""What every agent's installer module declares: where its hook files live, which events
gatepost registers, and the two pure functions that edit the file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gatepost.errors import ConfigError

SCOPES = ("user", "project", "managed")
TIMEOUT_S = 10  # every hook's timeout: far above gatepost's internal deadline (0.8 s)


@dataclass(frozen=True, slots=True)
class Place:
    """Where the files are: the user's home, the project root, the platform and environment."""

    home: Path
    project: Path
    platform: str = "linux"  # sys.platform
    environ: Mapping[str, str] = field(default_factory=dict)
    root: Path = Path("/")  # where machine-wide paths start (a test or image root)

    def env_dir(self, name: str, default: Path) -> Path:
        """A directory named by an environment variable (e.g. CODEX_HOME), else ``default``."""
        value = self.environ.get(name, "")
        return Path(value).expanduser() if value else default


@dataclass(frozen=True, slots=True)
class Source:
    """A hook file an agent reads (``folder``: every ``*.json`` in that folder; ``own``: False
    for another agent's file it also reads, such as VS Code reading Claude Code's settings)."""

    scope: str
    path: Path
    folder: bool = False
    own: bool = True


@dataclass(frozen=True, slots=True)
class Spec:
    """One agent's installer."""

    name: str
    title: str
    events: tuple[str, ...]  # registered by install, in this order
    plan: Callable[[str | None, str], str]  # (existing text, command) -> new text
    remove: Callable[[str], str]  # text -> text without gatepost's entries
    target: Callable[[str, Place], Path]  # (scope, place) -> the file install writes
    sources: Callable[[Place], tuple[Source, ...]]  # every hook file the agent reads
    notes: tuple[str, ...] = ()  # what to tell the user after installing


def managed_path(agent: str, place: Place, paths: Mapping[str, str]) -> Path:
    """The machine-wide file for the place's platform (``paths`` keys: darwin, win32, linux),
    under ``place.root``."""
    key = place.platform if place.platform in ("darwin", "win32") else "linux"
    if key not in paths:
        raise ConfigError(f"{agent} has no machine-wide hook file on {place.platform}")
    path = paths[key]
    if key == "win32" or place.root == Path("/"):
        return Path(path)
    return place.root / path.lstrip("/")


def check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise ConfigError(f"unknown scope {scope!r} (known: {', '.join(SCOPES)})")
