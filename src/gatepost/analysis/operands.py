"""Which arguments of a command are paths (and how they are accessed) and which are URLs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

from gatepost.action import PathRef, UrlRef
from gatepost.analysis.args import Args, Refs, opt_set, split_args, with_access
from gatepost.analysis.context import Environment
from gatepost.analysis.netargs import NETWORK_PROGRAMS
from gatepost.analysis.paths import absolute, classify_path
from gatepost.analysis.programs import (
    DATA_PROGRAMS,
    INLINE_CODE_OPTIONS,
    SHELLS,
    interpreter_family,
)
from gatepost.analysis.urls import parse_remote, parse_url
from gatepost.analysis.words import Word, literal
from gatepost.analysis.wrappers import is_assignment

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


# ---------------------------------------------------------------------------- file programs


def _files(access: str, valued: str = "", long_valued: str = "") -> Callable[[Args], Refs]:
    vs, lvs = opt_set(valued), opt_set(long_valued)

    def refs(args: Args) -> Refs:
        operands, _ = split_args(args, vs, lvs)
        return with_access(access, operands), []

    return refs


def _copy(mode: str) -> Callable[[Args], Refs]:
    """cp, mv, ln, install: the target is written; sources read (mv: deleted)."""
    source = "delete" if mode == "mv" else "read"

    def refs(args: Args) -> Refs:
        operands, opts = split_args(
            args, opt_set("-t -S -m -o -g"), opt_set("--target-directory --suffix --mode --owner")
        )
        if mode == "install" and "-d" in opts:
            return with_access("write", operands), []
        target = opts.get("-t") or opts.get("--target-directory")
        if target:
            return [*with_access(source, operands), (literal(target), "write")], []
        if len(operands) < 2:
            return with_access("read", operands), []
        return [*with_access(source, operands[:-1]), (operands[-1], "write")], []

    return refs


_MODE_CHARS = frozenset("ugoa+-=rwxXst01234567,")


def _chmod(args: Args) -> Refs:
    out: list[tuple[Word, str]] = []
    first = True
    for w in args:
        v = w[0]
        if first and v and all(c in _MODE_CHARS for c in v):
            first = False  # the mode (``-x`` and ``+x`` included)
        elif v.startswith("--reference="):
            out.append((literal(v[12:]), "read"))
            first = False
        elif v.startswith("-"):
            continue
        elif first:
            first = False  # the owner or mode
        else:
            out.append((w, "write"))
    return out, []


def _chown(args: Args) -> Refs:
    operands, opts = split_args(args)
    if any(k.startswith("--reference") for k in opts):
        return with_access("write", operands), []
    return with_access("write", operands[1:]), []


def _dd(args: Args) -> Refs:
    out: list[tuple[Word, str]] = []
    for w in args:
        key, eq, value = w[0].partition("=")
        if eq and key in ("if", "of") and value:
            out.append(((value, w[1], w[2], value), "read" if key == "if" else "write"))
    return out, []


def _pattern_first(valued: str, long_valued: str, given: str) -> Callable[[Args], Refs]:
    """grep, rg, sed, awk, jq: the first operand is the program unless given by option."""
    vs, lvs, gs = opt_set(valued), opt_set(long_valued), opt_set(given)

    def refs(args: Args) -> Refs:
        operands, opts = split_args(args, vs, lvs)
        in_place = "-i" in opts or "--in-place" in opts
        files = operands if gs & opts.keys() else operands[1:]
        out = with_access("write" if in_place else "read", files)
        for key in ("-f", "--file", "--from-file"):
            if opts.get(key):
                out.append((literal(opts[key]), "read"))
        return out, []

    return refs


def _sed(args: Args) -> Refs:
    # BSD sed: ``-i ''`` gives an empty suffix as its own word
    fixed = [w for k, w in enumerate(args) if not (w[0] == "" and k and args[k - 1][0] == "-i")]
    return _pattern_first("-e -f -l", "--expression --file --line-length", "-e -f --expression")(
        fixed
    )


def _tar(args: Args) -> Refs:
    words = list(args)
    if words and not words[0][0].startswith("-") and words[0][0].isalpha():
        words[0] = ("-" + words[0][0], *words[0][1:])  # old style: ``tar czf x.tgz dir``
    operands, opts = split_args(
        words,
        opt_set("-f -C -T -X -b -H -I -N -V -g -K"),
        opt_set("--file --directory --files-from --exclude-from --use-compress-program"),
    )
    creating = bool({"-c", "-r", "-u", "--create", "--append", "--update"} & opts.keys())
    extracting = bool({"-x", "--extract", "--get"} & opts.keys())
    out: list[tuple[Word, str]] = []
    archive = opts.get("-f") or opts.get("--file", "")
    if archive and archive != "-":
        out.append((literal(archive), "write" if creating else "read"))
    directory = opts.get("-C") or opts.get("--directory", "")
    if directory:
        out.append((literal(directory), "write" if extracting else "read"))
    for key in ("-T", "-X", "--files-from", "--exclude-from"):
        if opts.get(key):
            out.append((literal(opts[key]), "read"))
    if creating:
        out.extend(with_access("read", operands))
    return out, []


def _zip(args: Args) -> Refs:
    cut = next((k for k, w in enumerate(args) if w[0] in ("-x", "-i")), len(args))
    operands, _ = split_args(args[:cut], opt_set("-b -n -t -P -O"), opt_set("--password"))
    if not operands:
        return [], []
    return [(operands[0], "write"), *with_access("read", operands[1:])], []


def _unzip(args: Args) -> Refs:
    cut = next((k for k, w in enumerate(args) if w[0] == "-x"), len(args))
    operands, opts = split_args(args[:cut], opt_set("-d -P"))
    out = with_access("read", operands[:1])
    if opts.get("-d"):
        out.append((literal(opts["-d"]), "write"))
    return out, []


def _compress(args: Args) -> Refs:
    operands, opts = split_args(args, opt_set("-S"), opt_set("--suffix"))
    to_stdout = bool({"-c", "--stdout", "--to-stdout", "-l", "-t"} & opts.keys())
    return with_access("read" if to_stdout else "write", operands), []


def _sort(args: Args) -> Refs:
    operands, opts = split_args(
        args,
        opt_set("-o -k -t -T -S"),
        opt_set("--output --key --field-separator --temporary-directory --buffer-size"),
    )
    out = with_access("read", operands)
    target = opts.get("-o") or opts.get("--output")
    if target:
        out.append((literal(target), "write"))
    return out, []


def _xxd(args: Args) -> Refs:
    operands, opts = split_args(args, opt_set("-s -l -c -g -o -n"))
    if ("-r" in opts or "--revert" in opts) and len(operands) > 1:
        return [*with_access("read", operands[:1]), (operands[1], "write")], []
    if len(operands) > 1:
        return [*with_access("read", operands[:1]), (operands[1], "write")], []
    return with_access("read", operands), []


def _base64(args: Args) -> Refs:
    operands, opts = split_args(args, opt_set("-w -i -o -b"), opt_set("--wrap --input --output"))
    out = with_access("read", operands)
    for key in ("-i", "--input"):
        if opts.get(key):
            out.append((literal(opts[key]), "read"))
    for key in ("-o", "--output"):
        if opts.get(key):
            out.append((literal(opts[key]), "write"))
    return out, []


def _find(args: Args) -> Refs:
    starts: list[Word] = []
    for w in args:
        if w[0].startswith("-") or w[0] in ("(", "!", ")", ","):
            break
        starts.append(w)
    values = [w[0] for w in args]
    deleting = "-delete" in values
    for k, v in enumerate(values):
        if v in ("-exec", "-execdir", "-ok", "-okdir") and k + 1 < len(values):
            inner = values[k + 1].rsplit("/", 1)[-1]
            deleting = deleting or inner in ("rm", "rmdir", "unlink", "shred")
    out = with_access("delete" if deleting else "read", starts or [literal(".")])
    for k, v in enumerate(values[:-1]):
        if v in ("-fprint", "-fprint0", "-fls", "-fprintf"):
            out.append((args[k + 1], "write"))
    return out, []


def _source(args: Args) -> Refs:
    paths, urls = _generic(args[1:])
    return [*with_access("exec", args[:1]), *paths], urls


_INTERP_LONG = opt_set("--require --import --loader")


@cache
def _interp_valued(inline: frozenset[str]) -> frozenset[str]:
    return inline | opt_set("-W -X -m -I -M -r -l -o")


def _interpreter(args: Args, inline: frozenset[str]) -> Refs:
    operands, opts = split_args(args, _interp_valued(inline), _INTERP_LONG)
    if inline & opts.keys() or "-m" in opts or not operands or operands[0][0] == "-":
        paths, urls = _generic(operands)
        return paths, urls
    paths, urls = _generic(operands[1:])
    return [(operands[0], "exec"), *paths], urls


def _git(args: Args) -> Refs:
    paths, urls = _generic(args)
    for w in args:
        if "://" not in w[0] and "@" in w[0]:
            remote = parse_remote(w[0])
            if remote is not None:
                urls.append(remote)
    remote_specs = {u.raw for u in urls}
    return [p for p in paths if p[0][0] not in remote_specs], urls


_EDITORS = opt_set("vi vim nvim nano emacs ed pico micro joe kak hx helix sudoedit")
_VIEWERS = opt_set(
    "cat less more head tail wc file stat md5sum sha1sum sha256sum sha512sum shasum cksum "
    "diff cmp od hexdump nl tac bat strings uniq open xdg-open code subl cursor cd pushd "
    "base32 iconv cut paste column fold fmt readlink realpath ls du tree"
)
_VIEWER_VALUED = opt_set("-n -c -m -i -s -w -t -e -A -j -N -l -f -L")

PROGRAMS: dict[str, Callable[[Args], Refs]] = {
    "rm": _files("delete"),
    "unlink": _files("delete"),
    "rmdir": _files("delete"),
    "shred": _files("delete", "-n -s", "--iterations --size --random-source"),
    "wipe": _files("delete"),
    "srm": _files("delete"),
    "cp": _copy("cp"),
    "mv": _copy("mv"),
    "ln": _copy("ln"),
    "install": _copy("install"),
    "tee": _files("write"),
    "touch": _files("write", "-d -t -r", "--date --reference"),
    "truncate": _files("write", "-s -r", "--size --reference"),
    "mkdir": _files("write", "-m", "--mode"),
    "chmod": _chmod,
    "chown": _chown,
    "chgrp": _chown,
    "dd": _dd,
    "tar": _tar,
    "bsdtar": _tar,
    "gtar": _tar,
    "zip": _zip,
    "unzip": _unzip,
    "sort": _sort,
    "xxd": _xxd,
    "base64": _base64,
    "find": _find,
    "source": _source,
    ".": _source,
    "grep": _pattern_first("-e -f -m -A -B -C -d -D", "--regexp --file --max-count", "-e -f"),
    "egrep": _pattern_first("-e -f -m -A -B -C", "--regexp --file", "-e -f"),
    "fgrep": _pattern_first("-e -f -m -A -B -C", "--regexp --file", "-e -f"),
    "zgrep": _pattern_first("-e -f -m -A -B -C", "--regexp --file", "-e -f"),
    "rg": _pattern_first(
        "-e -f -g -t -T -m -A -B -C -j -M -r -E",
        "--regexp --file --glob --iglob --type --type-not --max-count --max-depth --replace "
        "--context --after-context --before-context --encoding --engine --sort --sortr "
        "--threads --pre --pre-glob --max-filesize --ignore-file --type-add",
        "-e -f --regexp --file",
    ),
    "ag": _pattern_first("-G -A -B -C -m", "--file-search-regex --ignore", ""),
    "ack": _pattern_first("-A -B -C -m", "--type", ""),
    "sed": _sed,
    "gsed": _sed,
    "awk": _pattern_first("-f -v -F", "--file --assign --field-separator", "-f --file"),
    "gawk": _pattern_first("-f -v -F", "--file --assign --field-separator", "-f --file"),
    "mawk": _pattern_first("-f -v -F", "", "-f"),
    "jq": _pattern_first("-f", "--indent --from-file", "-f --from-file"),
    "git": _git,
}
PROGRAMS.update(NETWORK_PROGRAMS)
for _name in _EDITORS:
    PROGRAMS[_name] = _files("write")
for _name in _VIEWERS:
    PROGRAMS.setdefault(_name, _files("read", " ".join(_VIEWER_VALUED)))
for _name in ("gzip", "gunzip", "bzip2", "bunzip2", "xz", "unxz", "zstd", "lz4", "compress"):
    PROGRAMS[_name] = _compress


def refs_of(
    program: str, args: Args, cwd: str, env: Environment
) -> tuple[tuple[PathRef, ...], tuple[UrlRef, ...]]:
    """The paths (absolute, classified, with access) and URLs among a command's arguments."""
    if program in DATA_PROGRAMS:
        return (), ()
    handler = PROGRAMS.get(program)
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
