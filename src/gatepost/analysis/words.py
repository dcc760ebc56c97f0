"""Shell word evaluation: quote removal, backslash escapes, ``$'...'`` strings.

A word is ``(value, dynamic, glob, raw)``: the text the shell would pass (unresolved expansions
left as written), whether it holds an unresolved expansion, whether it holds an unquoted glob
character, and the text as written.
"""

from __future__ import annotations

from typing import Any

Word = tuple[str, bool, bool, str]

# Variables whose value analysis knows (expanded later, for path purposes).
RESOLVED_VARS = frozenset({"$HOME", "${HOME}"})
SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})

_ANSI_SIMPLE = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_HEX = frozenset("0123456789abcdefABCDEF")
_OCT = frozenset("01234567")


def literal(value: str) -> Word:
    return (value, False, False, value)


def is_assignment(word: str) -> bool:
    """``NAME=value``: a variable assignment, not a program or an argument."""
    name, eq, _ = word.partition("=")
    return bool(eq) and bool(name) and not name[0].isdigit() and name.replace("_", "a").isalnum()


def text_of(node: Any, src: bytes | None = None) -> str:
    """A node's text, read from ``src`` (the original bytes) when the parser saw a copy."""
    data: bytes = node.text if src is None else src[node.start_byte : node.end_byte]
    return data.decode("utf-8", "replace")


def unescape_unquoted(text: str) -> str:
    """Backslash outside quotes: ``\\x`` -> ``x``, backslash-newline removed."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def unescape_dquoted(text: str) -> str:
    """Backslash inside double quotes escapes only ``$ ` " \\`` and newline."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def decode_ansi_c(body: str) -> str:
    """The value of ``$'body'`` (bash rules; the value stops at a NUL)."""
    if "\\" not in body:
        return body
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        i += 2
        if e in _ANSI_SIMPLE:
            out.append(_ANSI_SIMPLE[e])
            continue
        if e in _OCT:
            j = i
            while j < n and j < i + 2 and body[j] in _OCT:
                j += 1
            code = int(e + body[i:j], 8) & 0xFF
            i = j
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            j = i
            while j < n and j < i + width and body[j] in _HEX:
                j += 1
            if j == i:
                out.append("\\" + e)
                continue
            code = int(body[i:j], 16)
            i = j
        elif e == "c" and i < n:
            code = ord(body[i]) & 0x1F
            i += 1
        else:
            out.append("\\" + e)
            continue
        if code == 0:
            break
        out.append(chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd")
    return "".join(out)


def evaluate(node: Any, subs: list[Any], src: bytes | None = None) -> Word:
    """Evaluate one word node; substitution nodes met on the way are appended to ``subs``."""
    raw = text_of(node, src)
    t = node.type
    if t == "word":
        return (unescape_unquoted(raw), False, "*" in raw or "?" in raw or "[" in raw, raw)
    if t == "raw_string":
        return (raw[1:-1], False, False, raw)
    parts: list[str] = []
    dynamic, glob = _eval(node, parts, subs, src)
    return ("".join(parts), dynamic, glob, raw)


def _eval(node: Any, out: list[str], subs: list[Any], src: bytes | None) -> tuple[bool, bool]:
    t = node.type
    if t == "word":
        text = text_of(node, src)
        out.append(unescape_unquoted(text))
        return False, "*" in text or "?" in text or "[" in text
    if t == "raw_string":
        out.append(text_of(node, src)[1:-1])
        return False, False
    if t == "string":
        dynamic = False
        for child in node.children:
            ct = child.type
            if ct == '"':
                continue
            if ct == "string_content":
                out.append(unescape_dquoted(text_of(child, src)))
            else:
                d, _ = _eval(child, out, subs, src)
                dynamic = dynamic or d
        return dynamic, False
    if t == "ansi_c_string":
        out.append(decode_ansi_c(text_of(node, src)[2:-1]))
        return False, False
    if t in ("concatenation", "command_name"):
        dynamic = glob = False
        for child in node.children:
            if child.type == "$" and not child.is_named:
                out.append("$")
                continue
            d, g = _eval(child, out, subs, src)
            dynamic, glob = dynamic or d, glob or g
        return dynamic, glob
    text = text_of(node, src)
    out.append(text)
    if t in SUBSTITUTIONS:
        subs.append(node)
        return True, False
    if "$(" in text or "`" in text or "<(" in text or ">(" in text:
        find_substitutions(node, subs)
    if t in ("simple_expansion", "expansion"):
        return text not in RESOLVED_VARS, False
    if t == "arithmetic_expansion":
        return True, False
    if t == "extglob_pattern":
        return False, True
    return False, False


def find_substitutions(node: Any, subs: list[Any]) -> None:
    """Append the outermost substitution nodes below ``node``."""
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if child.type in SUBSTITUTIONS:
            subs.append(child)
        else:
            stack.extend(reversed(child.children))
