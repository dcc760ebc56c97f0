"""Risk flags: facts derived from the parsed operation, never from matching its raw text.

Each flag is documented, with examples, in docs/analysis.md. The checks of destructive
deletes (:mod:`gatepost.analysis.deletes`) and of remote or decoded code being run
(:mod:`gatepost.analysis.remotecode`) are loaded when a command that needs them appears.
"""

from __future__ import annotations

from gatepost.action import Kind, Operation, PathRef, SimpleCommand
from gatepost.analysis.context import Environment
from gatepost.analysis.programs import (
    DECODERS,
    DOWNLOADERS,
    NETWORK_CLIENTS,
    PRIVILEGE_PROGRAMS,
    SHELLS,
    URL_FETCHERS,
    interpreter_family,
    reads_code_from_stdin,
    runs_inline_code,
)
from gatepost.analysis.selfguard import guard_flags

FLAGS = (
    "agent_config_tamper",
    "destructive_delete",
    "dynamic_program",
    "gatepost_bypass",
    "gatepost_tamper",
    "hooks_disabled",
    "interpreter_inline",
    "network_egress",
    "obfuscated",
    "parse_error",
    "persistence",
    "pipes_remote_to_shell",
    "privilege_escalation",
    "protected_write",
    "reads_credentials",
    "truncated",
    "uploads_data",
    "writes_credentials",
    "writes_outside_repo",
)

_PRIVILEGE_WRAPPERS = frozenset({"sudo", "doas", "pkexec", "run0", "su -c"})
_PERSISTENCE_CLASSES = frozenset(
    {"cron", "service", "shell_startup", "git_hooks", "ci_config", "ssh_authorized"}
)
_STDIN_SENDERS = frozenset(
    {"nc", "ncat", "netcat", "socat", "telnet", "ssh", "http", "https", "httpie", "xh", "xhs"}
)
_CURL_DATA = frozenset(
    {"-d", "--data", "--data-binary", "--data-ascii", "--data-urlencode", "--json"}
)
_GATEPOST = "gatepost"


# Programs that only look at a path (its name, metadata or listing), not at its content.
_LOOKERS = frozenset(
    {
        "ls",
        "stat",
        "du",
        "tree",
        "realpath",
        "readlink",
        "dirname",
        "basename",
        "test",
        "[",
        "exa",
        "eza",
        "lsd",
        "find",
        "fd",
        "cd",
        "pushd",
        "mkdir",
    }
)
# Programs whose output is routinely eval'ed to set up a shell: ``eval "$(ssh-agent -s)"``.
_SHELL_SETUP = frozenset(
    {
        "ssh-agent",
        "gpg-agent",
        "keychain",
        "pyenv",
        "rbenv",
        "nodenv",
        "goenv",
        "jenv",
        "direnv",
        "brew",
        "conda",
        "mamba",
        "micromamba",
        "starship",
        "zoxide",
        "fnm",
        "mise",
        "rtx",
        "asdf",
        "opam",
        "dircolors",
        "thefuck",
        "atuin",
        "mcfly",
        "register-python-argcomplete",
        "kubectl",
        "helm",
        "gh",
        "rustup",
        "luarocks",
        "poetry",
        "pipenv",
        "uv",
        "npm",
        "pnpm",
        "deno",
        "bun",
        "tmuxifier",
        "docker-machine",
        "minikube",
        "zellij",
        "navi",
        "oh-my-posh",
    }
)


def derive_flags(op: Operation, env: Environment) -> tuple[str, ...]:
    """The sorted risk flags of an operation whose paths and command are already analysed."""
    out: set[str] = set()
    if op.kind in (Kind.WEB_FETCH, Kind.WEB_SEARCH):
        out.add("network_egress")
    out.update(guard_flags(op, env))
    info = op.command
    if info is None or op.kind != Kind.COMMAND:
        for p in op.paths:
            _path_flags(p, "", out)
        return tuple(sorted(out))
    if info.parse_errors:
        out.add("parse_error")
    if info.truncated:
        out.add("truncated")
    cmds = info.commands
    for i, c in enumerate(cmds):
        for p in c.paths:
            if p.access != "read" or c.program not in _LOOKERS:
                _path_flags(p, c.program, out)
        _command_flags(i, c, cmds, env, out)
    if _remote_to_shell(cmds):
        out.add("pipes_remote_to_shell")
    return tuple(sorted(out))


