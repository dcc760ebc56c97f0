"""Secret redaction: what is removed from every text field before anything is stored (DESIGN §4).

``redact_text`` replaces each secret with a marker such as ``[REDACTED:aws-access-key]`` and
returns a record per marker: the field, the detector, where the secret started in the input
and how long it was. Never the value. The context around a secret stays: ``password=``,
``Bearer ``, a URL's scheme, user name and host.

``redact_value`` does the same for every string in a JSON value (the raw payload), and also
replaces wholesale a string whose key names a secret (``"password": "..."``), keeping only an
auth scheme (``Bearer``) in front.

Markers are never detected again, so redacting redacted text changes nothing. Every pattern is
bounded and anchored on a literal, so the cost is linear in the text's length (see
benchmarks/bench_redact.py for the figures).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from gatepost.evidence.assignments import (
    find_assignments,
    find_bearer_tokens,
    find_cli_passwords,
    keyword_hits,
)
from gatepost.evidence.detectors import (
    Hit,
    KeywordHit,
    find_private_keys,
    find_tokens,
    find_url_passwords,
)
from gatepost.evidence.entropy import find_context_secrets
from gatepost.evidence.names import secret_label
from gatepost.evidence.shape import is_placeholder

__all__ = ["DETECTORS", "MARKER", "Redaction", "redact_text", "redact_value"]

MARKER = "[REDACTED:{}]"
_MARKER_RE = re.compile(r"\[REDACTED:[a-z0-9\-]{1,40}\]")
_MIN_LEN = 6  # nothing shorter can hold a secret this module detects
_PASSES = 4

# Detector names, most specific first: when matches overlap, the merged span is named after
# the first of its detectors in this order.
DETECTORS = (
    "private-key",
    "gcp-service-account-key",
    "anthropic-key",
    "openai-key",
    "github-token",
    "gitlab-token",
    "slack-webhook",
    "slack-token",
    "stripe-key",
    "npm-token",
    "pypi-token",
    "aws-access-key",
    "gcp-api-key",
    "azure-storage-key",
    "azure-sas-token",
    "azure-client-secret",
    "jwt",
    "aws-secret-key",
    "url-password",
    "auth-header",
    "cookie",
    "cli-password",
    "password-assignment",
    "secret-assignment",
    "password-in-text",
    "high-entropy",
)
_RANK = {name: i for i, name in enumerate(DETECTORS)}

_FINDERS: tuple[Callable[[str, list[KeywordHit]], Iterable[Hit]], ...] = (
    find_tokens,
    find_private_keys,
    find_url_passwords,
    find_assignments,
    find_bearer_tokens,
    find_cli_passwords,
    find_context_secrets,
)


@dataclass(frozen=True, slots=True)
class Redaction:
    """One secret removed: in which field, found by which detector, where, and how long."""

    field: str  # JSONPath-like: "command", "raw.tool_input.command", "raw.edits[0].new_string"
    detector: str  # one of DETECTORS
    start: int  # offset of the secret in the field's original text
    length: int  # characters removed


Span = tuple[int, int, str]  # start, end, detector


def _spans(text: str) -> list[Span]:
    """The merged secret spans of ``text``, sorted, not overlapping, none touching a marker."""
    hits = keyword_hits(text)
    found = [h for finder in _FINDERS for h in finder(text, hits)]
    if found and "[REDACTED:" in text:
        found = _outside_markers(text, found)
    return _merge([(s, e, name) for s, e, name, _, _ in found])


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans become one, named after the most specific of their detectors."""
    spans.sort()
    merged: list[Span] = []
    for s, e, name in spans:
        if merged and s < merged[-1][1]:
            ps, pe, pname = merged[-1]
            best = name if _RANK[name] < _RANK[pname] else pname
            merged[-1] = (ps, max(pe, e), best)
        else:
            merged.append((s, e, name))
    return merged


def _outside_markers(text: str, found: list[Hit]) -> list[Hit]:
    """Drop every match that touches a marker: a marker and its context are already redacted."""
    starts: list[int] = []
    ends: list[int] = []
    for m in _MARKER_RE.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    if not starts:
        return found
    kept = []
    for hit in found:
        lo, hi = min(hit[0], hit[3]), max(hit[1], hit[4])
        i = bisect.bisect_left(ends, lo + 1)  # first marker that ends after lo
        if i < len(starts) and starts[i] < hi:
            continue
        kept.append(hit)
    return kept


