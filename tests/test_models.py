"""The models are standard frozen dataclasses with slots: what that gives them, on real ones."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import json
import pickle
import pkgutil
from pathlib import Path

import pytest

import gatepost
from gatepost import codec
from gatepost.action import Kind, Verdict
from gatepost.errors import StoreError
from gatepost.evidence.event import Checkpoint, Event, RedactionRecord
from gatepost.evidence.views import AccessError, Role, Viewer
from gatepost.store.base import EventQuery

MUTABLE = {"gatepost.evidence.report._Held"}  # an accumulator while a report is built
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "chain" / "golden-events.jsonl"
EVENTS = [
    codec.from_dict(Event, json.loads(line)["event"])
    for line in GOLDEN.read_text(encoding="ascii").splitlines()[:40]
]


def test_every_model_is_a_frozen_dataclass_with_slots() -> None:
    models = {
        f"{value.__module__}.{value.__qualname__}": value
        for info in pkgutil.walk_packages(gatepost.__path__, "gatepost.")
        for value in vars(importlib.import_module(info.name)).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    }
    assert len(models) > 40
    kinds = {
        name: (cls.__dataclass_params__.frozen, "__slots__" in cls.__dict__)  # type: ignore[attr-defined]
        for name, cls in models.items()
        if name not in MUTABLE
    }
    assert kinds == dict.fromkeys(kinds, (True, True))


def test_real_events_pickle_copy_replace_and_compare_by_value() -> None:
    assert pickle.loads(pickle.dumps(EVENTS)) == EVENTS
    assert [copy.deepcopy(e) for e in EVENTS] == EVENTS
    first = EVENTS[0]
    moved = dataclasses.replace(first, seq=first.seq + 1)
    assert moved != first and dataclasses.replace(moved, seq=first.seq) == first
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.seq = 5  # type: ignore[misc]
    assert dataclasses.asdict(first)["action"]["operation"]["kind"] is first.action.kind
    assert codec.to_dict(first) == json.loads(json.dumps(dataclasses.asdict(first)))


def test_models_without_mutable_fields_hash_and_repr_by_value() -> None:
    a = Checkpoint(seq=3, hash="ab", time="2026-01-01T00:00:00Z")
    assert hash(a) == hash(Checkpoint(3, "ab", "2026-01-01T00:00:00Z"))
    assert {a, dataclasses.replace(a)} == {a}
    assert repr(RedactionRecord("action.raw.x", "aws-access-key", 20)) == (
        "RedactionRecord(field='action.raw.x', detector='aws-access-key', length=20)"
    )
    assert repr(a) == "Checkpoint(seq=3, hash='ab', time='2026-01-01T00:00:00Z', signature='')"
    with pytest.raises(TypeError, match="unhashable type: 'dict'"):
        hash(EVENTS[0])  # its raw payload is a dict


def test_post_init_checks_and_normalises() -> None:
    assert Viewer(role="analyst", groups=["eng"]) == Viewer(Role.ANALYST, ("eng",))  # type: ignore[arg-type]
    with pytest.raises(AccessError) as info:
        Viewer(role="root")  # type: ignore[arg-type]
    assert str(info.value) == "unknown role 'root' (roles: viewer, analyst, investigator, admin)"
    query = EventQuery(kind=Kind.COMMAND, verdict=Verdict.BLOCK)  # type: ignore[arg-type]
    assert (query.kind, query.verdict) == ("command", "block")
    with pytest.raises(StoreError) as error:
        EventQuery(limit=0)
    assert str(error.value) == "query limit must be a positive integer, got 0"
