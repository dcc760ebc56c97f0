"""Which arguments of a command are paths (and how they are accessed) and which are URLs.

File programs (:mod:`gatepost.analysis.fileargs`) and network programs
(:mod:`gatepost.analysis.netargs`) have modules of their own, loaded when one of them appears;
other programs are read here, and so are interpreters and shells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from gatepost.action import PathRef, UrlRef
from gatepost.analysis.context import Environment
from gatepost.analysis.programs import (
    DATA_PROGRAMS,
    FILE_ARG_PROGRAMS,
    INLINE_CODE_OPTIONS,
    NETWORK_ARG_PROGRAMS,
    SHELLS,
    interpreter_family,
)
from gatepost.analysis.words import Word, is_assignment

if TYPE_CHECKING:  # args is loaded by the programs that need options read
    from gatepost.analysis.args import Args, Refs

PSEUDO_DEVICES = frozenset(
    {
        "/dev/null",
        "/dev/zero",
        "/dev/full",
        "/dev/stdin",
        "/dev/stdout",
        "/dev/stderr",
        "/dev/tty",
        "/dev/random",
        "/dev/urandom",
    }
)
_SECRET_HINTS = ("id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", "credentials", "tfstate")
_SECRET_EXTS = (".pem", ".key", ".p12", ".pfx", ".kdbx", ".env")


def looks_like_path(v: str) -> bool:
    """A word that names a file even where the program is unknown to analysis."""
    if not v or "://" in v or "\n" in v:
        return False
    if v[0] in "/~" or v in (".", "..") or v.startswith(("./", "../", "$HOME", "${HOME}")):
        return True
    if v[0] == "." and len(v) > 1 and not v[1].isdigit() and " " not in v:
        return True
    if " " in v or "\t" in v:
        return False
    if "/" in v:
        return True
    low = v.lower()
    return low.startswith(_SECRET_HINTS) or low.endswith(_SECRET_EXTS)


def _url_of(v: str) -> UrlRef | None:
    scheme, sep, _ = v.partition("://")
    if sep and scheme and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
        from gatepost.analysis.urls import parse_url

        return parse_url(v)
    return None


def _generic(args: Args) -> Refs:
    paths: list[tuple[Word, str]] = []
    urls: list[UrlRef] = []
    operands_only = False
    for w in args:
        v = w[0]
        if not operands_only and v == "--":
            operands_only = True
            continue
        if not operands_only and v.startswith("-"):
            if not v.startswith("--") or "=" not in v:
                continue
            v = v.partition("=")[2]
            w = (v, w[1], w[2], v)
        elif is_assignment(v):
            v = v.partition("=")[2]
            w = (v, w[1], w[2], v)
        url = _url_of(v)
        if url is not None:
            urls.append(url)
        elif looks_like_path(v):
            paths.append((w, "read"))
    return paths, urls


def _source(args: Args) -> Refs:
    from gatepost.analysis.args import with_access

    paths, urls = _generic(args[1:])
    return [*with_access("exec", args[:1]), *paths], urls


@cache
def _interp_options(inline: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Options of an interpreter that take a value: short ones, long ones."""
    from gatepost.analysis.args import opt_set

    return inline | opt_set("-W -X -m -I -M -r -l -o"), opt_set("--require --import --loader")


def _interpreter(args: Args, inline: frozenset[str]) -> Refs:
    from gatepost.analysis.args import split_args

    operands, opts = split_args(args, *_interp_options(inline))
    if inline & opts.keys() or "-m" in opts or not operands or operands[0][0] == "-":
        paths, urls = _generic(operands)
        return paths, urls
    paths, urls = _generic(operands[1:])
    return [(operands[0], "exec"), *paths], urls


def _git(args: Args) -> Refs:
    paths, urls = _generic(args)
    for w in args:
        if "://" not in w[0] and "@" in w[0]:
            from gatepost.analysis.urls import parse_remote

            remote = parse_remote(w[0])
            if remote is not None:
                urls.append(remote)
    remote_specs = {u.raw for u in urls}
    return [p for p in paths if p[0][0] not in remote_specs], urls


_OWN: dict[str, Callable[[Args], Refs]] = {"git": _git, "source": _source, ".": _source}


def _handler(program: str) -> Callable[[Args], Refs] | None:
    """The reader of ``program``'s arguments (its module loaded on first use), if it has one."""
    if program in FILE_ARG_PROGRAMS:
        from gatepost.analysis.fileargs import FILE_PROGRAMS

        return FILE_PROGRAMS[program]
    if program in NETWORK_ARG_PROGRAMS:
        from gatepost.analysis.netargs import NETWORK_PROGRAMS

        return NETWORK_PROGRAMS[program]
    return _OWN.get(program)


def refs_of(
    program: str, args: Args, cwd: str, env: Environment
) -> tuple[tuple[PathRef, ...], tuple[UrlRef, ...]]:
    """The paths (absolute, classified, with access) and URLs among a command's arguments."""
    if program in DATA_PROGRAMS:
        return (), ()
    handler = _handler(program)
    if handler is not None:
        found, urls = handler(args)
    else:
        family = interpreter_family(program)
        if family in SHELLS:
            found, urls = _interpreter(args, frozenset({"-c", "-o", "-O"}))
        elif family:
            found, urls = _interpreter(args, INLINE_CODE_OPTIONS[family])
        else:
            found, urls = _generic(args)
    return make_paths(found, cwd, env), tuple(urls)


def make_paths(
    found: Sequence[tuple[Word, str]], cwd: str, env: Environment
) -> tuple[PathRef, ...]:
    if not found:
        return ()
    from gatepost.analysis.paths import absolute, classify_path

    out: list[PathRef] = []
    seen: set[tuple[str, str]] = set()
    for word, access in found:
        value, _dynamic, glob, _ = word
        if not value or "://" in value or value.startswith(("<(", ">(")):
            continue
        path = absolute(value, cwd, env)
        if path in PSEUDO_DEVICES or path.startswith(("/dev/fd/", "/proc/self/fd/")):
            continue
        key = (path, access)
        if key in seen:
            continue
        seen.add(key)
        unresolved = "$" in path or "`" in path  # what absolute() could not expand
        classes = classify_path(path, env, glob=glob, dynamic=unresolved)
        out.append(PathRef(path=path, raw=value, access=access, classes=classes))
    return tuple(out)
