"""Canonical JSON: the one text the hash chain covers (DESIGN §4, §6).

A model becomes plain data through ``gatepost.codec.to_dict`` (enums as their values, tuples as
arrays), then JSON with sorted keys, no whitespace and ASCII only (every other character
escaped); NaN and infinity are refused. These options are the chain's format: stored chains
verify only while the bytes stay the same (tests/evidence/test_golden_chain.py).
"""

from __future__ import annotations

import json
from typing import Any

from gatepost import codec


def canonical_json(value: Any) -> str:
    """The canonical JSON of a model or plain data; ValueError for NaN or infinity, TypeError
    for a value JSON cannot carry."""
    return json.dumps(
        codec.to_dict(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
    )
