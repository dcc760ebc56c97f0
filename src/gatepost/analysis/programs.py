"""Names of programs that analysis treats specially, shared by the parser and the flags."""

from __future__ import annotations

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish", "ash", "mksh", "yash", "rbash"})

# Interpreters that run a program given inline (-c/-e), from a file, or from stdin.
# Value: the options that take inline code.
INLINE_CODE_OPTIONS: dict[str, frozenset[str]] = {
    "python": frozenset({"-c"}),
    "perl": frozenset({"-e", "-E"}),
    "ruby": frozenset({"-e"}),
    "node": frozenset({"-e", "--eval", "-p", "--print"}),
    "nodejs": frozenset({"-e", "--eval", "-p", "--print"}),
    "bun": frozenset({"-e", "--eval", "-p", "--print"}),
    "php": frozenset({"-r"}),
    "lua": frozenset({"-e"}),
    "luajit": frozenset({"-e"}),
    "osascript": frozenset({"-e"}),
    "pwsh": frozenset({"-c", "-command", "-Command"}),
    "powershell": frozenset({"-c", "-command", "-Command"}),
    "tclsh": frozenset(),
    "Rscript": frozenset({"-e"}),
}

# Options of those interpreters that take a value (so the value is not the script).
INTERPRETER_VALUE_OPTIONS = frozenset(
    {"-W", "-X", "-m", "-I", "-M", "-r", "--require", "--import", "--loader", "-x", "-o"}
)


def interpreter_family(program: str) -> str:
    """``python3.12`` -> ``python``; ``bash`` -> ``bash``; unknown -> ``""``."""
    family = _FAMILIES.get(program)
    if family is not None:
        return family
    if not program.startswith(_VERSIONED):
        return ""
    for base in _VERSIONED:
        if program.startswith(base) and _version_suffix(program[len(base) :]):
            return base
    return ""


def _version_suffix(rest: str) -> bool:
    return all(c.isdigit() or c == "." for c in rest)


_VERSIONED = ("python", "perl", "ruby", "php", "lua", "node")
_FAMILIES = {name: name for name in (*SHELLS, *INLINE_CODE_OPTIONS)}
_FAMILIES.update({"pypy": "python", "pypy3": "python", "python3": "python"})


DOWNLOADERS = frozenset(
    {
        "curl",
        "wget",
        "wget2",
        "fetch",
        "aria2c",
        "http",
        "https",
        "httpie",
        "xh",
        "curlie",
        "iwr",
        "irm",
        "invoke-webrequest",
        "invoke-restmethod",
        "lwp-download",
        "lwp-request",
        "GET",
    }
)

NETWORK_CLIENTS = DOWNLOADERS | frozenset(
    {
        "nc",
        "ncat",
        "netcat",
        "socat",
        "telnet",
        "ssh",
        "scp",
        "sftp",
        "ftp",
        "tftp",
        "lftp",
        "rsync",
        "POST",
        "HEAD",
    }
)

# Programs that reach the network only when given an explicit URL argument.
URL_FETCHERS = frozenset(
    {
        "git",
        "pip",
        "pip3",
        "pipx",
        "uv",
        "npm",
        "npx",
        "pnpm",
        "yarn",
        "gem",
        "cargo",
        "go",
        "aws",
        "gsutil",
    }
)

# Programs that turn encoded text back into bytes (obfuscation when piped into an interpreter).
DECODERS = frozenset({"base64", "base32", "basenc", "xxd", "openssl", "uudecode", "gpg"})

PRIVILEGE_PROGRAMS = frozenset({"sudo", "doas", "su", "pkexec", "run0", "sudoedit"})

# Programs whose arguments are data, never paths.
DATA_PROGRAMS = frozenset({"echo", "printf", "export", "declare", "local", "readonly", "typeset"})


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The programs whose analysis lives in a module of its own, loaded when one of them appears
# (most command lines need none of them). Each is the key set of that module's table.
# wrappers.WRAPPERS: programs that run another program (``sudo``, ``env``, ``bash -c``...)
WRAPPER_PROGRAMS = SHELLS | _names(
    "sudo doas pkexec run0 env command builtin exec nice nohup timeout gtimeout time stdbuf "
    "ionice chrt setsid caffeinate coproc xargs find eval busybox toybox su script watch flock "
    "parallel"
)
# fileargs.FILE_PROGRAMS: which operands of file programs are read, written or deleted
FILE_ARG_PROGRAMS = _names(
    "rm unlink rmdir shred wipe srm cp mv ln install tee touch truncate mkdir chmod chown chgrp "
    "dd tar bsdtar gtar zip unzip sort xxd base64 find grep egrep fgrep zgrep rg ag ack sed "
    "gsed awk gawk mawk jq "
    "vi vim nvim nano emacs ed pico micro joe kak hx helix sudoedit "
    "cat less more head tail wc file stat md5sum sha1sum sha256sum sha512sum shasum cksum "
    "diff cmp od hexdump nl tac bat strings uniq open xdg-open code subl cursor cd pushd "
    "base32 iconv cut paste column fold fmt readlink realpath ls du tree "
    "gzip gunzip bzip2 bunzip2 xz unxz zstd lz4 compress"
)
# netargs.NETWORK_PROGRAMS: URLs, hosts and files of network programs
NETWORK_ARG_PROGRAMS = _names(
    "curl wget wget2 http https httpie xh xhs nc ncat netcat telnet socat ssh scp rsync sftp"
)

