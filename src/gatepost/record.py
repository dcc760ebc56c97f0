"""``@record``: gatepost's frozen model classes, made without dataclasses' generic machinery.

``@dataclass(frozen=True, slots=True)`` costs about 110 µs a class: it checks every
annotation string for ``ClassVar`` and ``InitVar`` with regular expressions, writes out the
source of six methods, and creates the class a second time for its slots. A hook without the
resident process creates three dozen model classes on every call. ``record`` makes the same
frozen dataclass for what the models use: fields with a default, or with
``field(default_factory=..., repr=...)``, and ``__post_init__``. The class is a dataclass
(``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass`` work on it, and type
checkers see one), with the ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__``, ``__delattr__`` and ``__match_args__`` that ``dataclass(frozen=True)`` gives;
it has no ``__slots__``. Anything else (a base class that is a dataclass, ``ClassVar``,
``InitVar``, ``KW_ONLY``, other field options, a class without a docstring) is refused with a
TypeError when the class is made. The methods' code comes from :mod:`gatepost._classcode`,
compiled once per installation.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, Field, FrozenInstanceError, field

from gatepost._classcode import compiled

TYPE_CHECKING = False  # not typing's: a cold hook does not import typing
if TYPE_CHECKING:
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")
else:

    def dataclass_transform(**kwargs: object) -> object:  # what type checkers read; no-op
        return lambda decorated: decorated


@dataclasses.dataclass(frozen=True)
class _Template:
    """What dataclasses marks its frozen classes and their fields with."""

    x: int = 0


_PARAMS = _Template.__dataclass_params__  # type: ignore[attr-defined]
_FIELD_TYPE = dataclasses.fields(_Template)[0]._field_type  # type: ignore[attr-defined]
_FIELD_DEFAULTS = field()
_FIXED = ("init", "hash", "compare", "metadata", "kw_only")  # field options a record leaves be


class _HasDefaultFactory:
    def __repr__(self) -> str:
        return "<factory>"


_HAS_DEFAULT_FACTORY = _HasDefaultFactory()


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T]) -> type[T]:
    """Make ``cls`` a frozen dataclass (see the module's docstring)."""
    if not cls.__dict__.get("__doc__"):
        raise TypeError(f"record {cls.__qualname__} needs a docstring")
    for base in cls.__mro__[1:]:
        if "__dataclass_fields__" in base.__dict__:
            raise TypeError(f"record {cls.__qualname__}: a dataclass base is not supported")
    fields: dict[str, Field[Any]] = {}
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect is deferred)
    for name, annotation in annotations.items():
        text = annotation if isinstance(annotation, str) else repr(annotation)
        if any(w in text for w in ("ClassVar", "InitVar", "KW_ONLY")):
            raise TypeError(f"record {cls.__qualname__}.{name}: {text} is not supported")
        fields[name] = _field(cls, name, annotation)
    names = tuple(fields)
    namespace: dict[str, Any] = {}
    exec(compiled(_source(cls, fields)), {"__name__": cls.__module__}, namespace)
    defaults = [f.default_factory if f.default is MISSING else f.default for f in fields.values()]
    methods = namespace["__create_fn__"](
        cls, names, FrozenInstanceError, _HAS_DEFAULT_FACTORY, *defaults
    )
    for method in methods:
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
    setattr(cls, "__match_args__", names)  # noqa: B010 (mypy refuses the assignment)
    cls.__dataclass_fields__ = fields  # type: ignore[attr-defined]
    cls.__dataclass_params__ = _PARAMS  # type: ignore[attr-defined]
    return cls


def _field(cls: type, name: str, annotation: Any) -> Field[Any]:
    default = cls.__dict__.get(name, MISSING)
    if isinstance(default, Field):
        f = default
        changed = [k for k in _FIXED if getattr(f, k) != getattr(_FIELD_DEFAULTS, k)]
        if changed:
            raise TypeError(f"record {cls.__qualname__}.{name}: {changed} not supported")
        if f.default is MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, f.default)
    else:
        f = field(default=default)
    if f.default is not MISSING and type(f.default).__hash__ is None:
        raise ValueError(
            f"mutable default {type(f.default)} for field {name} is not allowed: "
            "use default_factory"
        )
    f.name = name
    f.type = annotation
    f._field_type = _FIELD_TYPE  # type: ignore[attr-defined]
    return f


def _source(cls: type, fields: dict[str, Field[Any]]) -> str:
    """The methods' source: it depends only on the fields' names, options and order, and on
    whether the class has a ``__post_init__``.

    ``__init__`` sets the fields with ``object.__setattr__``, as dataclasses does: going
    through ``self.__dict__`` would make CPython give up the instance's inline attribute
    values, and every attribute read after that would be slower (evaluate took 15% longer).
    """
    params, body = [], []
    for i, (name, f) in enumerate(fields.items()):
        if f.default is not MISSING:
            params.append(f"{name}=__default_{i}")
            body.append(f"    __set(self, {name!r}, {name})")
        elif f.default_factory is not MISSING:
            params.append(f"{name}=__has_factory")
            value = f"__default_{i}() if {name} is __has_factory else {name}"
            body.append(f"    __set(self, {name!r}, {value})")
        else:
            params.append(name)
            body.append(f"    __set(self, {name!r}, {name})")
    if "__post_init__" in cls.__dict__:
        body.append("    self.__post_init__()")
    shown = [n for n, f in fields.items() if f.repr]
    compared = "".join(f"self.{n}," for n in fields)
    other = "".join(f"other.{n}," for n in fields)
    defaults = "".join(f", __default_{i}" for i in range(len(fields)))
    return "\n".join(
        [
            f"def __create_fn__(__cls, __names, __frozen, __has_factory{defaults}):",
            f" def __init__(self, {', '.join(params)}):" if params else " def __init__(self):",
            "    __set = object.__setattr__",
            *body,
            " def __repr__(self):",
            "    return self.__class__.__qualname__ + f'("
            + ", ".join(f"{n}={{self.{n}!r}}" for n in shown)
            + ")'",
            " def __eq__(self, other):",
            "    if other.__class__ is self.__class__:",
            f"        return ({compared}) == ({other})",
            "    return NotImplemented",
            " def __hash__(self):",
            f"    return hash(({compared}))",
            " def __setattr__(self, name, value):",
            "    if type(self) is __cls or name in __names:",
            "        raise __frozen(f'cannot assign to field {name!r}')",
            "    super(__cls, self).__setattr__(name, value)",
            " def __delattr__(self, name):",
            "    if type(self) is __cls or name in __names:",
            "        raise __frozen(f'cannot delete field {name!r}')",
            "    super(__cls, self).__delattr__(name)",
            " return __init__, __repr__, __eq__, __hash__, __setattr__, __delattr__",
            "",
        ]
    )
