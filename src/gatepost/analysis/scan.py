"""A linear pre-scan that bounds what the tree-sitter parser is given.

tree-sitter-bash takes time quadratic in the number of tokens it must recover from in some
inputs (``a=(a=(...``, ``x)x)...``, ``a|a|...``, ``$[$[...``): 64 KiB of them take seconds. The
cost follows the shell syntax it has to parse, not quoted text or heredoc bodies, which its
scanner reads as single tokens. This pass walks the text once, counting "structural" characters
(everything outside single quotes, double-quoted literal text and heredoc bodies without
expansions) and says where to cut so that at most ``budget`` of them reach the parser.
"""

from __future__ import annotations

import re
from functools import cache

_DELIM_END = frozenset(" \t\n;|&<>()")

_N, _D, _B, _E = 0, 1, 2, 3  # normal, double-quoted, backquoted, ${...} expansion

Pending = list[tuple[str, bool, bool]]


def measure(text: str, budget: int) -> tuple[int, int]:
    """``(cut, used)``: the longest prefix holding at most ``budget`` structural characters,
    and how many of them it holds (an upper bound).

    Text left unterminated (an open quote, substitution or heredoc) counts every character:
    the parser's error recovery reads such text as shell syntax.
    """
    if len(text) <= budget:
        return len(text), len(text)
    cut, clean, used = _scan(text, budget)
    if cut == len(text) and not clean:
        return budget, budget
    return cut, min(used, budget)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The next character that matters: in normal text, in double quotes (compiled on first
    use: only text longer than the budget is scanned)."""
    return re.compile(r"[()\[\]{}$`\"'\\\n#<]"), re.compile(r'["$`\\]')


def _scan(text: str, budget: int) -> tuple[int, bool, int]:
    normal, dquote = _patterns()
    n = len(text)
    clean = True
    risk = 0
    i = 0
    kinds = [_N]
    depths = [0]
    starts = [0]
    pending: Pending = []
    while i < n:
        kind = kinds[-1]
        m = (dquote if kind == _D else normal).search(text, i)
        j = n if m is None else m.start()
        risk += 1 if kind == _D else j - i + 1
        if risk > budget:
            # never leave an open double-quoted string in the prefix: the parser would
            # read its (uncounted) text as syntax while recovering
            cut = j if kind == _D else j - (risk - budget) + 1
            dq = [s for k, s in zip(kinds, starts, strict=True) if k == _D]
            return (min(cut, dq[0]) if dq else cut), clean, budget
        if m is None:
            break
        c = text[j]
        i = j + 1
        if c == "\\":
            i = j + 2
            risk += 1
        elif c == "`":
            if kind == _B:
                kinds.pop()
                depths.pop()
                starts.pop()
            else:
                kinds.append(_B)
                depths.append(0)
                starts.append(j)
        elif c == "$":
            if text.startswith("(", i) or text.startswith("{", i):
                kinds.append(_N if text[i] == "(" else _E)
                depths.append(0)
                starts.append(j)
                i += 1
        elif kind == _D:
            if c == '"':
                kinds.pop()
                depths.pop()
                starts.pop()
        elif c == "'":
            k = text.find("'", i)
            clean = clean and k >= 0
            i = n if k < 0 else k + 1
        elif c == '"':
            kinds.append(_D)
            depths.append(0)
            starts.append(j)
        elif c in "({":
            depths[-1] += 1
        elif c in ")}":
            if depths[-1]:
                depths[-1] -= 1
            elif len(kinds) > 1 and kind == (_N if c == ")" else _E):
                kinds.pop()
                depths.pop()
                starts.pop()
        elif c == "#":
            if j == 0 or text[j - 1] in " \t\n;|&(":
                k = text.find("\n", i)
                i = n if k < 0 else k
        elif c == "<" and text.startswith("<", i) and not text.startswith("<<", i):
            i = _heredoc_start(text, i + 1, pending)
            risk += i - j
        elif c == "\n" and pending:
            body = i
            i, risk, closed = _skip_bodies(text, i, pending, risk)
            pending.clear()
            clean = clean and closed
            if risk > budget:  # cut before the bodies: an open heredoc is cheap to parse
                dq = [s for k, s in zip(kinds, starts, strict=True) if k == _D]
                return (min(body, dq[0]) if dq else body), clean, budget
        if len(kinds) > 512:  # absurd nesting
            return n, False, budget
    return n, clean and len(kinds) == 1 and not pending, risk


def _heredoc_start(text: str, i: int, pending: Pending) -> int:
    strip = text.startswith("-", i)
    if strip:
        i += 1
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    start = i
    while i < n and text[i] not in _DELIM_END:
        i += 1
    token = text[start:i]
    quoted = any(q in token for q in "'\"\\")
    delim = token.replace("'", "").replace('"', "").replace("\\", "")
    if delim:
        pending.append((delim, quoted, strip))
    return i


def _skip_bodies(text: str, i: int, pending: Pending, risk: int) -> tuple[int, int, bool]:
    """Skip heredoc bodies; in unquoted ones count ``$`` and, after a substitution, all."""
    n = len(text)
    closed = True
    for delim, quoted, strip in pending:
        shell = False
        closed = False
        while i < n:
            e = text.find("\n", i)
            end = n if e < 0 else e
            line = text[i:end]
            i = end + 1
            if (line.lstrip("\t") if strip else line) == delim:
                closed = True
                break
            if not quoted:
                shell = shell or "$(" in line or "`" in line
                risk += len(line) if shell else line.count("$")
    return min(i, n), risk, closed
