"""Flags for actions that would switch gatepost off (see docs/analysis.md, "Self-protection").

The guarded agent is the adversary here: whatever the hook lets through runs as the user.
Three flags come from this module:

- ``protected_write``: a protected resource (``Environment.protected``, GATEPOST_HOME) is
  written, deleted, moved, truncated, re-permissioned, replaced or shadowed, by any program,
  redirect, file tool, MCP tool or inline code that analysis can see; also deleting or moving
  a folder that holds one;
- ``gatepost_bypass``: the decision service is killed, stopped, connected to or replaced
  (its socket bound), gatepost's own hook or HTTP endpoint is fed a payload, or a gatepost
  command that is not read-only runs (``install``, ``hook``, ``daemon``, ``retention``,
  policy changes), in any spelling (``python -m gatepost``, the full path, ``uv run``);
- ``hooks_disabled``: an agent is started with its hooks switched off or its hook
  configuration moved away.

Pure: everything comes from the parsed operation and the environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from gatepost.action import Kind, Operation, PathRef, SimpleCommand
from gatepost.analysis.context import Environment

_NAME = "gatepost"
# gatepost sub-commands that only read: everything else changes or replaces gatepost
_READ_ONLY = frozenset(
    {"events", "timeline", "report", "export", "verify", "doctor", "check", "demo"}
)
_READ_ONLY_POLICY = frozenset({"test", "lint", "show"})
_HELP = frozenset({"-h", "--help", "--version"})
_KILLERS = frozenset({"kill", "pkill", "killall", "skill", "fuser"})
_SOCKET_PROGRAMS = frozenset({"nc", "ncat", "netcat", "socat", "websocat", "ss"})
_STORE_EDITORS = frozenset({"sqlite3", "sqlite-utils", "litecli", "sqlitebrowser"})
# programs that take a folder as a whole, so what is in it goes with it (``find -delete``
# chooses what it deletes: it is judged by the other rules)
_WHOLESALE = frozenset(
    {"", "rm", "rmdir", "mv", "shred", "srm", "wipe", "unlink", "chmod", "chown"}
)
_WHOLESALE_WRITE = frozenset({"chmod", "chown"})
_TOP = frozenset({"root", "home_root", "repo_root"})
_DAEMON_PORT = 8787
_STOPS = frozenset(
    {"stop", "disable", "mask", "kill", "unload", "bootout", "remove", "restart", "edit"}
)
_AGENTS = frozenset({"claude", "codex", "gemini", "copilot", "cursor-agent"})
# environment variables that move an agent's configuration (and so its hooks) elsewhere
_AGENT_HOMES = frozenset(
    {
        "HOME",
        "CLAUDE_CONFIG_DIR",
        "CODEX_HOME",
        "GEMINI_CLI_HOME",
        "COPILOT_HOME",
        "XDG_CONFIG_HOME",
    }
)
# moves gatepost's configuration, policy and evidence elsewhere for every process started after
_GATEPOST_HOME = "GATEPOST_HOME"
_DECLARERS = frozenset({"export", "declare", "typeset", "readonly", "local"})
# MCP tools whose names say they only read
_MCP_READERS = ("read", "get", "list", "search", "find", "view", "stat", "info", "show", "cat")
_MAX_MCP_STRINGS = 256


def guard_flags(op: Operation, env: Environment) -> set[str]:
    """The self-protection flags of an operation whose paths are already analysed."""
    out: set[str] = set()
    if op.kind == Kind.MCP_CALL and _mcp_changes_protected(op, env):
        out.add("protected_write")
    info = op.command
    if info is None or op.kind != Kind.COMMAND:
        if any(_changes(p, "", env) for p in op.paths):
            out.add("protected_write")
        return out
    cmds = info.commands
    for c in cmds:
        if any(_changes(p, c.program, env) for p in c.paths):
            out.add("protected_write")
        if c.program in _STORE_EDITORS and any(_is_state(p) for p in c.paths):
            out.add("protected_write")
        if _shadows(c):
            out.add("protected_write")
        if _inline_touches(c, env):
            out.add("protected_write")
        if (
            _runs_gatepost_changer(c)
            or _talks_to_service(c, env)
            or _kills(c, cmds)
            or _moves_gatepost_home(c)
        ):
            out.add("gatepost_bypass")
        if c.program in _AGENTS and _hooks_off(c):
            out.add("hooks_disabled")
    return out


# ---------------------------------------------------------------------------- paths


def _is_state(p: PathRef) -> bool:
    return "gatepost_state" in p.classes or "protected" in p.classes


def _changes(p: PathRef, program: str, env: Environment) -> bool:
    """A write or delete of a protected path, of a folder holding one, or of a glob that
    can name one."""
    if p.access not in ("write", "delete"):
        return False
    if _is_state(p):
        return True
    if "service" in p.classes and _NAME in p.path.rsplit("/", 1)[-1]:
        return True  # gatepost's own user service (systemd unit, launchd agent)
    wholesale = program in _WHOLESALE and (p.access == "delete" or program in _WHOLESALE_WRITE)
    # the root, a home or a repository as a whole, or a top-level folder, are another rule's
    # (destructive deletes): their decision says more than "gatepost is in there"
    if wholesale and _TOP.isdisjoint(p.classes) and p.path.count("/") > 1:
        prefix = p.path.rstrip("/") + "/"
        if any(q.startswith(prefix) for q in env.protected):
            return True
    if "glob" in p.classes:
        return any(_glob_names(p.path, q) for q in _with_parents(env.protected))
    return False


def _glob_names(pattern: str, path: str) -> bool:
    """The shell's glob ``pattern`` names ``path``: component by component, a ``*`` stays in
    its component and a name starting with a dot needs a pattern starting with one."""
    wanted, parts = pattern.split("/"), path.split("/")
    if len(wanted) != len(parts):
        return False
    for w, part in zip(wanted, parts, strict=True):
        if part.startswith(".") and not w.startswith("."):
            return False
        if not fnmatchcase(part, w):
            return False
    return True


def _with_parents(paths: tuple[str, ...]) -> Iterator[str]:
    for q in paths:
        while q and q != "/":
            yield q
            q = q.rsplit("/", 1)[0]


def _mcp_changes_protected(op: Operation, env: Environment) -> bool:
    """An MCP tool whose name does not say it only reads, with an argument naming a
    protected path."""
    mcp = op.mcp
    if mcp is None or mcp.tool.lower().startswith(_MCP_READERS):
        return False
    return any(_names_protected(s, env) for s in _strings(mcp.arguments))


def _names_protected(text: str, env: Environment) -> bool:
    if not text.startswith(("/", "~")):
        return False
    from gatepost.analysis.paths import absolute, classify_path

    path = absolute(text, "/", env)
    return any(c in ("protected", "gatepost_state") for c in classify_path(path, env))


def _strings(value: object, depth: int = 0) -> Iterator[str]:
    """String values in MCP arguments (bounded in depth and number)."""
    stack: list[tuple[object, int]] = [(value, depth)]
    seen = 0
    while stack and seen < _MAX_MCP_STRINGS:
        item, d = stack.pop()
        if isinstance(item, str):
            seen += 1
            yield item
        elif d < 16 and isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif d < 16 and isinstance(item, list):
            stack.extend((v, d + 1) for v in item)


def _shadows(c: SimpleCommand) -> bool:
    """``alias gatepost=...``: a shell alias or a written file that stands in for gatepost."""
    if c.program == "alias":
        return any(a.partition("=")[0] == _NAME for a in c.argv)
    return False


# what inline code does when it changes a file, binds a socket or kills (a lexical look;
# reading a protected file, even in a computed path, is not among them)
_INLINE_CHANGES = (
    "'w",
    '"w',
    "'a",
    '"a',
    "'x",
    '"x',
    "+'",
    '+"',
    "write_text",
    "write_bytes",
    "writeFile",
    "appendFile",
    "File.write",
    "file_put_contents",
    "unlink",
    "remove",
    "rmtree",
    "rmSync",
    "rm_rf",
    "rename",
    "chmod",
    "chown",
    "truncate",
    "symlink",
    "move(",
)


def _inline_touches(c: SimpleCommand, env: Environment) -> bool:
    """Inline interpreter code that names GATEPOST_HOME or a protected path and changes,
    binds or deletes something (a lexical look, as in :mod:`gatepost.analysis.inline`)."""
    from gatepost.analysis.programs import interpreter_family, runs_inline_code

    if not interpreter_family(c.program) or not runs_inline_code(c.program, c.argv):
        return False
    code = " ".join(c.argv)
    if not _mentions_protected(code, env):
        return False
    return any(v in code for v in _INLINE_CHANGES)


def _mentions_protected(text: str, env: Environment) -> bool:
    home = env.gatepost_home.rstrip("/")
    if (home and home in text) or ".gatepost" in text:
        return True
    return any(len(p) > 1 and p in text for p in env.protected if not p.endswith("/." + _NAME))


# ---------------------------------------------------------------------------- gatepost itself


def gatepost_args(c: SimpleCommand) -> tuple[str, ...] | None:
    """The arguments gatepost runs with when ``c`` runs gatepost (None when it does not):
    ``gatepost ...``, ``/path/to/gatepost ...``, ``python -m gatepost[.cli.main] ...``,
    ``uv run gatepost ...``, ``pipx run gatepost ...``."""
    prog, argv = c.program, c.argv
    if prog == _NAME:
        return argv
    if prog.startswith("python") or prog in ("pypy", "pypy3"):
        for k, a in enumerate(argv):
            if a == "-m" and k + 1 < len(argv) and argv[k + 1].split(".")[0] == _NAME:
                return argv[k + 2 :]
            if a.startswith("-m") and a[2:].split(".")[0] == _NAME:
                return argv[k + 1 :]
            if a == "-c" and k + 1 < len(argv) and _imports_gatepost(argv[k + 1]):
                return ("<inline>",)
            if not a.startswith("-"):
                return None  # a script: its arguments are its own
        return None
    if prog in ("uv", "pipx", "uvx", "poetry", "pdm", "hatch", "rye"):
        for k, a in enumerate(argv):
            if a.rsplit("/", 1)[-1] == _NAME:
                return argv[k + 1 :]
    return None


# gatepost's modules that change its installation, service, policy or evidence
_CHANGERS = tuple(
    f"gatepost.{m}"
    for m in (
        "cli",
        "installer",
        "runtime",  # the hook boundary, the service, the in-process fallback, the journal
        "store",
        "evidence",
        "retention",
        "config",
        "policy.source",
        "policy.cache",
    )
)


def _imports_gatepost(code: str) -> bool:
    """Inline code that uses gatepost's changing modules, or runs gatepost as a program."""
    if any(m in code for m in _CHANGERS):
        return True
    return "runpy" in code and _NAME in code