# ---------------------------------------------------------------------------- paths


def _path_flags(p: PathRef, program: str, out: set[str]) -> None:
    classes = p.classes
    reading = p.access in ("read", "exec") or (p.access == "delete" and program == "mv")
    if "credential" in classes:
        out.add("reads_credentials" if reading else "writes_credentials")
        if p.access == "delete" and program == "mv":
            out.add("writes_credentials")
    if p.access not in ("write", "delete"):
        return
    if "outside_repo" in classes and "temp" not in classes:
        out.add("writes_outside_repo")
    if "agent_config" in classes:
        out.add("agent_config_tamper")
    if "gatepost_state" in classes:
        out.add("gatepost_tamper")
    if p.access == "write" and _PERSISTENCE_CLASSES.intersection(classes):
        out.add("persistence")
    if p.path.startswith(("/etc/sudoers", "/private/etc/sudoers")):
        out.add("privilege_escalation")


# ---------------------------------------------------------------------------- commands


_UPLOADERS = frozenset({"curl", "wget", "wget2", "scp", "rsync", "aws", "gsutil", "socat"})
_PRIVILEGED = PRIVILEGE_PROGRAMS | {"chmod", "chown", "usermod", "gpasswd"}
_PERSISTERS = frozenset({"crontab", "systemctl", "launchctl", "at", "batch", "git"})
_KILLERS = frozenset(
    {"pkill", "killall", "kill", "pip", "pip3", "pipx", "uv", _GATEPOST, "systemctl", "launchctl"}
)
_DELETERS = frozenset({"rm", "shred", "wipe", "srm", "find", "rsync"})
_ENCODERS = DECODERS | {"printf", "echo"}


def _command_flags(
    i: int, c: SimpleCommand, cmds: tuple[SimpleCommand, ...], env: Environment, out: set[str]
) -> None:
    prog = c.program
    argv = c.argv
    if "$" in prog or "`" in prog:
        out.add("dynamic_program")
        if not _shell_setup(i, c, cmds):
            out.add("obfuscated")
    if "$'" in c.raw_program and _ansi_escaped(c.raw_program):
        out.add("obfuscated")
    if c.urls and _network(c):
        out.add("network_egress")
    if (
        prog in _UPLOADERS
        or (c.redirects and prog in NETWORK_CLIENTS)
        or (c.stage and prog in _STDIN_SENDERS)
    ) and _uploads(c):
        out.add("uploads_data")
    if (c.wrappers or prog in _PRIVILEGED) and _privileged(c):
        out.add("privilege_escalation")
    if prog in _PERSISTERS and _persists(prog, argv):
        out.add("persistence")
    if (prog in _KILLERS or prog.startswith("python")) and _kills_gatepost(i, c, cmds):
        out.add("gatepost_tamper")
    if prog in _DELETERS and _destroys(c, env):
        out.add("destructive_delete")
    if interpreter_family(prog) and _inline_code(c):
        out.add("interpreter_inline")
    if prog in _ENCODERS and _decoded_into_interpreter(i, c, cmds):
        out.add("obfuscated")


def _shell_setup(i: int, c: SimpleCommand, cmds: tuple[SimpleCommand, ...]) -> bool:
    """``eval "$(ssh-agent -s)"``: code built only by a known shell-setup program."""
    prog = c.program
    whole = (prog.startswith("$(") and prog.endswith(")")) or (
        prog.startswith("`") and prog.endswith("`")
    )
    children = [k for k, x in enumerate(cmds) if x.parent == i]
    if not whole or not children:
        return False
    if any(cmds[k].program not in _SHELL_SETUP for k in children):
        return False
    return not any(x.parent in children for x in cmds)  # nothing nested deeper


