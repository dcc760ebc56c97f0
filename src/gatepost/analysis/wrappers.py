"""Programs that run another program: what they run, and with which options.

``unwrap(words)`` looks at one command's words (``words[0]`` is the program) and, when the
program is a wrapper used as one, says what runs inside it: a command given as words (``sudo rm
x``), shell text to parse again (``bash -c 'rm x'``, ``eval``), or several commands run on the
wrapper's behalf while the wrapper itself also runs (``find -exec``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gatepost.analysis.args import opt_set
from gatepost.analysis.programs import SHELLS
from gatepost.analysis.words import Word, is_assignment, literal

Words = Sequence[Word]


class Unwrap:
    """What a wrapper runs (a plain class: cheaper to define at import than a dataclass)."""

    __slots__ = ("assignments", "chdir", "context", "dynamic", "inner", "label", "text", "words")

    def __init__(
        self,
        label: str,
        words: tuple[Word, ...] = (),
        text: Word | None = None,
        context: str = "",
        assignments: tuple[str, ...] = (),
        dynamic: bool = False,
        chdir: str = "",
        inner: tuple[tuple[Word, ...], ...] = (),
    ) -> None:
        self.label = label  # recorded in SimpleCommand.wrappers
        self.words = words  # the inner command, when given as words
        self.text = text  # shell text to parse, when given as text
        self.context = context  # context of commands parsed from text ("" = the caller's)
        self.assignments = assignments  # NAME=value given to the inner command
        self.dynamic = dynamic  # the inner command gets arguments analysis cannot see
        self.chdir = chdir  # directory the inner command runs in, when the wrapper changes it
        self.inner = inner  # find -exec: commands run besides the wrapper


def options(
    words: Words, i: int, valued: frozenset[str], long_valued: frozenset[str] = frozenset()
) -> tuple[int, dict[str, str]]:
    """Skip options from ``words[i]``; the index of the first operand and the options seen.

    Short clusters are split (``-xvf`` -> ``-x``, ``-v``, ``-f``); a valued short option takes
    the rest of its cluster or the next word. ``--name=value`` and valued ``--name value``.
    """
    seen: dict[str, str] = {}
    n = len(words)
    while i < n:
        w = words[i][0]
        if w == "--":
            return i + 1, seen
        if w.startswith("--"):
            name, eq, value = w.partition("=")
            if not eq and name in long_valued and i + 1 < n:
                value = words[i + 1][0]
                i += 1
            seen[name] = value
            i += 1
            continue
        if len(w) < 2 or w[0] != "-":
            return i, seen
        i += 1
        for k in range(1, len(w)):
            opt = "-" + w[k]
            if opt in valued:
                if k + 1 < len(w):
                    seen[opt] = w[k + 1 :]
                elif i < n:
                    seen[opt] = words[i][0]
                    i += 1
                else:
                    seen[opt] = ""
                break
            seen[opt] = ""
    return i, seen


def _assignments(words: Words, i: int) -> tuple[int, tuple[str, ...]]:
    out: list[str] = []
    while i < len(words) and is_assignment(words[i][0]):
        out.append(words[i][0])
        i += 1
    return i, tuple(out)


def _exec(
    label: str, words: Words, i: int, assignments: tuple[str, ...] = (), chdir: str = ""
) -> Unwrap | None:
    if i >= len(words):
        return None
    return Unwrap(label, words=tuple(words[i:]), assignments=assignments, chdir=chdir)


def _join(words: Words) -> Word:
    return (
        " ".join(w[0] for w in words),
        any(w[1] for w in words),
        False,
        " ".join(w[3] for w in words),
    )


# ---------------------------------------------------------------------------- the wrappers


def _sudo(words: Words) -> Unwrap | None:
    i, seen = options(
        words,
        1,
        opt_set("-u -g -C -D -p -r -t -U -T -h"),
        opt_set(
            "--user --group --close-from --chdir --prompt --role --type --other-user "
            "--command-timeout --host"
        ),
    )
    if "-e" in seen or "--edit" in seen:
        return Unwrap("sudo", words=(literal("sudoedit"), *words[i:])) if i < len(words) else None
    i, assigns = _assignments(words, i)
    return _exec("sudo", words, i, assignments=assigns)


def _doas(words: Words) -> Unwrap | None:
    i, _ = options(words, 1, frozenset({"-u", "-C"}))
    return _exec("doas", words, i)


def _pkexec(words: Words) -> Unwrap | None:
    i, _ = options(words, 1, frozenset(), frozenset({"--user"}))
    return _exec("pkexec", words, i)


def _run0(words: Words) -> Unwrap | None:
    i, _ = options(
        words,
        1,
        frozenset({"-u", "-g", "-D"}),
        opt_set(
            "--user --group --chdir --setenv --unit --property --description --slice "
            "--nice --machine --background"
        ),
    )
    return _exec("run0", words, i)


def _env(words: Words) -> Unwrap | None:
    n = len(words)
    i = 1
    chdir = ""
    split: Word | None = None
    while i < n:
        w = words[i][0]
        if w in ("-", "-i", "-0", "-v", "--ignore-environment", "--null", "--debug"):
            i += 1
        elif w in ("-u", "--unset", "-C", "--chdir", "-S", "--split-string", "-P") and i + 1 < n:
            if w in ("-C", "--chdir"):
                chdir = words[i + 1][0]
            elif w in ("-S", "--split-string"):
                split = words[i + 1]
            i += 2
        elif w.startswith(("--unset=", "--chdir=", "--split-string=", "--block-signal")):
            if w.startswith("--chdir="):
                chdir = w[8:]
            elif w.startswith("--split-string="):
                split = literal(w[15:])
            i += 1
        elif w.startswith(("-u", "-C", "-S")) and len(w) > 2:
            if w[1] == "C":
                chdir = w[2:]
            elif w[1] == "S":
                split = literal(w[2:])
            i += 1
        elif w == "--":
            i += 1
            break
        else:
            break
    i, assigns = _assignments(words, i)
    if split is not None:
        return Unwrap("env", text=_join([split, *words[i:]]), assignments=assigns, chdir=chdir)
    return _exec("env", words, i, assignments=assigns, chdir=chdir)


def _command(words: Words) -> Unwrap | None:
    i, seen = options(words, 1, frozenset())
    if "-v" in seen or "-V" in seen:
        return None  # a lookup, nothing runs
    return _exec("command", words, i)


def _simple(label: str) -> Callable[[Words], Unwrap | None]:
    def unwrap(words: Words) -> Unwrap | None:
        i = 2 if len(words) > 1 and words[1][0] == "--" else 1
        return _exec(label, words, i)

    return unwrap


def _exec_builtin(words: Words) -> Unwrap | None:
    i, _ = options(words, 1, frozenset({"-a"}))
    return _exec("exec", words, i)


def _nice(words: Words) -> Unwrap | None:
    i = 1
    n = len(words)
    while i < n:
        w = words[i][0]
        if w in ("-n", "--adjustment") and i + 1 < n:
            i += 2
        elif w.startswith(("-n", "--adjustment=")) or (
            w[:1] == "-" and w[1:].lstrip("+-").isdigit()
        ):
            i += 1
        elif w == "--":
            i += 1
            break
        else:
            break
    return _exec("nice", words, i)


def _timeout(words: Words) -> Unwrap | None:
    i, _ = options(words, 1, frozenset({"-s", "-k"}), frozenset({"--signal", "--kill-after"}))
    return _exec("timeout", words, i + 1)  # skip DURATION


def _time(words: Words) -> Unwrap | None:
    i, _ = options(words, 1, frozenset({"-o", "-f"}), frozenset({"--output", "--format"}))
    return _exec("time", words, i)


def _stdbuf(words: Words) -> Unwrap | None:
    i, _ = options(
        words, 1, frozenset({"-i", "-o", "-e"}), frozenset({"--input", "--output", "--error"})
    )
    return _exec("stdbuf", words, i)


def _ionice(words: Words) -> Unwrap | None:
    i, seen = options(
        words, 1, frozenset({"-c", "-n", "-p", "-P", "-u"}), frozenset({"--class", "--classdata"})
    )
    if {"-p", "-P", "-u", "--pid", "--pgid", "--uid"} & seen.keys():
        return None
    return _exec("ionice", words, i)


def _chrt(words: Words) -> Unwrap | None:
    i, seen = options(words, 1, frozenset({"-T", "-P", "-D"}))
    if "-p" in seen or "--pid" in seen:
        return None
    if i < len(words) and words[i][0].isdigit():
        i += 1  # priority
    return _exec("chrt", words, i)


def _setsid(words: Words) -> Unwrap | None:
    i, _ = options(words, 1, frozenset())
    return _exec("setsid", words, i)


def _caffeinate(words: Words) -> Unwrap | None:
    i, _ = options(words, 1, frozenset({"-t", "-w"}))
    return _exec("caffeinate", words, i)


def _coproc(words: Words) -> Unwrap | None:
    return _exec("coproc", words, 1)


def _xargs(words: Words) -> Unwrap | None:
    i, _ = options(
        words,
        1,
        frozenset({"-I", "-L", "-n", "-P", "-s", "-d", "-E", "-a"}),
        opt_set(
            "--max-lines --max-args --max-procs --max-chars --delimiter --eof "
            "--arg-file --process-slot-var"
        ),
    )
    inner = tuple(words[i:]) or (literal("echo"),)
    return Unwrap("xargs", words=inner, dynamic=True)


def _find(words: Words) -> Unwrap | None:
    inner: list[tuple[Word, ...]] = []
    labels: list[str] = []
    i, n = 1, len(words)
    while i < n:
        w = words[i][0]
        if w in ("-exec", "-execdir", "-ok", "-okdir"):
            j = i + 1
            while j < n and words[j][0] not in (";", "+"):
                j += 1
            if j > i + 1:
                inner.append(tuple(words[i + 1 : j]))
                labels.append(w)
            i = j + 1
        else:
            i += 1
    if not inner:
        return None
    return Unwrap("find " + labels[0], inner=tuple(inner), dynamic=True)


def _shell(words: Words) -> Unwrap | None:
    prog = words[0][0].rsplit("/", 1)[-1]
    i, seen = options(
        words,
        1,
        frozenset({"-o", "-O", "-C"}),
        frozenset({"--rcfile", "--init-file", "--command"}),
    )
    if "--command" in seen:
        return Unwrap(prog + " -c", text=literal(seen["--command"]))
    if "-c" not in seen or i >= len(words):
        return None
    return Unwrap(prog + " -c", text=words[i])


def _eval(words: Words) -> Unwrap | None:
    if len(words) < 2:
        return None
    return Unwrap("eval", text=_join(words[1:]), context="eval")


def _applet(label: str) -> Callable[[Words], Unwrap | None]:
    def unwrap(words: Words) -> Unwrap | None:
        if len(words) < 2 or words[1][0].startswith("-"):
            return None
        return Unwrap(label, words=tuple(words[1:]))

    return unwrap


def _su(words: Words) -> Unwrap | None:
    # options may come before or after the user name: su [-] [user] -c CMD
    n = len(words)
    for k in range(1, n):
        w = words[k][0]
        if w.startswith(("--command=", "--session-command=")):
            return Unwrap("su -c", text=literal(w.partition("=")[2]))
        short = w[:1] == "-" and w[1:2] != "-" and w.endswith("c")
        if (short or w in ("--command", "--session-command")) and k + 1 < n:
            return Unwrap("su -c", text=words[k + 1])
    return None


def _script(words: Words) -> Unwrap | None:
    _, seen = options(
        words, 1, frozenset({"-c", "-E", "-I", "-O", "-B", "-T", "-t"}), frozenset({"--command"})
    )
    for opt in ("-c", "--command"):
        if opt in seen:
            return Unwrap("script -c", text=literal(seen[opt]))
    return None


def _watch(words: Words) -> Unwrap | None:
    i, seen = options(words, 1, frozenset({"-n", "-q"}), frozenset({"--interval", "--differences"}))
    if i >= len(words):
        return None
    if "-x" in seen or "--exec" in seen:
        return Unwrap("watch", words=tuple(words[i:]))
    return Unwrap("watch", text=_join(words[i:]))


def _flock(words: Words) -> Unwrap | None:
    i, _ = options(
        words, 1, frozenset({"-w", "-E"}), frozenset({"--timeout", "--conflict-exit-code"})
    )
    i += 1  # the lock file or directory
    if i < len(words) and words[i][0] in ("-c", "--command") and i + 1 < len(words):
        return Unwrap("flock", text=words[i + 1])
    return _exec("flock", words, i)


_PARALLEL_VALUED = opt_set("-j -J -S -N -n -L -P -I -d -a -E -C")
_PARALLEL_LONG = opt_set(
    "--jobs --joblog --sshlogin --delimiter --arg-file --colsep --results --tmpdir --workdir "
    "--wd --timeout --retries --halt --memfree --load --delay --max-args --replace"
)


def _parallel(words: Words) -> Unwrap | None:
    i, _ = options(words, 1, _PARALLEL_VALUED, _PARALLEL_LONG)
    j = i
    while j < len(words) and not words[j][0].startswith(":::"):
        j += 1
    inner = tuple(words[i:j])
    if not inner:
        return None
    if len(inner) == 1 and " " in inner[0][0]:
        return Unwrap("parallel", text=inner[0], dynamic=True)
    return Unwrap("parallel", words=inner, dynamic=True)


# its keys are programs.WRAPPER_PROGRAMS (emit loads this module when one of them appears)
WRAPPERS: dict[str, Callable[[Words], Unwrap | None]] = {
    "sudo": _sudo,
    "doas": _doas,
    "pkexec": _pkexec,
    "run0": _run0,
    "env": _env,
    "command": _command,
    "builtin": _simple("builtin"),
    "exec": _exec_builtin,
    "nice": _nice,
    "nohup": _simple("nohup"),
    "timeout": _timeout,
    "gtimeout": _timeout,
    "time": _time,
    "stdbuf": _stdbuf,
    "ionice": _ionice,
    "chrt": _chrt,
    "setsid": _setsid,
    "caffeinate": _caffeinate,
    "coproc": _coproc,
    "xargs": _xargs,
    "find": _find,
    "eval": _eval,
    "busybox": _applet("busybox"),
    "toybox": _applet("toybox"),
    "su": _su,
    "script": _script,
    "watch": _watch,
    "flock": _flock,
    "parallel": _parallel,
}
for _name in SHELLS:
    WRAPPERS[_name] = _shell


def unwrap(program: str, words: Words) -> Unwrap | None:
    """What ``words`` (a command whose program name is ``program``) runs inside, if anything."""
    fn = WRAPPERS.get(program)
    return fn(words) if fn is not None else None
