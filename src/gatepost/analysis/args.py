"""Reading command-line arguments: options (with or without values) and operands."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from gatepost.action import UrlRef
from gatepost.analysis.words import Word

Args = Sequence[Word]
# what a program handler finds: (word, access) pairs for paths, and URLs
Refs = tuple[list[tuple[Word, str]], list[UrlRef]]


@cache  # option tables are literals in the code: built once, not per command
def opt_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def split_args(
    args: Args, valued: frozenset[str] = frozenset(), long_valued: frozenset[str] = frozenset()
) -> tuple[list[Word], dict[str, str]]:
    """Operands and options of GNU-style arguments (options may follow operands)."""
    operands: list[Word] = []
    opts: dict[str, str] = {}
    i, n = 0, len(args)
    while i < n:
        w = args[i]
        v = w[0]
        i += 1
        if v == "--":
            operands.extend(args[i:])
            break
        if v.startswith("--"):
            name, eq, value = v.partition("=")
            if not eq and name in long_valued and i < n:
                value = args[i][0]
                i += 1
            opts[name] = value
        elif len(v) > 1 and v[0] == "-":
            for k in range(1, len(v)):
                opt = "-" + v[k]
                if opt in valued:
                    if k + 1 < len(v):
                        opts[opt] = v[k + 1 :]
                    elif i < n:
                        opts[opt] = args[i][0]
                        i += 1
                    else:
                        opts[opt] = ""
                    break
                opts[opt] = ""
        else:
            operands.append(w)
    return operands, opts


def with_access(access: str, words: Args) -> list[tuple[Word, str]]:
    return [(w, access) for w in words if w[0] and w[0] != "-"]


def option_value(
    args: Args, i: int, valued: frozenset[str], long_valued: frozenset[str]
) -> tuple[str, str | None, int]:
    """The option at ``args[i]``, its value (None for flags and operands), words used."""
    v = args[i][0]
    nxt = args[i + 1][0] if i + 1 < len(args) else ""
    if v.startswith("--"):
        name, eq, value = v.partition("=")
        if eq:
            return name, value, 1
        if name in long_valued:
            return name, nxt, 2
        return name, None, 1
    if len(v) >= 2 and v[0] == "-":
        for k in range(1, len(v)):
            opt = "-" + v[k]
            if opt in valued:
                if k + 1 < len(v):
                    return opt, v[k + 1 :], 1
                return opt, nxt, 2
        return v[:2], None, 1
    return "", None, 1