# Reserved words after which the simple-word fast path does not apply.
RESERVED = frozenset(
    {
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "do",
        "done",
        "case",
        "esac",
        "while",
        "until",
        "for",
        "in",
        "function",
        "select",
    }
)

_SHELL_VALUED = frozenset({"-o", "-O", "+o", "+O", "--rcfile", "--init-file"})


def _interpreter_args(family: str, argv: tuple[str, ...]) -> tuple[set[str], list[str]]:
    """Options seen and operands of an interpreter command line (options stop at the script)."""
    valued = _SHELL_VALUED if family in SHELLS else INTERPRETER_VALUE_OPTIONS
    inline = INLINE_CODE_OPTIONS.get(family, frozenset({"-c"}))
    seen: set[str] = set()
    i, n = 0, len(argv)
    while i < n:
        a = argv[i]
        if a == "--":
            i += 1
            break
        if a == "-" or not a.startswith(("-", "+")):
            break
        if a.startswith("--"):
            name = a.partition("=")[0]
            seen.add(name)
            i += 2 if (name in valued or name in inline) and "=" not in a else 1
            continue
        i += 1
        for k in range(1, len(a)):
            opt = "-" + a[k]
            seen.add(opt)
            if opt in valued or opt in inline or a in inline:
                if a in inline:
                    seen.add(a)
                if k + 1 == len(a):
                    i += 1
                break
    return seen, list(argv[i:])


def runs_inline_code(program: str, argv: tuple[str, ...]) -> bool:
    """``python -c CODE``, ``perl -e CODE``, ``node -e CODE``, ``bash -c CODE``..."""
    family = interpreter_family(program)
    if not family:
        return False
    seen, _ = _interpreter_args(family, argv)
    inline = INLINE_CODE_OPTIONS.get(family, frozenset({"-c"}))
    return bool(seen & inline)


def reads_code_from_stdin(program: str, argv: tuple[str, ...]) -> bool:
    """An interpreter reading its program from stdin: ``sh``, ``bash -s``, ``python -``."""
    if program in ("iex", "invoke-expression"):
        return True
    family = interpreter_family(program)
    if not family:
        return False
    seen, operands = _interpreter_args(family, argv)
    inline = INLINE_CODE_OPTIONS.get(family, frozenset({"-c"}))
    if seen & inline or ("-m" in seen and family == "python"):
        return False
    if family in SHELLS and "-s" in seen:
        return True
    return not operands or operands[0] in ("-", "/dev/stdin")


# Interpreter families whose inline code analysis reads (see inline.py), by language.
INLINE_LANGUAGES = {
    "python": "python",
    "node": "node",
    "nodejs": "node",
    "bun": "node",
    "ruby": "ruby",
    "perl": "perl",
    "php": "php",
}


def inline_code(program: str, argv: tuple[str, ...]) -> tuple[str, str] | None:
    """``(option, code)`` of ``python -c CODE``, ``node --eval=CODE``, ``perl -ne CODE``..."""
    family = interpreter_family(program)
    inline = INLINE_CODE_OPTIONS.get(family)
    if not inline:
        return None
    for k, a in enumerate(argv):
        if a == "--":
            return None
        name, eq, value = a.partition("=")
        if a.startswith("--") and eq and name in inline:
            return name, value
        if a in inline:
            return (a, argv[k + 1]) if k + 1 < len(argv) else None
        if a.startswith("-") and not a.startswith("--"):
            for j in range(1, len(a)):
                if "-" + a[j] in inline:
                    rest = a[j + 1 :]
                    if rest:
                        return "-" + a[j], rest
                    return ("-" + a[j], argv[k + 1]) if k + 1 < len(argv) else None
        elif not a.startswith("-"):
            return None  # the script: options after it are its own
    return None