def _inline_code(c: SimpleCommand) -> bool:
    """Code given on the command line or in a heredoc to a non-shell interpreter."""
    if _is_shell(c.program):
        return False
    if runs_inline_code(c.program, c.argv):
        return True
    fed = any(r.op.startswith("<<") for r in c.redirects)
    return fed and reads_code_from_stdin(c.program, c.argv)


def _ansi_escaped(raw: str) -> bool:
    """``$'\\x72\\x6d'``: hex, octal, unicode or control escapes in the program name."""
    for k in range(len(raw) - 1):
        if raw[k] == "\\" and (raw[k + 1] in "xuUc" or raw[k + 1].isdigit()):
            return True
    return False


def _is_shell(prog: str) -> bool:
    return interpreter_family(prog) in SHELLS


def _network(c: SimpleCommand) -> bool:
    hosts = [u for u in c.urls if u.host and u.ip_class != "loopback"]  # loopback stays here
    if any(u.scheme in ("tcp", "udp") for u in hosts):
        return True
    if c.program in NETWORK_CLIENTS or c.program in URL_FETCHERS:
        return bool(hosts)
    return False


def _option_values(argv: tuple[str, ...], names: frozenset[str]) -> list[str]:
    """Values given to the named options, as ``-d VALUE``, ``-dVALUE`` or ``--data=VALUE``."""
    values: list[str] = []
    for k, a in enumerate(argv):
        name, eq, value = a.partition("=")
        if eq and name in names and a.startswith("--"):
            values.append(value)
        elif a in names:
            values.append(argv[k + 1] if k + 1 < len(argv) else "")
        elif len(a) > 2 and a[:2] in names and not a.startswith("--"):
            values.append(a[2:])
    return values


def _uploads(c: SimpleCommand) -> bool:
    prog, argv = c.program, c.argv
    reads_file = any(r.op.lstrip("0123456789") == "<" and r.path for r in c.redirects)
    if prog == "curl":
        if _option_values(argv, frozenset({"-T", "--upload-file"})):
            return True
        for v in _option_values(argv, _CURL_DATA):
            if v.startswith("@") or "=@" in v or "$(" in v or "`" in v:
                return True
        for v in _option_values(argv, frozenset({"-F", "--form"})):
            if v.partition("=")[2][:1] in ("@", "<") or "$(" in v or "`" in v:
                return True
    elif prog in ("wget", "wget2"):
        names = frozenset({"--post-file", "--post-data", "--body-file", "--body-data"})
        if _option_values(argv, names):
            return True
    elif prog in ("scp", "rsync"):
        last = next((a for a in reversed(argv) if not a.startswith("-")), "")
        if any(u.raw == last for u in c.urls) and any(p.access == "read" for p in c.paths):
            return True
    elif prog in ("aws", "gsutil") and len(argv) > 2:
        ops = argv[:2] in (("s3", "cp"), ("s3", "mv"), ("s3", "sync")) or argv[0] in ("cp", "rsync")
        files = [a for a in argv[1:] if not a.startswith("-") and a not in ("cp", "mv", "sync")]
        if ops and len(files) >= 2:
            source, dest = files[0], files[-1]
            return dest.startswith(("s3://", "gs://")) and "://" not in source
    elif prog == "socat" and c.urls:
        sources = ("-", "STDIN", "STDIO", "FILE:", "OPEN:", "GOPEN:", "EXEC:", "SYSTEM:")
        if any(a.upper().startswith(sources) for a in argv):
            return True
    if prog in NETWORK_CLIENTS and reads_file:
        return True
    if prog in _STDIN_SENDERS and c.stage > 0 and "-l" not in argv:
        return bool(c.urls) or prog not in ("nc", "ncat", "netcat", "socat", "telnet")
    return False


