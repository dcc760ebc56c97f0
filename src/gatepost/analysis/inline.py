"""Inline interpreter code stated as the shell commands with the same effect.

``python -c``, ``node -e``, ``ruby -e``, ``perl -e``, ``php -r`` and heredocs fed to those
interpreters often carry the real action: ``os.system('rm -rf /')``, ``execSync('...')``,
``shutil.rmtree('/home/user')``. ``inline_commands(language, code)`` states each such action as
a shell command line (``rm -rf -- /home/user``), which the shell analysis then reads like any
other (``context="inline"``).

This is a lexical scan, not a parser of those languages: one regex of literal alternatives
finds calls of known functions (linear), and a hand-written scanner reads the string literals
that are their first arguments (linear). Calls whose arguments are not literals are skipped.
"""

from __future__ import annotations

import re
from functools import cache

CODE_CAP = 16 * 1024  # characters of code scanned
MAX_COMMANDS = 32
MAX_LITERAL = 4096

# what a call does: "shell" runs shell text; "argv" runs a program from a list of words (or a
# string, then run by a shell); "rm", "rm-r", "rm-r?" (recursive when it says so), "rmdir"
# delete the path given as first argument
_CALLS: dict[str, dict[str, str]] = {
    "python": {
        "os.system": "shell",
        "os.popen": "shell",
        "subprocess.run": "argv",
        "subprocess.call": "argv",
        "subprocess.check_call": "argv",
        "subprocess.check_output": "argv",
        "subprocess.Popen": "argv",
        "subprocess.getoutput": "shell",
        "subprocess.getstatusoutput": "shell",
        "shutil.rmtree": "rm-r",
        "os.remove": "rm",
        "os.unlink": "rm",
        "os.rmdir": "rmdir",
        "os.removedirs": "rmdir",
        "Path": "path",
        "open": "open",
        "os.rename": "mv",
        "os.replace": "mv",
        "shutil.move": "mv",
        "shutil.copy": "cp",
        "shutil.copy2": "cp",
        "shutil.copyfile": "cp",
        "shutil.copytree": "cp",
        "os.symlink": "ln",
    },
    "node": {
        "execSync": "shell",
        "exec": "shell",
        "spawnSync": "argv",
        "spawn": "argv",
        "execFileSync": "argv",
        "execFile": "argv",
        "rmSync": "rm-r?",
        "rm": "rm-r?",
        "rmdirSync": "rm-r?",
        "unlinkSync": "rm",
        "unlink": "rm",
        "rimraf": "rm-r",
        "writeFileSync": "write",
        "appendFileSync": "write",
        "writeFile": "write",
        "appendFile": "write",
        "renameSync": "mv",
        "copyFileSync": "cp",
        "cpSync": "cp",
        "symlinkSync": "ln",
    },
    "ruby": {
        "system": "shell",
        "exec": "shell",
        "spawn": "shell",
        "IO.popen": "shell",
        "Open3.capture2": "shell",
        "Open3.capture3": "shell",
        "Open3.popen3": "shell",
        "FileUtils.rm_rf": "rm-r",
        "FileUtils.rm_r": "rm-r",
        "FileUtils.remove_dir": "rm-r",
        "FileUtils.remove_entry": "rm-r",
        "FileUtils.rm": "rm",
        "FileUtils.rm_f": "rm",
        "File.delete": "rm",
        "File.unlink": "rm",
        "File.write": "write",
        "FileUtils.mv": "mv",
        "FileUtils.cp": "cp",
        "File.rename": "mv",
    },
    "perl": {
        "system": "shell",
        "exec": "shell",
        "rmtree": "rm-r",
        "remove_tree": "rm-r",
        "unlink": "rm",
        "rmdir": "rmdir",
        "rename": "mv",
    },
    "php": {
        "system": "shell",
        "exec": "shell",
        "shell_exec": "shell",
        "passthru": "shell",
        "popen": "shell",
        "proc_open": "shell",
        "unlink": "rm",
        "rmdir": "rmdir",
        "file_put_contents": "write",
        "rename": "mv",
        "copy": "cp",
    },
}
_BACKTICKS = frozenset({"ruby", "perl", "php"})
_CLOSE = {"{": "}", "(": ")", "[": "]", "<": ">"}
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-*?[]~+,:@%=")
_DELETE = {"rm": "rm -f --", "rm-r": "rm -rf --", "rmdir": "rmdir --", "write": "tee --"}
# calls that take a source and a target
_TWO = {"mv": "mv --", "cp": "cp -r --", "ln": "ln -s --"}
_WRITE_MODES = frozenset("wax+")


def inline_commands(language: str, code: str) -> list[str]:
    """The shell command lines with the effects ``code`` (python, node, ruby, perl, php)
    visibly has, in the order they appear; at most 32, from the first 16 KiB of code."""
    calls = _CALLS.get(language)
    if calls is None:
        return []
    code = code[:CODE_CAP]
    found: list[tuple[int, str]] = []
    for m in _pattern(language).finditer(code):
        if len(found) >= MAX_COMMANDS:
            break
        what = calls[m.group(1)]
        args = _literals(code, m.end(), 2 if what in _TWO or what == "open" else 1)
        if not args:
            continue
        line = _line(what, args, code, m.end())
        if line:
            found.append((m.start(), line))
    if language in _BACKTICKS:
        found.extend(_backticks(code))
    found.sort(key=lambda item: item[0])
    return [line for _, line in found[:MAX_COMMANDS]]


