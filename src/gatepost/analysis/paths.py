"""Absolute paths and their classes (DESIGN §2): pure string work, no file system access."""

from __future__ import annotations

import posixpath

from gatepost.analysis.context import Environment

PATH_CLASSES = (
    "agent_config",
    "build_artifact",
    "ci_config",
    "credential",
    "cron",
    "dynamic",
    "gatepost_keys",
    "gatepost_state",
    "git_dir",
    "git_hooks",
    "glob",
    "home",
    "home_root",
    "outside_repo",
    "protected",
    "repo",
    "repo_root",
    "root",
    "service",
    "shell_startup",
    "ssh_authorized",
    "system",
    "temp",
)

_SYSTEM_DIRS = (
    "/etc",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/boot",
    "/opt",
    "/var",
    "/srv",
    "/root",
    "/sys",
    "/proc",
    "/dev",
    "/run",
    "/snap",
    "/nix",
    "/System",
    "/Library",
    "/Applications",
    "/private/etc",
    "/private/var",
)
_EXTRA_TEMP = ("/private/tmp", "/private/var/tmp")

_ARTIFACT_DIRS = frozenset(
    {
        "node_modules",
        "dist",
        "build",
        "target",
        "out",
        ".next",
        ".nuxt",
        ".turbo",
        ".cache",
        "coverage",
        ".venv",
        "venv",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".tox",
        ".gradle",
        ".parcel-cache",
        ".svelte-kit",
    }
)

# --- credentials
_SSH_NOT_SECRET = frozenset(
    {"known_hosts", "known_hosts.old", "config", "authorized_keys", "authorized_keys2"}
)
_SECRET_DIRS = frozenset({".aws", ".gnupg", ".azure", ".password-store"})
_HOME_SECRET_FILES = frozenset(
    {
        ".kube/config",
        ".docker/config.json",
        ".netrc",
        ".git-credentials",
        ".npmrc",
        ".pypirc",
        ".pgpass",
        ".vault-token",
        ".config/gh/hosts.yml",
        ".config/hub",
        ".cargo/credentials",
        ".cargo/credentials.toml",
        ".gem/credentials",
        ".terraform.d/credentials.tfrc.json",
    }
)
_HOME_SECRET_DIRS = (".config/gcloud", "Library/Keychains", ".local/share/keyrings")
_SECRET_NAMES = frozenset(
    {
        "id_rsa",
        "id_ed25519",
        "id_ecdsa",
        "id_dsa",
        "id_ecdsa_sk",
        "id_ed25519_sk",
        ".netrc",
        ".git-credentials",
        ".pgpass",
        "terraform.tfstate",
        "terraform.tfstate.backup",
        "credentials.json",
        "secrets.yaml",
        "secrets.yml",
    }
)
_SECRET_SUFFIXES = (".pem", ".key", ".p12", ".pfx", ".kdbx", ".keychain", ".keychain-db")
_ENV_TEMPLATES = frozenset({".env.example", ".env.sample", ".env.template"})
_SYSTEM_SECRETS = frozenset({"/etc/shadow", "/etc/gshadow", "/etc/master.passwd", "/etc/sudoers"})

# --- agent configuration
_AGENT_DIRS = frozenset({".claude", ".codex", ".gemini", ".cursor", ".windsurf", ".copilot"})
_AGENT_FILES = frozenset(
    {
        (".claude", "settings.json"),
        (".claude", "settings.local.json"),
        (".gemini", "settings.json"),
        (".cursor", "hooks.json"),
        (".windsurf", "hooks.json"),
    }
)
_HOME_AGENT_FILES = frozenset(
    {".claude.json", ".codex/config.toml", ".codex/hooks.json", ".codeium/windsurf/hooks.json"}
)
_AGENT_SYSTEM_DIRS = (
    "/etc/claude-code",
    "/Library/Application Support/ClaudeCode",
    "/etc/codex",
    "/etc/gemini-cli",
)

# --- persistence locations
STARTUP_NAMES = frozenset(  # the shells' start-up files, by name
    {
        ".bashrc",
        ".bash_profile",
        ".bash_login",
        ".bash_logout",
        ".profile",
        ".zshrc",
        ".zshenv",
        ".zprofile",
        ".zlogin",
        ".zlogout",
    }
)
_STARTUP_FILES = frozenset(
    {"/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment", "/etc/zprofile"}
)
_CI_FILES = frozenset(
    {".gitlab-ci.yml", "Jenkinsfile", "azure-pipelines.yml", "bitbucket-pipelines.yml"}
)
_CRON_DIRS = ("/var/spool/cron", "/etc/anacrontab", "/usr/lib/cron/tabs", "/private/var/at/tabs")
_SERVICE_DIRS = (
    "/etc/systemd",
    "/lib/systemd",
    "/usr/lib/systemd",
    "/etc/init.d",
    "/etc/init",
    "/etc/rc.local",
    "/Library/LaunchDaemons",
    "/Library/LaunchAgents",
    "/System/Library/LaunchDaemons",
    "/System/Library/LaunchAgents",
)
_HOME_SERVICE_DIRS = (".config/systemd", "Library/LaunchAgents", ".config/autostart")