def _privileged(c: SimpleCommand) -> bool:
    if c.program in PRIVILEGE_PROGRAMS or _PRIVILEGE_WRAPPERS.intersection(c.wrappers):
        return True
    argv = [a for a in c.argv if not a.startswith("-") or _is_mode(a)]
    if c.program == "chmod" and argv:
        mode = argv[0]
        if mode.isdigit() and len(mode) == 4 and int(mode[0]) & 6:
            return True
        if "s" in mode and any(ch in mode for ch in "+=") and not mode.isdigit():
            return True
    if c.program == "chown" and argv:
        owner = argv[0].partition(":")[0].partition(".")[0]
        return owner in ("root", "0")
    if c.program in ("usermod", "gpasswd"):
        groups = {g for a in c.argv for g in a.split(",")}
        return bool(groups & {"sudo", "wheel", "admin", "root"})
    return False


def _is_mode(a: str) -> bool:
    return len(a) > 1 and all(ch in "ugoa+-=rwxXst" for ch in a[1:])


def _persists(prog: str, argv: tuple[str, ...]) -> bool:
    if prog == "crontab":
        return "-l" not in argv
    if prog == "systemctl":
        return any(a in ("enable", "reenable", "link") for a in argv)
    if prog == "launchctl":
        return any(a in ("load", "bootstrap", "enable", "submit") for a in argv)
    if prog in ("at", "batch"):
        return not any(a in ("-l", "-r", "-d", "-c", "-V") for a in argv)
    if prog == "git" and "config" in argv:
        low = [a.lower() for a in argv]
        if "core.hookspath" in low:
            k = low.index("core.hookspath")
            return k + 1 < len(low) and not low[k + 1].startswith("-")
    return False


def _kills_gatepost(i: int, c: SimpleCommand, cmds: tuple[SimpleCommand, ...]) -> bool:
    prog, argv = c.program, c.argv
    if prog in ("pkill", "killall"):
        return any(_GATEPOST in a for a in argv if not a.startswith("-"))
    if prog == "kill":
        return any(
            k.parent == i
            and k.program in ("pgrep", "pidof")
            and any(_GATEPOST in a for a in k.argv)
            for k in cmds
        )
    if prog in ("pip", "pip3", "pipx", "uv") or (prog.startswith("python") and "pip" in argv):
        return "uninstall" in argv and any(a.lower() == _GATEPOST for a in argv)
    if prog == _GATEPOST:
        return "--uninstall" in argv or (bool(argv) and argv[0] == "uninstall")
    if prog in ("systemctl", "launchctl"):
        stops = ("stop", "disable", "mask", "kill", "unload", "bootout", "remove")
        return any(a in stops for a in argv) and any(_GATEPOST in a for a in argv)
    return False


# ---------------------------------------------------------------------------- deletion


def _destroys(c: SimpleCommand, env: Environment) -> bool:
    from gatepost.analysis.deletes import destroys  # loaded when a deleting program appears

    return destroys(c, env)


# ---------------------------------------------------------------------------- remote code


def _remote_to_shell(cmds: tuple[SimpleCommand, ...]) -> bool:
    if not any(c.program in DOWNLOADERS for c in cmds):
        return False
    from gatepost.analysis.remotecode import remote_to_shell  # loaded for a download

    return remote_to_shell(cmds)


def _decoded_into_interpreter(i: int, c: SimpleCommand, cmds: tuple[SimpleCommand, ...]) -> bool:
    if not _decodes(c):
        return False
    from gatepost.analysis.remotecode import runs_output  # loaded for decoded text

    return runs_output(i, c, cmds)


def _decodes(c: SimpleCommand) -> bool:
    prog, argv = c.program, c.argv
    if prog == "printf":
        fmt = argv[0] if argv else ""
        return "\\x" in fmt or "\\0" in fmt or "\\u" in fmt
    if prog == "echo" and "-e" in argv:
        return any("\\x" in a for a in argv)
    if prog not in DECODERS:
        return False
    if prog in ("xxd",):
        return "-r" in argv or "-revert" in argv
    if prog == "uudecode":
        return True
    if prog == "gpg":
        return "-d" in argv or "--decrypt" in argv
    if prog == "openssl":
        return "-d" in argv or "base64" in argv
    return any(a in ("-d", "--decode", "-D") for a in argv)