@cache
def _pattern(language: str) -> re.Pattern[str]:
    """The known calls of ``language`` as one regex, compiled on first use: most hook
    processes never meet inline code, and the five cost ~1 ms at import."""
    calls = sorted(_CALLS[language], key=len, reverse=True)
    return re.compile(r"(?<![\w$])(" + "|".join(map(re.escape, calls)) + r")(?![\w])")


def _line(what: str, args: list[str], code: str, end: int) -> str:
    if what == "shell":
        return args[0]
    if what == "argv":
        return args[0] if len(args) == 1 else " ".join(_word(a) for a in args)
    if what in _TWO:
        return f"{_TWO[what]} {_word(args[0])} {_word(args[1])}" if len(args) > 1 else ""
    if what == "open":  # open("x", "w"): a write; open("x") reads
        if len(args) < 2 or not _WRITE_MODES.intersection(args[1]):
            return ""
        what = "write"
    if what == "path":  # Path("x").unlink() / .rmdir() / .write_text(...) / .rename("y")
        rest = code[_after_call(code, end) :].lstrip()
        if rest.startswith(".unlink("):
            what = "rm"
        elif rest.startswith(".rmdir("):
            what = "rmdir"
        elif rest.startswith((".write_text(", ".write_bytes(", ".touch(", ".chmod(")):
            what = "write"
        elif rest.startswith((".rename(", ".replace(")):
            target = _literals(code, rest.index("(") + len(code) - len(rest))
            return f"mv -- {_word(args[0])} {_word(target[0])}" if target else ""
        else:
            return ""
    if what == "rm-r?":
        what = "rm-r" if "recursive" in code[end : _after_call(code, end)] else "rm"
    return f"{_DELETE[what]} {_word(args[0])}"


def _word(text: str) -> str:
    if text and _PLAIN.issuperset(text):
        return text
    import shlex  # rarely needed: most words are plain

    return shlex.quote(text)


def _after_call(code: str, i: int) -> int:
    """Index after the parenthesized arguments starting at or after ``i`` (bounded scan)."""
    depth = 0
    n = min(len(code), i + 512)
    j = i
    while j < n:
        c = code[j]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth <= 0:
                return j + 1
        elif c in "'\"" and depth:
            _, j = _string(code, j)
            continue
        j += 1
    return j


def _literals(code: str, i: int, count: int = 1) -> list[str]:
    """String literals at the start of a call's arguments: ``("a")``, ``(["a", "b"])``,
    ``("a", ["b"])``, ``"a"`` without parentheses, ``(glob("a"))``, ``(Path("a"))``; with
    ``count``, up to that many separate literal arguments (``("a", "b")``)."""
    n = len(code)
    i = _skip_space(code, i)
    if i < n and code[i] == "(":
        i = _skip_space(code, i + 1)
    for wrapper in ("glob(", "Path(", "path.resolve(", "File.join("):
        if code.startswith(wrapper, i):
            i = _skip_space(code, i + len(wrapper))
    out: list[str] = []
    in_list = False
    while i < n and len(out) < 64:
        if code[i] == "[" and not in_list:
            in_list = True
            i = _skip_space(code, i + 1)
            continue
        if code[i] in "rbuRBU" and i + 1 < n and code[i + 1] in "'\"":
            i += 1  # python string prefixes (not f: its value is not literal)
        if i >= n or code[i] not in "'\"`":
            break
        value, i = _string(code, i)
        if value is None or "#{" in value or "${" in value:
            break
        out.append(value)
        i = _skip_space(code, i)
        if i < n and code[i] == ",":
            i = _skip_space(code, i + 1)
            if in_list or (i < n and code[i] == "[") or len(out) < count:
                continue
        break
    return out


def _skip_space(code: str, i: int) -> int:
    n = len(code)
    while i < n and code[i] in " \t\n\r":
        i += 1
    return i


def _string(code: str, i: int) -> tuple[str | None, int]:
    """The literal opened by the quote at ``code[i]``: its value, and the index after it."""
    quote = code[i]
    out: list[str] = []
    j = i + 1
    n = len(code)
    while j < n and j - i <= MAX_LITERAL:
        c = code[j]
        if c == "\\" and j + 1 < n:
            nxt = code[j + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            j += 2
            continue
        if c == quote:
            return "".join(out), j + 1
        out.append(c)
        j += 1
    return None, j


@cache
def _qx() -> re.Pattern[str]:
    """``qx{`` / ``%x(``...: compiled on first use (ruby, perl and php code only)."""
    return re.compile(r"(?<![\w$@%])(?:qx|%x)\s*([{(\[</|!])")


def _backticks(code: str) -> list[tuple[int, str]]:
    """Shell text in backquotes and in ``qx{...}`` / ``%x{...}``."""
    found: list[tuple[int, str]] = []
    i = 0
    while len(found) < MAX_COMMANDS:
        j = code.find("`", i)
        if j < 0:
            break
        k = code.find("`", j + 1)
        if k < 0 or k - j > MAX_LITERAL:
            break
        found.append((j, code[j + 1 : k]))
        i = k + 1
    for m in _qx().finditer(code):
        if len(found) >= MAX_COMMANDS:
            break
        closer = _CLOSE.get(m.group(1), m.group(1))
        end = code.find(closer, m.end())
        if end < 0:
            break
        if end - m.end() <= MAX_LITERAL:
            found.append((m.start(), code[m.end() : end]))
    return found
