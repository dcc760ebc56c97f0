"""Canonical JSON of the frozen models, and decoding back, fast (DESIGN §4, §6).

The same results as ``gatepost.codec.to_dict`` / ``from_dict`` followed by ``json.dumps`` with
sorted keys, no whitespace and ASCII only (tests/evidence/test_chain.py holds them equal), at a
fraction of the cost: the store converts every event it writes or reads, and the generic codec
inspects type hints for every value (~150 µs per event) where these compile one small function
per type, once (~15 µs). A value whose runtime type is not the annotated one takes the generic
path, so the output never depends on the annotations being right.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Collection, Mapping
from enum import Enum
from functools import cache
from typing import Any

from gatepost.codec import field_types, is_any
from gatepost.errors import PayloadError

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _json_default(obj: Any) -> Any:
    kind = type(obj)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(obj):
            if isinstance(obj, Enum):
                return obj.value
            raise TypeError(f"{kind.__name__} is not JSON serializable")
        names = tuple(f.name for f in dataclasses.fields(obj))
        _FIELD_NAMES[kind] = names
    return {name: getattr(obj, name) for name in names}


_string: Callable[[str], str] = json.encoder.encode_basestring_ascii


def _generic_encoder() -> Callable[[Any], str]:
    """The generic canonical encoder: enums (all str enums here) are written as their value.

    ``JSONEncoder.encode`` builds a new C encoder on every call; this builds it once (checked
    against ``JSONEncoder`` at import, which is used instead should the private API differ).
    """
    slow = json.JSONEncoder(
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
        default=_json_default,
    ).encode
    make = getattr(json.encoder, "c_make_encoder", None)
    try:
        encoder = make(None, _json_default, _string, None, ":", ",", True, False, False)  # type: ignore[misc]
    except TypeError:
        return slow

    def fast(value: Any) -> str:
        return "".join(encoder(value, 0))

    probe = {"b": [1.5, "\u00e9\x00", None, True, 10**20], "a": {"z": -0.0, "y": ""}}
    return fast if fast(probe) == slow(probe) else slow


_generic = _generic_encoder()


@cache
def _json_writer(tp: Any) -> Callable[[Any], str]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if len(args) == 2 and type(None) in args:
            inner = _json_writer(next(a for a in args if a is not type(None)))
            return lambda v: "null" if v is None else inner(v)
    if origin is tuple and typing.get_args(tp)[1:] == (Ellipsis,):
        item = _json_writer(typing.get_args(tp)[0])
        if tp == tuple[str, ...]:
            item = _json_writer(str)

        def write_tuple(v: Any) -> str:
            if type(v) is not tuple:
                return _generic(v)
            return "[" + ",".join(map(item, v)) + "]" if v else "[]"

        return write_tuple
    if dataclasses.is_dataclass(tp):
        return dataclass_writer(typing.cast(type, tp))
    if tp is str:
        return lambda v: _string(v) if type(v) is str else _generic(v)
    return _generic  # int, bool, float, enums, dict, Any


# A scalar field's JSON, inline in the generated writer: the fast path when the value has the
# annotated type exactly, the generic encoder otherwise.
_INLINE = {
    str: "(S({x}) if type({x}) is str else G({x}))",
    int: "(R({x}) if type({x}) is int else G({x}))",
    bool: "(('true' if {x} else 'false') if type({x}) is bool else G({x}))",
    float: "(F({x}) if type({x}) is float and {x} - {x} == 0 else G({x}))",  # finite only
}
_INLINE_STR_ENUM = "(S({x}) if isinstance({x}, str) else G({x}))"  # a str enum's value


def _template(hint: Any, writer: str, scope: dict[str, Any]) -> str:
    """The expression writing a field of type ``hint`` held in ``{x}``; ``writer`` is the name
    under which a helper writer may be put in ``scope``."""
    if hint in _INLINE:
        return _INLINE[hint]
    if isinstance(hint, type) and issubclass(hint, Enum) and issubclass(hint, str):
        return _INLINE_STR_ENUM
    scope[writer] = _json_writer(hint)
    origin = typing.get_origin(hint)
    if origin is tuple:
        return f"('[]' if {{x}} == () else {writer}({{x}}))"
    if origin is dict:
        return "('{{}}' if type({x}) is dict and not {x} else G({x}))"
    if origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(hint):
        return f"('null' if {{x}} is None else {writer}({{x}}))"
    return f"{writer}({{x}})"


def dataclass_writer(cls: type, *, exclude: Collection[str] = ()) -> Callable[[Any], str]:
    """``write(obj) -> str``: the canonical JSON of an instance of ``cls`` (without the fields
    in ``exclude``). Generated code, as dataclasses generates its own ``__init__``: fields in
    sorted order, scalars written inline."""
    if exclude:
        return _dataclass_writer(cls, frozenset(exclude))
    return _cached_dataclass_writer(cls)


@cache
def _cached_dataclass_writer(cls: type) -> Callable[[Any], str]:
    return _dataclass_writer(cls, frozenset())


def _dataclass_writer(cls: type, exclude: frozenset[str]) -> Callable[[Any], str]:
    hints = field_types(cls)
    names = sorted(f.name for f in dataclasses.fields(cls) if f.name not in exclude)
    scope: dict[str, Any] = {
        "cls": cls,
        "G": _generic,
        "S": _string,
        "R": int.__repr__,
        "F": float.__repr__,
    }
    # Another type where cls is expected: the generic encoder, unless some fields are left
    # out, which only cls itself says how to do.
    fallback = "raise TypeError(f'expected {cls.__name__}')" if exclude else "return G(v)"
    lines = ["def write(v):", "    if type(v) is not cls:", f"        {fallback}"]
    pieces = []
    for i, name in enumerate(names):
        lines.append(f"    x{i} = v.{name}")
        key = ("," if i else "{") + _string(name) + ":"
        pieces += [repr(key), _template(hints[name], f"w{i}", scope).format(x=f"x{i}")]
    lines.append("    return ''.join((" + ", ".join([*pieces, "'}'"]) + "))" if pieces else "'{}'")
    exec("\n".join(lines), scope)
    write: Callable[[Any], str] = scope["write"]
    return write


def split_writer(
    cls: type,
    *,
    exclude: Collection[str] = (),
    leave_out: Collection[str] = (),
    split: Mapping[str, Callable[[Any], tuple[str, str]]] | None = None,
) -> Callable[[Any], tuple[str, str]]:
    """``write(obj) -> (json, part)``: the canonical JSON of an instance of ``cls`` without the
    fields in ``exclude`` (as ``dataclass_writer``), and, in the same pass, the JSON of a part
    of it: without the fields in ``leave_out`` either, and with the part of each field named in
    ``split``, which that field's own split writer gives. TypeError for another type."""
    hints = field_types(cls)
    splits = split or {}
    names = sorted(f.name for f in dataclasses.fields(cls) if f.name not in exclude)
    scope: dict[str, Any] = {"cls": cls, "G": _generic, "S": _string}
    scope.update(R=int.__repr__, F=float.__repr__)
    lines = ["def write(v):", "    if type(v) is not cls:", "        raise TypeError(cls.__name__)"]
    whole: list[str] = []
    part: list[str] = []
    for i, name in enumerate(names):
        lines.append(f"    x{i} = v.{name}")
        if name in splits:
            scope[f"s{i}"] = splits[name]
            lines.append(f"    f{i}, p{i} = s{i}(x{i})")
        else:
            lines.append(
                f"    f{i} = p{i} = " + _template(hints[name], f"w{i}", scope).format(x=f"x{i}")
            )
        whole += [repr(("," if whole else "{") + _string(name) + ":"), f"f{i}"]
        if name not in leave_out:
            part += [repr(("," if part else "{") + _string(name) + ":"), f"p{i}"]
    joined = [
        "''.join((" + ", ".join([*pieces, "'}'"]) + "))" if pieces else "'{}'"
        for pieces in (whole, part)
    ]
    lines.append(f"    return ({joined[0]}, {joined[1]})")
    exec("\n".join(lines), scope)
    write: Callable[[Any], tuple[str, str]] = scope["write"]
    return write


