"""Reading a hook payload so that no value in it can stop the evidence behind it.

JSON as agents send it may hold what an event cannot: numbers JSON itself has no room for
(``NaN``, ``Infinity``, ``1e999``, integers of thousands of digits), lone UTF-16 surrogates
(``"\\ud800"``), nesting deep enough to exhaust recursion, and strings of megabytes. Each is
normalized here, where the payload is read, and noted in the payload under ``NOTES_KEY`` so the
event says what was changed: a non-finite or oversize number is kept as its text, a lone
surrogate becomes U+FFFD, a value nested deeper than ``MAX_DEPTH`` is cut to a marker, a string
longer than ``MAX_STRING`` characters is cut with a marker.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from gatepost.errors import PayloadError

MAX_DEPTH = 64
MAX_STRING = 1 << 20  # characters
NOTES_KEY = "_gatepost_normalized"
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_payload(text: str) -> Any:
    """The JSON value of ``text``, normalized. Raises json.JSONDecodeError for text that is not
    JSON, PayloadError for nesting too deep for the parser itself."""
    notes: list[str] = []

    def constant(name: str) -> str:
        notes.append(f"non-finite number {name} kept as text")
        return name

    def number(kind: str) -> Any:
        def parse(s: str) -> Any:
            try:
                value = float(s) if kind == "float" else int(s)
            except ValueError:  # an integer past int's digit limit
                value = math.inf
            if isinstance(value, float) and not math.isfinite(value):
                notes.append(f"number {s[:40]}{'...' if len(s) > 40 else ''} kept as text")
                return s
            return value

        return parse

    try:
        value = json.loads(
            text, parse_constant=constant, parse_float=number("float"), parse_int=number("int")
        )
    except RecursionError:
        raise PayloadError("payload is nested too deeply to be read") from None
    value = _clean(value, 0, notes)
    if notes and isinstance(value, dict):
        value[NOTES_KEY] = notes[:100] + (
            [f"... {len(notes) - 100} more"] if len(notes) > 100 else []
        )
    return value


def _clean(value: Any, depth: int, notes: list[str]) -> Any:
    if isinstance(value, str):
        return _clean_text(value, notes)
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        notes.append(f"nesting deeper than {MAX_DEPTH} cut")
        return f"[gatepost: nesting deeper than {MAX_DEPTH} cut]"
    if isinstance(value, dict):
        return {_clean_text(k, notes): _clean(v, depth + 1, notes) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, depth + 1, notes) for v in value]
    return value


def _clean_text(text: str, notes: list[str]) -> str:
    if not text.isascii() and _SURROGATE.search(text):
        notes.append("lone surrogate replaced by U+FFFD")
        text = _SURROGATE.sub("\ufffd", text)
    if len(text) > MAX_STRING:
        notes.append(f"string of {len(text)} characters cut to {MAX_STRING}")
        text = text[:MAX_STRING] + f"[gatepost: {len(text) - MAX_STRING} characters cut]"
    return text