def _runs_gatepost_changer(c: SimpleCommand) -> bool:
    args = gatepost_args(c)
    if args is None:
        return False
    words = [a for a in args if not a.startswith("-")]
    if not args or (set(args) & _HELP and not words):
        return False
    if not words:
        return True
    if words[0] in _READ_ONLY:
        return False
    return not (words[0] == "policy" and len(words) > 1 and words[1] in _READ_ONLY_POLICY)


def _talks_to_service(c: SimpleCommand, env: Environment) -> bool:
    """Binds or connects to gatepost's socket, or posts to its HTTP hook on loopback."""
    if c.program in _SOCKET_PROGRAMS or c.program in ("curl", "wget", "http", "xh"):
        if any(_is_state(p) for p in c.paths):
            return True
        if any(_mentions_protected(a, env) for a in c.argv):
            return True
    for u in c.urls:
        if u.ip_class == "loopback" and (u.path.startswith("/hook") or u.port == _DAEMON_PORT):
            return True
    from gatepost.analysis.programs import interpreter_family

    if interpreter_family(c.program) and any(a for a in c.argv):
        code = " ".join(c.argv)
        local = ("127.0.0.1" in code or "localhost" in code) and (
            "/hook" in code or str(_DAEMON_PORT) in code
        )
        touches = ("connect(", "bind(", "kill(", "killpg(")
        if local or (_mentions_protected(code, env) and any(t in code for t in touches)):
            return True
    return False


