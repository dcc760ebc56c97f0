"""gatepost.record makes the same frozen dataclass as dataclasses does, only faster."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys
import types
from typing import Any

import pytest

from gatepost.record import record

MODEL = '''
from __future__ import annotations
from dataclasses import dataclass, field
from gatepost.record import record

@DECORATOR
class Part:
    """A part."""

    name: str
    size: int = 0


@DECORATOR
class Whole:
    """A whole, with every kind of field a record may have."""

    id: str
    parts: tuple[Part, ...] = ()
    main: Part = field(default_factory=lambda: Part("main"))
    labels: dict[str, str] = field(default_factory=dict)
    secret: bytes = field(default=b"", repr=False)
    note: str | None = None

    @property
    def count(self) -> int:
        return len(self.parts)


@DECORATOR
class Checked:
    """Checks itself after __init__."""

    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")
'''


def _module(name: str, decorator: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module  # pickle finds the classes by module name
    exec(compile(MODEL.replace("DECORATOR", decorator), f"<{name}>", "exec"), module.__dict__)
    return module


RECORD = _module("gatepost_test_record_models", "record")
DATACLASS = _module("gatepost_test_dataclass_models", "dataclass(frozen=True)")


def _behaviour(m: types.ModuleType) -> dict[str, Any]:
    part = m.Part("a", 2)
    whole = m.Whole("w", parts=(part, m.Part("b")), labels={"k": "v"}, secret=b"s")
    other = m.Whole("w", parts=(m.Part("a", 2), m.Part("b")), labels={"k": "v"}, secret=b"s")

    def refused(action: Any) -> str:
        try:
            action()
        except dataclasses.FrozenInstanceError as exc:
            return str(exc)
        return "allowed"

    def set_id() -> None:
        whole.id = "x"

    def del_id() -> None:
        del whole.id

    def set_new() -> None:
        whole.extra = 1

    def with_module(text: str) -> str:
        return text.replace(m.__name__, "M")

    fields = dataclasses.fields(m.Whole)
    with pytest.raises(ValueError, match="negative"):
        m.Checked(-1)
    return {
        "repr": repr(whole),
        "equal": whole == other,
        "unequal": whole == dataclasses.replace(other, note="n"),
        "other type": whole == ("w",),
        "defers to the other": whole == _EqualToAnything(),
        "hash": _error(lambda: hash(whole)),  # a dict field: unhashable in both
        "hash differs": hash(part) != hash(m.Part("a", 3)),
        "refused": [refused(set_id), refused(del_id), refused(set_new)],
        "replace": repr(dataclasses.replace(whole, id="v", parts=())),
        "asdict": dataclasses.asdict(whole),
        "astuple": dataclasses.astuple(part),
        "fields": [
            (f.name, f.type, f.default, f.default_factory is dataclasses.MISSING, f.repr, f.init)
            for f in fields
        ],
        "is dataclass": (dataclasses.is_dataclass(m.Whole), dataclasses.is_dataclass(whole)),
        "match args": m.Whole.__match_args__,
        "class defaults": (m.Part.size, m.Whole.parts, m.Whole.note, hasattr(m.Whole, "main")),
        "fresh factory": m.Whole("a").labels is not m.Whole("b").labels,
        "factory value": repr(m.Whole("a").main),
        "property": whole.count,
        "pickle": pickle.loads(pickle.dumps(whole)) == whole,
        "copy": (copy.copy(whole) == whole, copy.deepcopy(whole) == whole),
        "post init": m.Checked(3).value,
        "positional": m.Whole("a", (), m.Part("m"), {}, b"", "n").note,
        "missing argument": _error(lambda: m.Part()),
        "unknown argument": _error(lambda: m.Part("a", colour="red")),
        "init qualname": with_module(m.Part.__init__.__qualname__),
        "params": m.Whole.__dataclass_params__.frozen,
    }


class _EqualToAnything:
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = None  # type: ignore[assignment]


def _error(action: Any) -> str:
    try:
        action()
    except TypeError as exc:
        return str(exc)
    return "no error"


def test_records_without_unhashable_fields_hash_by_value() -> None:
    for m in (RECORD, DATACLASS):
        assert hash(m.Part("a", 2)) == hash(m.Part("a", 2)) == hash(("a", 2))


def test_a_record_behaves_as_a_frozen_dataclass() -> None:
    assert _behaviour(RECORD) == _behaviour(DATACLASS)


def test_a_record_is_a_dataclass_without_slots() -> None:
    assert not hasattr(RECORD.Part, "__slots__")
    assert RECORD.Part.__dataclass_fields__["size"]._field_type is dataclasses._FIELD  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("x: int = 0", "needs a docstring"),
        ('"""doc."""\n    x: ClassVar[int] = 0', "ClassVar[int] is not supported"),
        ('"""doc."""\n    x: InitVar[int] = 0', "InitVar[int] is not supported"),
        ('"""doc."""\n    x: int = field(default=0, compare=False)', "['compare'] not supported"),
        ('"""doc."""\n    x: int = field(default=0, init=False)', "['init'] not supported"),
        ('"""doc."""\n    x: list[int] = []', "mutable default <class 'list'> for field x"),
    ],
)
def test_what_a_record_does_not_support_is_refused(body: str, problem: str) -> None:
    source = (
        "from __future__ import annotations\n"
        "from dataclasses import field\n"
        "from gatepost.record import record\n"
        f"@record\nclass C:\n    {body}\n"
    )
    with pytest.raises((TypeError, ValueError), match=problem.replace("[", r"\[")):
        exec(source, {"__name__": "gatepost_test_refused"})


def test_a_dataclass_base_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Base:
        """A base."""

        x: int = 0

    with pytest.raises(TypeError, match="a dataclass base is not supported"):

        @record
        class Derived(Base):
            """Derived."""

            y: int = 0