def within(path: str, base: str) -> bool:
    """True when ``path`` is ``base`` or inside it (both absolute and normalized)."""
    if not base:
        return False
    if base == "/":
        return path.startswith("/")
    return path == base or path.startswith(base + "/")


def _prefixes(dirs: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    return frozenset(dirs), tuple(d.rstrip("/") + "/" for d in dirs)


def _under(path: str, dirs: tuple[frozenset[str], tuple[str, ...]]) -> bool:
    return path in dirs[0] or path.startswith(dirs[1])


def absolute(raw: str, cwd: str, env: Environment) -> str:
    """``raw`` made absolute against ``cwd`` with ``~``, ``$HOME``, ``$PWD``, ``$TMPDIR`` expanded.

    Pure: no symlink resolution, no file system access. Unresolved expansions stay as written.
    """
    p = raw
    home = env.home.rstrip("/") or "/"
    if p.startswith("~"):
        name, sep, rest = p[1:].partition("/")
        if not name:
            p = home + sep + rest
        elif name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            base = "/root" if name == "root" else posixpath.join(posixpath.dirname(home), name)
            p = base + sep + rest
    elif p.startswith("$"):
        tmp = env.temp_dirs[0] if env.temp_dirs else ""
        if p.startswith("${"):
            p = _drop_default(p)
        for var, value in (
            ("$HOME", home),
            ("${HOME}", home),
            ("$PWD", cwd),
            ("${PWD}", cwd),
            ("$TMPDIR", tmp),
            ("${TMPDIR}", tmp),
        ):
            if value and p.startswith(var) and (len(p) == len(var) or p[len(var)] == "/"):
                p = value + p[len(var) :]
                break
    if not p.startswith("/"):
        base = cwd or env.repo_root or home
        p = base.rstrip("/") + "/" + p
    p = posixpath.normpath(p)
    if p.startswith("//"):
        p = "/" + p.lstrip("/")
    return p


def _drop_default(p: str) -> str:
    """``${TMPDIR:-/tmp}/x`` -> ``${TMPDIR}/x`` for the variables analysis resolves."""
    name_end = 2
    while name_end < len(p) and (p[name_end].isalnum() or p[name_end] == "_"):
        name_end += 1
    name = p[2:name_end]
    close = p.find("}", name_end)
    if (
        name in ("HOME", "PWD", "TMPDIR")
        and close > 0
        and p[name_end : name_end + 1] in (":", "-", "=")
    ):
        return "${" + name + "}" + p[close + 1 :]
    return p


_EXTRA_TEMP_P = _prefixes(_EXTRA_TEMP)
# where system, cron, service, startup, agent and credential places outside home can be
_SYSTEM_ROOTS = tuple(d + "/" for d in _SYSTEM_DIRS) + tuple(_SYSTEM_DIRS)
_SYSTEM_P = _prefixes(_SYSTEM_DIRS)
_CRON_P = _prefixes(_CRON_DIRS)
_SERVICE_P = _prefixes(_SERVICE_DIRS)
_HOME_SERVICE_P = _prefixes(_HOME_SERVICE_DIRS)
_HOME_SECRET_P = _prefixes(_HOME_SECRET_DIRS)
_AGENT_SYSTEM_P = _prefixes(_AGENT_SYSTEM_DIRS)


def classify_path(
    path: str, env: Environment, *, glob: bool | None = None, dynamic: bool | None = None
) -> tuple[str, ...]:
    """The sorted classes of an absolute, normalized path (see docs/analysis.md).

    ``glob`` and ``dynamic`` say whether the path holds unquoted glob characters or unresolved
    expansions; when None they are read from the text of the path itself.
    """
    out: list[str] = []
    home = env.home.rstrip("/") or "/"
    repo = env.repo_root.rstrip("/") or ("/" if env.repo_root else "")
    comps = path.split("/")
    base = comps[-1]
    dotted = "/." in path  # some component starts with a dot: most special places do
    etc = path.startswith(_SYSTEM_ROOTS)

    if path == "/":
        out.append("root")
    in_repo = False
    if repo:
        if path == repo or path.startswith(repo + "/") or repo == "/":
            in_repo = True
            out.append("repo")
            if path == repo:
                out.append("repo_root")
        else:
            out.append("outside_repo")
    rel_home = ""
    in_home = home != "/" and (path == home or path.startswith(home + "/"))
    if in_home:
        out.append("home")
        if path == home:
            out.append("home_root")
        else:
            rel_home = path[len(home) + 1 :]
    temp = _under(path, _EXTRA_TEMP_P)
    if not temp:
        for t in env.temp_dirs:
            t = t.rstrip("/") or "/"
            if path == t or path.startswith(t + "/"):
                temp = True
                break
    if temp:
        out.append("temp")
    elif etc and not in_repo and not in_home and _under(path, _SYSTEM_P):
        out.append("system")
    state = env.gatepost_home.rstrip("/")
    if state and (path == state or path.startswith(state + "/")):
        out.append("gatepost_state")
        if within(path[len(state) :], "/keys"):
            out.append("gatepost_keys")
    if env.protected and _is_protected(path, env.protected):
        out.append("protected")
    if _is_credential(path, comps, base, rel_home, glob, dotted, etc):
        out.append("credential")
    if dotted or etc:
        parent = comps[-2] if len(comps) > 1 else ""
        if _is_agent_config(path, comps, base, parent, rel_home):
            out.append("agent_config")
        if _is_startup(path, base, rel_home, home):
            out.append("shell_startup")
        if ".git" in comps:
            out.append("git_dir")
            i = comps.index(".git")
            if i + 1 < len(comps) and comps[i + 1] == "hooks":
                out.append("git_hooks")
        if ".husky" in comps and "git_hooks" not in out:
            out.append("git_hooks")
        if parent == ".ssh" and base in ("authorized_keys", "authorized_keys2"):
            out.append("ssh_authorized")
    if _is_ci(comps, base, dotted):
        out.append("ci_config")
    if etc:
        if path.startswith("/etc/cron") or _under(path, _CRON_P):
            out.append("cron")
        if _under(path, _SERVICE_P):
            out.append("service")
    elif rel_home and _under(rel_home, _HOME_SERVICE_P):
        out.append("service")
    if base in _ARTIFACT_DIRS or base.endswith(".egg-info"):
        out.append("build_artifact")
    elif in_repo and path != repo:
        inner = comps[repo.count("/") + (repo != "/") : -1]
        if any(c in _ARTIFACT_DIRS or c.endswith(".egg-info") for c in inner):
            out.append("build_artifact")
    if glob if glob is not None else ("*" in path or "?" in path or "[" in path):
        out.append("glob")
    if dynamic if dynamic is not None else ("$" in path or "`" in path):
        out.append("dynamic")
    out.sort()
    return tuple(out)


def _is_protected(path: str, protected: tuple[str, ...]) -> bool:
    """``path`` is one of the protected paths or inside one."""
    return any(path == p or path.startswith(p + "/") for p in protected)


def _is_credential(
    path: str,
    comps: list[str],
    base: str,
    rel_home: str,
    glob: bool | None,
    dotted: bool,
    etc: bool,
) -> bool:
    if dotted:
        if ".ssh" in comps:
            i = comps.index(".ssh")
            if i == len(comps) - 1:
                return True
            public = base.endswith(".pub") or base.startswith("known_hosts")
            if not (public or base in _SSH_NOT_SECRET):
                return True
        if not _SECRET_DIRS.isdisjoint(comps):
            return True
        if rel_home and (rel_home in _HOME_SECRET_FILES or _under(rel_home, _HOME_SECRET_P)):
            return True
    elif rel_home and _under(rel_home, _HOME_SECRET_P):
        return True
    low = base.lower()
    if low.startswith(".env"):
        if low == ".env" or (low.startswith(".env.") and low not in _ENV_TEMPLATES):
            return True
        if glob or (glob is None and "*" in low):
            return True
    if low in _SECRET_NAMES or low.endswith(_SECRET_SUFFIXES):
        return True
    if low.startswith("service-account") and low.endswith(".json"):
        return True
    if etc and (path in _SYSTEM_SECRETS or within(path, "/etc/sudoers.d")):
        return True
    return etc and path.startswith("/etc/ssh/ssh_host_") and path.endswith("_key")


def _is_agent_config(path: str, comps: list[str], base: str, parent: str, rel_home: str) -> bool:
    if base in _AGENT_DIRS or base == ".mcp.json" or (parent, base) in _AGENT_FILES:
        return True
    if rel_home:
        if rel_home in _HOME_AGENT_FILES or within(rel_home, ".copilot/hooks"):
            return True
        if rel_home.startswith(".codex/"):
            return False  # ~/.codex: only config.toml and hooks.json are configuration
    if ".codex" in comps:
        return True
    if ".github" in comps:
        i = comps.index(".github")
        if i + 1 < len(comps) and comps[i + 1] == "hooks":
            return True
    return _under(path, _AGENT_SYSTEM_P)


def _is_startup(path: str, base: str, rel_home: str, home: str) -> bool:
    if base in STARTUP_NAMES:
        parent = posixpath.dirname(path)
        if parent in (home, "/root") or (
            parent.startswith(("/home/", "/Users/")) and parent.count("/") == 2
        ):
            return True
    if rel_home == ".config/fish/config.fish" or within(rel_home, ".config/fish/conf.d"):
        return True
    if path in _STARTUP_FILES or within(path, "/etc/profile.d"):
        return True
    return path.startswith("/etc/zsh")


def _is_ci(comps: list[str], base: str, dotted: bool) -> bool:
    if base in _CI_FILES:
        return True
    if not dotted:
        return False
    if ".circleci" in comps or ".buildkite" in comps:
        return True
    if ".github" in comps:
        i = comps.index(".github")
        return i + 1 < len(comps) and comps[i + 1] == "workflows"
    return False