def _kills(c: SimpleCommand, cmds: tuple[SimpleCommand, ...]) -> bool:
    """A process killer in a line that reads gatepost's pid files or names gatepost; a
    service manager stopping gatepost's service."""
    if c.program in ("systemctl", "launchctl", "service", "sv", "brew"):
        return bool(_STOPS.intersection(c.argv)) and _named(c)
    if c.program not in _KILLERS:
        return False
    if any(_NAME in a for a in c.argv):
        return True
    return any(
        any(_is_state(p) and p.access == "read" for p in k.paths)
        or (k.program in ("pgrep", "pidof", "ps", "lsof", "fuser") and _named(k))
        for k in cmds
    )


def _named(k: SimpleCommand) -> bool:
    return any(_NAME in a for a in k.argv)


def _moves_gatepost_home(c: SimpleCommand) -> bool:
    """GATEPOST_HOME set for a command (``GATEPOST_HOME=... claude``, ``env ...``) or for the
    rest of the shell (``export``, ``declare``): the hooks of what runs then read another
    home's configuration and policy, which the agent may have written."""
    names = [a.partition("=")[0] for a in c.assignments]
    if c.program in _DECLARERS:
        names += [a.partition("=")[0] for a in c.argv if "=" in a]
    return _GATEPOST_HOME in names


def _hooks_off(c: SimpleCommand) -> bool:
    """An agent started with its hooks off, its settings replaced or moved elsewhere."""
    if any(a.partition("=")[0] in _AGENT_HOMES for a in c.assignments):
        return True
    argv = c.argv
    for k, a in enumerate(argv):
        name, eq, value = a.partition("=")
        if not eq:
            value = argv[k + 1] if k + 1 < len(argv) else ""
        if name == "--settings" and ("disableAllHooks" in value or "hooks" in value.lower()):
            return True
        if name == "--setting-sources" and "user" not in value.split(","):
            return True
        if name in ("-c", "--config") and value.replace(" ", "").lower() in (
            "features.hooks=false",
            "features.codex_hooks=false",
        ):
            return True
        if name in ("--disable",) and value in ("hooks", "codex_hooks"):
            return True
    return False
