"""Binding an action to stable identities: user, groups, host, repository.

The repository is read from its files (``.git/config``, ``.git/HEAD``), never by starting
``git``, so it costs a few small reads on the hot path. The parsing is pure; only
``discover_repository`` and ``bind`` touch the file system.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from hashlib import sha256
from pathlib import Path

from gatepost.action import Action, Actor, Host, Repository, User
from gatepost.config import Config

_SCP_LIKE = r"^(?:[^@/]+@)?([^:/]+):(.+)$"  # compiled on first use (re.compile caches it)


def normalize_remote(url: str) -> str:
    """The remote as host/path: ``git@github.com:acme/api.git`` -> ``github.com/acme/api``."""
    url = url.strip()
    if not url:
        return ""
    if "://" in url:
        rest = url.split("://", 1)[1]
        host_part, _, path = rest.partition("/")
        host = host_part.rsplit("@", 1)[-1].split(":", 1)[0]
    else:
        m = re.match(_SCP_LIKE, url)
        if not m:
            return url.removesuffix(".git").rstrip("/")
        host, path = m.group(1), m.group(2)
    path = path.strip("/").removesuffix(".git")
    return f"{host.lower()}/{path}" if path else host.lower()


def parse_git_config_remote(text: str) -> str:
    """The ``origin`` remote URL (or the first remote's) from a git config file's text.

    Reads only what this needs of git's format: ``[section "subsection"]`` headers, ``key =
    value`` lines, ``#``/``;`` comments and a quoted value; the first ``url`` of a remote wins.
    (configparser would cost about 1.5 ms of a cold hook and rejects some valid git files.)
    """
    urls: dict[str, str] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line[1 : line.find("]")] if "]" in line else ""
            continue
        key, eq, value = line.partition("=")
        if not eq or key.strip().lower() != "url" or not section.startswith("remote "):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if value:
            urls.setdefault(section, value)
    return urls.get('remote "origin"') or next(iter(urls.values()), "")


def parse_head(text: str) -> str:
    text = text.strip()
    if text.startswith("ref:"):
        return text[4:].strip().removeprefix("refs/heads/")
    return text[:12]  # detached: the commit, shortened


def find_repo_root(start: str) -> tuple[str, Path | None]:
    """(work tree root, git dir) of the repository containing ``start``; ("", None) if none."""
    path = Path(start)
    for candidate in (path, *path.parents):
        dot_git = candidate / ".git"
        try:
            if dot_git.is_dir():
                return str(candidate), dot_git
            if dot_git.is_file():  # worktree or submodule: "gitdir: PATH"
                text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
                if text.startswith("gitdir:"):
                    gitdir = Path(text[7:].strip())
                    if not gitdir.is_absolute():
                        gitdir = (candidate / gitdir).resolve()
                    return str(candidate), gitdir
        except OSError:
            continue
    return "", None


def discover_repository(cwd: str) -> Repository:
    root, gitdir = find_repo_root(cwd)
    if gitdir is None:
        return Repository()
    remote = branch = ""
    try:  # noqa: SIM105  # not contextlib.suppress: contextlib costs a cold hook ~0.5 ms
        branch = parse_head((gitdir / "HEAD").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        pass
    config_dir = gitdir
    commondir = gitdir / "commondir"  # worktrees keep their config in the main git dir
    try:
        if commondir.is_file():
            config_dir = (gitdir / commondir.read_text().strip()).resolve()
        remote = parse_git_config_remote(
            (config_dir / "config").read_text(encoding="utf-8", errors="replace")
        )
    except OSError:
        pass
    return Repository(remote=normalize_remote(remote), root=root, branch=branch)


def host_identity() -> Host:
    """A stable host id: the machine id when the OS has one, else a hash of the host name."""
    if hasattr(os, "uname"):  # what gethostname returns, without loading _socket
        name = os.uname().nodename
    else:
        from _socket import gethostname

        name = gethostname()
    for f in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            mid = Path(f).read_text().strip()
        except OSError:
            continue
        if mid:
            return Host(id=sha256(mid.encode()).hexdigest()[:16], name=name)
    return Host(id=sha256(name.encode()).hexdigest()[:16], name=name)


def os_account() -> str:
    """The login name, as ``getpass.getuser`` finds it (without importing getpass and termios
    on the hook path): the usual environment variables, then the password database."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        value = os.environ.get(name)
        if value:
            return value
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def user_identity(config: Config) -> User:
    account = os_account()
    return User(id=config.identity or account, name=account, os_account=account)


def bind(action: Action, config: Config, cwd: str) -> Action:
    """Fill the actor's user, groups, host and repository (what the adapter left empty)."""
    actor = action.actor
    repo = actor.repository if actor.repository.root else discover_repository(cwd)
    bound = Actor(
        user=actor.user if actor.user.id else user_identity(config),
        groups=actor.groups or config.groups,
        host=actor.host if actor.host.id else host_identity(),
        repository=repo,
        agent=actor.agent,
        session=actor.session,
        parent_id=actor.parent_id,
        tool_call_id=actor.tool_call_id,
    )
    return replace(action, actor=bound)
