"""Lossless conversion between the frozen models and plain JSON, and their JSON Schema.

One generic converter driven by the dataclasses' type hints (``typing.get_type_hints``, read
once per class), so a field added to a model is carried through JSON and the schema without
further code.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from enum import Enum, EnumType
from functools import cache
from typing import Any, TypeVar

from gatepost.errors import PayloadError

T = TypeVar("T")
_Converter = Callable[[Any], Any]


@cache
def field_names(cls: type) -> tuple[str, ...]:
    """The names of a dataclass's fields, in order."""
    return tuple(f.name for f in dataclasses.fields(cls))


@cache
def field_types(cls: type) -> dict[str, Any]:
    """The fields' types, as ``typing.get_type_hints`` gives them (kept per class)."""
    return typing.get_type_hints(cls)


def to_dict(obj: Any) -> Any:
    """Plain JSON-ready structure of a model (tuples become lists, enums their values)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: to_dict(getattr(obj, name)) for name in field_names(type(obj))}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (tuple, list)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    return obj


def dumps(obj: Any, *, indent: int | None = None) -> str:
    return json.dumps(to_dict(obj), indent=indent, ensure_ascii=False, sort_keys=False)


def from_dict(cls: type[T], data: Any, *, where: str = "$") -> T:
    """Build a model of type ``cls`` from plain data; raises PayloadError naming the field."""
    try:
        model: T = _converter(cls)(data)
        return model
    except _Invalid as exc:
        message = f"{where}{''.join(reversed(exc.path))}: {exc.message}"
    raise PayloadError(message)


def loads(cls: type[T], text: str) -> T:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"not valid JSON: {exc}") from exc
    return from_dict(cls, data)


# ---------------------------------------------------------------------------- decoding
#
# from_dict runs one converter per type, built once on first use and kept in _CONVERTERS,
# instead of re-deriving origin, arguments and fields of the type for every value: a cold hook
# decodes its whole cached PolicySet this way. Converters take only the value; where a value
# does not fit they raise _Invalid, and each enclosing object or array adds its step of the
# path as that unwinds, so a path is only ever put together for an error.

_NoneType = type(None)


class _Invalid(Exception):
    """A value that does not fit its type; ``path`` collects the steps to it, innermost first."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.path: list[str] = []


_CONVERTERS: dict[Any, _Converter] = {}


def _converter(tp: Any) -> _Converter:
    try:
        return _CONVERTERS[tp]
    except KeyError:
        convert = _CONVERTERS[tp] = _build(tp)
        return convert
    except TypeError:  # an unhashable annotation: not kept
        return _build(tp)


def _identity(data: Any) -> Any:
    return data


def _build(tp: Any) -> _Converter:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return _identity
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in args if a is not _NoneType))
        if _NoneType not in args:
            return inner

        def convert_optional(data: Any) -> Any:
            return None if data is None else inner(data)

        return convert_optional
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_converter(tp)
    if dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    if origin is tuple:
        return _tuple_converter(args[:1])
    if origin is dict:
        return _dict_converter(args)
    if tp is float:
        return _convert_float
    if tp is str or tp is int or tp is bool:
        return _SIMPLE[tp]
    message = f"unsupported type {tp!r}"

    def unsupported(data: Any) -> Any:
        raise _Invalid(message)

    return unsupported


def _enum_converter(tp: type[Enum]) -> _Converter:
    # the member lookup Enum.__new__ starts with, without the call; any miss takes the call
    members = tp._value2member_map_ if type(tp) is EnumType else {}

    def convert_enum(data: Any) -> Any:
        try:
            return members[data]
        except (KeyError, TypeError):
            pass
        try:
            return tp(data)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            raise _Invalid(f"{data!r} is not one of {allowed}") from None

    return convert_enum