def _render(text: str, spans: list[Span]) -> tuple[str, list[int], list[int]]:
    """The redacted text, with where each marker ends in it and the shift after each marker."""
    out: list[str] = []
    marker_ends: list[int] = []
    shifts: list[int] = []  # redacted position - original position, after each marker
    pos = size = 0
    for s, e, name in spans:
        marker = MARKER.format(name)
        out += (text[pos:s], marker)
        size += s - pos + len(marker)
        marker_ends.append(size)
        shifts.append(size - e)
        pos = e
    out.append(text[pos:])
    return "".join(out), marker_ends, shifts


def redact_text(text: str, field: str = "") -> tuple[str, tuple[Redaction, ...]]:
    """``text`` with every secret replaced by ``[REDACTED:<detector>]``, and what was removed.

    Removing a secret can change the context of what is left (a name that ran into a token,
    a command line that got shorter), so the redacted text is examined again until nothing
    more is found (at most ``_PASSES`` times, in practice twice): the result is a fixed point,
    and redacting it again changes nothing. Every record is in the input's coordinates.
    """
    if len(text) < _MIN_LEN:
        return text, ()
    spans = _spans(text)
    if not spans:
        return text, ()
    out, marker_ends, shifts = _render(text, spans)
    for _ in range(_PASSES - 1):
        more = _spans(out)
        if not more:
            break
        for s, e, name in more:  # outside every marker: map back to the input's coordinates
            i = bisect.bisect_right(marker_ends, s)
            shift = shifts[i - 1] if i else 0
            spans.append((s - shift, e - shift, name))
        spans = _merge(spans)
        out, marker_ends, shifts = _render(text, spans)
    return out, tuple(Redaction(field, name, s, e - s) for s, e, name in spans)


_SCHEME = re.compile(r"(?i:bearer|basic|token|bot)[ \t]{1,8}+")


def _redact_secret_field(value: str, field: str, label: str) -> tuple[str, tuple[Redaction, ...]]:
    """A string under a secret key: all of it goes (after an auth scheme such as ``Bearer``).

    The record names the detector that recognises the value when one does (``github-token``),
    else the key's own (``password-assignment`` for ``"DB_PASSWORD"``).
    """
    scheme = _SCHEME.match(value)
    start = scheme.end() if scheme is not None else 0
    secret = value[start:]
    if _MARKER_RE.fullmatch(secret):
        return value, ()
    _, found = redact_text(secret, field)
    if len(found) == 1 and found[0].start == 0 and found[0].length == len(secret):
        label = found[0].detector
    return value[:start] + MARKER.format(label), (Redaction(field, label, start, len(secret)),)


def _is_secret_value(value: str) -> bool:
    stripped = value.strip()
    return len(stripped) >= 4 and not is_placeholder(stripped) and not _MARKER_RE.fullmatch(value)


def redact_value(obj: Any, field: str = "") -> tuple[Any, tuple[Redaction, ...]]:
    """A copy of a JSON value (dicts, lists, tuples, strings, scalars) with every string redacted.

    ``field`` names ``obj``; a nested string's field is its path, such as
    ``raw.tool_input.command`` or ``raw.edits[2].new_string``. Keys are kept as they are.
    """
    records: list[Redaction] = []
    return _walk(obj, field, records), tuple(records)


def _walk(obj: Any, field: str, records: list[Redaction]) -> Any:
    if isinstance(obj, str):
        text, found = redact_text(obj, field)
        records.extend(found)
        return text
    if isinstance(obj, dict):
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            path = f"{field}.{key}" if field else str(key)
            label = secret_label(str(key)) if isinstance(value, str) else None
            if label is not None and _is_secret_value(value):
                redacted, found = _redact_secret_field(value, path, label)
                records.extend(found)
                out[key] = redacted
            else:
                out[key] = _walk(value, path, records)
        return out
    if isinstance(obj, (list, tuple)):
        items = [_walk(v, f"{field}[{i}]", records) for i, v in enumerate(obj)]
        return tuple(items) if isinstance(obj, tuple) else items
    return obj
