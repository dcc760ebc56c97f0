"""Lossless conversion between the frozen models and plain JSON, and their JSON Schema.

One generic converter driven by the dataclasses' type hints, so a field added to a model is
carried through JSON and the schema without further code.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from gatepost.errors import PayloadError

T = TypeVar("T")


def to_dict(obj: Any) -> Any:
    """Plain JSON-ready structure of a model (tuples become lists, enums their values)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (tuple, list)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    return obj


def dumps(obj: Any, *, indent: int | None = None) -> str:
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False, sort_keys=False)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_dict(cls: type[T], data: Any, *, where: str = "$") -> T:
    """Build a model of type ``cls`` from plain data; raises PayloadError naming the field."""
    return typing.cast(T, _convert(cls, data, where))


def loads(cls: type[T], text: str) -> T:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"not valid JSON: {exc}") from exc
    return from_dict(cls, data)


def _convert(tp: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if tp is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if data is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], data, where)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(data)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            raise PayloadError(f"{where}: {data!r} is not one of {allowed}") from None
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise PayloadError(f"{where}: expected an object, got {type(data).__name__}")
        hints = _hints(typing.cast(type, tp))
        names = {f.name for f in dataclasses.fields(tp)}
        unknown = set(data) - names
        if unknown:
            raise PayloadError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        kwargs = {k: _convert(hints[k], v, f"{where}.{k}") for k, v in data.items()}
        try:
            return typing.cast(Any, tp)(**kwargs)
        except TypeError as exc:
            raise PayloadError(f"{where}: {exc}") from None
    if origin is tuple:
        if not isinstance(data, (list, tuple)):
            raise PayloadError(f"{where}: expected an array")
        (item,) = typing.get_args(tp)[:1]
        return tuple(_convert(item, v, f"{where}[{i}]") for i, v in enumerate(data))
    if origin is dict:
        if not isinstance(data, dict):
            raise PayloadError(f"{where}: expected an object")
        value = typing.get_args(tp)[1] if typing.get_args(tp) else Any
        if value is Any:
            return dict(data)
        return {k: _convert(value, v, f"{where}.{k}") for k, v in data.items()}
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise PayloadError(f"{where}: expected a number")
        return float(data)
    if tp in (str, int, bool):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise PayloadError(f"{where}: expected {tp.__name__}, got {type(data).__name__}")
        return data
    raise PayloadError(f"{where}: unsupported type {tp!r}")  # pragma: no cover


# ---------------------------------------------------------------------------- JSON Schema


def json_schema(cls: type, *, title: str = "") -> dict[str, Any]:
    """JSON Schema (2020-12) of a model, with every nested model under ``$defs``."""
    defs: dict[str, Any] = {}
    root = _schema(cls, defs)
    out: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title or cls.__name__,
    }
    out.update(defs.pop(cls.__name__) if "$ref" in root else root)
    out["$defs"] = defs
    return out


def _schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if tp is Any:
        return {}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema(a, defs) for a in typing.get_args(tp)]}
    if tp is type(None):
        return {"type": "null"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"enum": [m.value for m in tp]}
    if dataclasses.is_dataclass(tp):
        name = typing.cast(type, tp).__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = _hints(typing.cast(type, tp))
            props = {f.name: _schema(hints[f.name], defs) for f in dataclasses.fields(tp)}
            required = [
                f.name
                for f in dataclasses.fields(tp)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            ]
            body: dict[str, Any] = {
                "type": "object",
                "properties": props,
                "additionalProperties": False,
            }
            if required:
                body["required"] = required
            if tp.__doc__ and not tp.__doc__.startswith(name + "("):
                body["description"] = tp.__doc__.strip().splitlines()[0]
            defs[name] = body
        return {"$ref": f"#/$defs/{name}"}
    if origin is tuple:
        return {"type": "array", "items": _schema(typing.get_args(tp)[0], defs)}
    if origin is dict:
        return {"type": "object"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    return {"type": simple[tp]}
