"""Arguments of file programs: which operands are read, written or deleted.

Loaded by :func:`gatepost.analysis.operands.refs_of` when one of these programs appears (the
names are :data:`gatepost.analysis.programs.FILE_ARG_PROGRAMS`).
"""

from __future__ import annotations

from collections.abc import Callable

from gatepost.analysis.args import Args, Refs, opt_set, split_args, with_access
from gatepost.analysis.words import Word, literal


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


_EDITORS = opt_set("vi vim nvim nano emacs ed pico micro joe kak hx helix sudoedit")
_VIEWERS = opt_set(
    "cat less more head tail wc file stat md5sum sha1sum sha256sum sha512sum shasum cksum "
    "diff cmp od hexdump nl tac bat strings uniq open xdg-open code subl cursor cd pushd "
    "base32 iconv cut paste column fold fmt readlink realpath ls du tree"
)
_VIEWER_VALUED = opt_set("-n -c -m -i -s -w -t -e -A -j -N -l -f -L")

# its keys are programs.FILE_ARG_PROGRAMS
FILE_PROGRAMS: dict[str, Callable[[Args], Refs]] = {
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
}
for _name in _EDITORS:
    FILE_PROGRAMS[_name] = _files("write")
for _name in _VIEWERS:
    FILE_PROGRAMS.setdefault(_name, _files("read", " ".join(_VIEWER_VALUED)))
for _name in ("gzip", "gunzip", "bzip2", "bunzip2", "xz", "unxz", "zstd", "lz4", "compress"):
    FILE_PROGRAMS[_name] = _compress