def _identity(value: Any) -> Any:
    return value


@cache
def decoder(tp: Any) -> Callable[[Any], Any]:
    origin = typing.get_origin(tp)
    if is_any(tp):
        return _identity
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        inner = decoder(next(a for a in args if a is not type(None)))
        if type(None) not in args:
            return inner
        return lambda v: None if v is None else inner(v)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_decoder(tp)
    if dataclasses.is_dataclass(tp):
        return _dataclass_decoder(typing.cast(type, tp))
    if origin is tuple:
        item = decoder(typing.get_args(tp)[0])

        def decode_tuple(v: Any) -> Any:
            if type(v) is not list and type(v) is not tuple:
                raise PayloadError(f"expected an array, got {type(v).__name__}")
            return tuple(map(item, v))

        return decode_tuple
    if origin is dict:

        def decode_dict(v: Any) -> Any:
            if type(v) is not dict:
                raise PayloadError(f"expected an object, got {type(v).__name__}")
            return dict(v)

        return decode_dict
    if tp is float:

        def decode_float(v: Any) -> Any:
            if type(v) is not float and type(v) is not int:
                raise PayloadError(f"expected a number, got {type(v).__name__}")
            return float(v)

        return decode_float
    if tp in (str, int, bool):

        def decode_simple(v: Any) -> Any:
            if type(v) is not tp:
                raise PayloadError(f"expected {tp.__name__}, got {type(v).__name__}")
            return v

        return decode_simple
    raise PayloadError(f"unsupported type {tp!r}")  # pragma: no cover


def _enum_decoder(tp: type[Enum]) -> Callable[[Any], Any]:
    def decode_enum(v: Any) -> Any:
        try:
            return tp(v)
        except ValueError:
            raise PayloadError(f"{v!r} is not a {tp.__name__}") from None

    return decode_enum


def _dataclass_decoder(cls: type) -> Callable[[Any], Any]:
    hints = field_types(cls)
    plan = {f.name: decoder(hints[f.name]) for f in dataclasses.fields(cls)}

    def decode_dataclass(v: Any) -> Any:
        if type(v) is not dict:
            raise PayloadError(f"{cls.__name__}: expected an object, got {type(v).__name__}")
        try:
            return cls(**{k: plan[k](x) for k, x in v.items()})
        except KeyError as exc:
            raise PayloadError(f"{cls.__name__}: unknown field {exc.args[0]}") from None
        except TypeError as exc:
            raise PayloadError(f"{cls.__name__}: {exc}") from None
        except PayloadError as exc:
            raise PayloadError(f"{cls.__name__}: {exc}") from None

    return decode_dataclass