def _dataclass_converter(cls: Any) -> _Converter:
    # the plan (a converter per field) is made on first use: a class only named by a type
    # costs nothing until a value of it comes, and recursive models need no special case
    plan: dict[str, tuple[Any, _Converter]] = {}
    names: frozenset[str] | None = None

    def convert_dataclass(data: Any) -> Any:
        nonlocal names
        if not isinstance(data, dict):
            raise _Invalid(f"expected an object, got {type(data).__name__}")
        if names is None:
            hints = field_types(cls)
            fields = dataclasses.fields(cls)
            plan.update((f.name, _step(hints[f.name])) for f in fields)
            names = frozenset(f.name for f in fields)
        if not names.issuperset(data):
            unknown = set(data) - names
            raise _Invalid(f"unknown field(s) {', '.join(sorted(unknown))}")
        kwargs = {}
        try:
            for key, value in data.items():
                exact, convert = plan[key]
                kwargs[key] = value if type(value) is exact else convert(value)
        except _Invalid as exc:
            exc.path.append(f".{key}")
            raise
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise _Invalid(str(exc)) from None

    return convert_dataclass


def _step(tp: Any) -> tuple[Any, _Converter]:
    """The converter of ``tp`` and the type whose values it returns unchanged (or None)."""
    exact = tp if tp is str or tp is int or tp is bool else None
    return exact, _converter(tp)


def _tuple_converter(items: tuple[Any, ...]) -> _Converter:
    if not items:  # a bare tuple: fails as ``(item,) = items`` does, after the array check

        def convert_bare(data: Any) -> Any:
            if not isinstance(data, (list, tuple)):
                raise _Invalid("expected an array")
            (_,) = items
            return ()  # pragma: no cover

        return convert_bare
    if items[0] is Any:

        def convert_any(data: Any) -> Any:
            if not isinstance(data, (list, tuple)):
                raise _Invalid("expected an array")
            return tuple(data)

        return convert_any
    exact, item = _step(items[0])

    def convert_tuple(data: Any) -> Any:
        if not isinstance(data, (list, tuple)):
            raise _Invalid("expected an array")
        if exact is not None:
            for value in data:
                if type(value) is not exact:
                    break
            else:
                return tuple(data)
        out: list[Any] = []
        try:
            for value in data:
                out.append(item(value))
        except _Invalid as exc:
            exc.path.append(f"[{len(out)}]")
            raise
        return tuple(out)

    return convert_tuple


def _dict_converter(args: tuple[Any, ...]) -> _Converter:
    try:
        value_type = args[1] if args else Any
    except IndexError:  # dict[K]: fails as indexing its arguments does, after the object check

        def convert_short(data: Any) -> Any:
            if not isinstance(data, dict):
                raise _Invalid("expected an object")
            return args[1]

        return convert_short
    if value_type is Any:

        def convert_any(data: Any) -> Any:
            if not isinstance(data, dict):
                raise _Invalid("expected an object")
            return dict(data)

        return convert_any
    convert_value = _converter(value_type)

    def convert_dict(data: Any) -> Any:
        if not isinstance(data, dict):
            raise _Invalid("expected an object")
        out = {}
        try:
            for key, value in data.items():
                out[key] = convert_value(value)
        except _Invalid as exc:
            exc.path.append(f".{key}")
            raise
        return out

    return convert_dict


def _convert_float(data: Any) -> Any:
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise _Invalid("expected a number")
    return float(data)


def _convert_str(data: Any) -> Any:
    if isinstance(data, str):
        return data
    raise _Invalid(f"expected str, got {type(data).__name__}")


def _convert_int(data: Any) -> Any:
    if type(data) is int or (isinstance(data, int) and not isinstance(data, bool)):
        return data
    raise _Invalid(f"expected int, got {type(data).__name__}")


def _convert_bool(data: Any) -> Any:
    if isinstance(data, bool):
        return data
    raise _Invalid(f"expected bool, got {type(data).__name__}")


_SIMPLE: dict[Any, _Converter] = {str: _convert_str, int: _convert_int, bool: _convert_bool}


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
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return {}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema(a, defs) for a in args]}
    if tp is type(None):
        return {"type": "null"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"enum": [m.value for m in tp]}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = field_types(tp)
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
        return {"type": "array", "items": _schema(args[0], defs)}
    if origin is dict:
        return {"type": "object"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    return {"type": simple[tp]}
