"""Canonical JSON: the one text the hash chain covers (DESIGN §4, §6).

``json.dumps`` with sorted keys, no whitespace and ASCII only (every other character escaped),
NaN and infinity refused; a model is written as its fields (``codec.field_names``), an enum as
its value. For models and str-keyed data that is ``json.dumps(codec.to_dict(value), ...)`` with
the same options, written without first copying every value into plain data. These options
are the chain's format: stored chains verify only while the bytes stay the same
(tests/evidence/test_golden_chain.py).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from enum import Enum
from operator import attrgetter
from typing import Any

from gatepost.codec import field_names


def fields_of(obj: Any, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A model's fields by name (TypeError for anything else), without those in ``leave_out``."""
    try:
        names, read = _READERS[type(obj)]
    except KeyError:
        names, read = _READERS.setdefault(type(obj), _reader(type(obj)))
    values = dict(zip(names, read(obj), strict=True))
    for name in leave_out:
        del values[name]
    return values


_READERS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _reader(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not JSON serializable")
    names = field_names(cls)
    if len(names) == 1:
        single = attrgetter(names[0])
        return names, lambda obj: (single(obj),)
    return names, attrgetter(*names) if names else lambda obj: ()


def _default(obj: Any) -> Any:
    reader = _READERS.get(type(obj))
    if reader is not None:
        return dict(zip(reader[0], reader[1](obj), strict=True))
    return obj.value if isinstance(obj, Enum) else fields_of(obj)


_ENCODER = json.JSONEncoder(
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=True,
    allow_nan=False,
    check_circular=False,  # models are trees, and a plain value from JSON is one too
    default=_default,
)


def canonical_json(value: Any) -> str:
    """The canonical JSON of a model or plain data; ValueError for NaN or infinity, TypeError
    for a value JSON cannot carry."""
    return _ENCODER.encode(value)
