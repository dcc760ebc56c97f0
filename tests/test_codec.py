"""The Action and Decision survive JSON without loss, and match their published schemas."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatepost import codec
from gatepost.action import (
    Action,
    Actor,
    AgentInfo,
    CommandInfo,
    Decision,
    Host,
    Kind,
    Match,
    McpCall,
    Mode,
    Operation,
    PathRef,
    Redirect,
    Repository,
    SimpleCommand,
    Surface,
    UrlRef,
    User,
    Verdict,
    WaiverUse,
)
from gatepost.config import SHIPPED_PACKS
from gatepost.errors import PayloadError
from gatepost.policy.load import load_policy_set
from gatepost.policy.model import Pack, PolicySet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from gen_schema import schemas  # noqa: E402

json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
text = st.text(max_size=30)
names = st.tuples(text, text).map(lambda t: t)

path_refs = st.builds(
    PathRef,
    path=text,
    raw=text,
    access=st.sampled_from(["read", "write"]),
    classes=st.lists(text, max_size=3).map(tuple),
)
url_refs = st.builds(
    UrlRef,
    raw=text,
    scheme=text,
    host=text,
    port=st.integers(0, 65535),
    path=text,
    ip_class=text,
    classes=st.lists(text, max_size=2).map(tuple),
)
simple = st.builds(
    SimpleCommand,
    program=text,
    argv=st.lists(text, max_size=4).map(tuple),
    raw_program=text,
    wrappers=st.lists(text, max_size=2).map(tuple),
    redirects=st.lists(st.builds(Redirect, op=text, target=text, path=text), max_size=2).map(tuple),
    paths=st.lists(path_refs, max_size=2).map(tuple),
    urls=st.lists(url_refs, max_size=2).map(tuple),
    pipeline=st.integers(0, 5),
    stage=st.integers(0, 5),
    dynamic=st.booleans(),
)
actions = st.builds(
    Action,
    id=text,
    time=text,
    actor=st.builds(
        Actor,
        user=st.builds(User, id=text, name=text, os_account=text),
        groups=st.lists(text, max_size=3).map(tuple),
        host=st.builds(Host, id=text, name=text),
        repository=st.builds(Repository, remote=text, root=text, branch=text),
        agent=st.builds(AgentInfo, name=text, version=text),
        session=text,
    ),
    surface=st.builds(Surface, agent=text, event=text, tool=text, phase=text),
    operation=st.builds(
        Operation,
        kind=st.sampled_from(list(Kind)),
        cwd=text,
        command=st.none()
        | st.builds(
            CommandInfo,
            raw=text,
            cwd=text,
            commands=st.lists(simple, max_size=3).map(tuple),
            parse_errors=st.booleans(),
            heredocs=st.lists(text, max_size=2).map(tuple),
        ),
        paths=st.lists(path_refs, max_size=3).map(tuple),
        urls=st.lists(url_refs, max_size=2).map(tuple),
        query=text,
        mcp=st.none()
        | st.builds(
            McpCall, server=text, tool=text, arguments=st.dictionaries(text, json_value, max_size=3)
        ),
        content=text,
        output=text,
    ),
    flags=st.lists(text, max_size=4).map(tuple),
    raw=st.dictionaries(text, json_value, max_size=4),
)
matches = st.builds(
    Match,
    pack_id=text,
    pack_version=text,
    rule_id=text,
    title=text,
    severity=text,
    rule_verdict=st.sampled_from(list(Verdict)),
    verdict=st.sampled_from(list(Verdict)),
    assignment_id=text,
    scope=text,
    mode=st.sampled_from(list(Mode)),
    message=text,
    explanation=text,
    waiver=st.none() | st.builds(WaiverUse, waiver_id=text, reason=text, expires=text, owner=text),
)
decisions = st.builds(
    Decision,
    verdict=st.sampled_from(list(Verdict)),
    winner=st.none() | matches,
    matches=st.lists(matches, max_size=3).map(tuple),
    explanation=text,
    policy_revision=text,
    evaluation_us=st.floats(0, 1e6, allow_nan=False),
    fail_mode=text,
    error=text,
)

_SCHEMAS = {name: json.loads(body) for name, body in schemas().items()}


@settings(max_examples=200)
@given(actions)
def test_action_round_trip_is_lossless_and_valid(action: Action) -> None:
    text_form = codec.dumps(action)
    assert codec.loads(Action, text_form) == action
    jsonschema.validate(json.loads(text_form), _SCHEMAS["action.schema.json"])


@settings(max_examples=200)
@given(decisions)
def test_decision_round_trip_is_lossless_and_valid(decision: Decision) -> None:
    text_form = codec.dumps(decision)
    assert codec.loads(Decision, text_form) == decision
    jsonschema.validate(json.loads(text_form), _SCHEMAS["decision.schema.json"])


def test_published_schemas_are_current() -> None:
    for name, body in schemas().items():
        assert (ROOT / "docs" / "schema" / name).read_text() == body, (
            f"docs/schema/{name} is stale: run python scripts/gen_schema.py"
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"operation": {"kind": "shell"}}, "$.operation.kind: 'shell' is not one of"),
        ({"actor": {"groups": "eng"}}, "$.actor.groups: expected an array"),
        ({"flags": ["a", 1]}, "$.flags[1]: expected str, got int"),
        ({"surprise": 1}, "$: unknown field(s) surprise"),
        ({"schema_version": True}, "$.schema_version: expected int, got bool"),
    ],
)
def test_bad_action_json_names_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(PayloadError) as info:
        codec.from_dict(Action, data)
    assert str(info.value).startswith(message)


def test_shipped_policy_set_round_trip_is_lossless() -> None:
    policy_set = load_policy_set(sorted(SHIPPED_PACKS.glob("*.yaml")), None)
    assert codec.loads(PolicySet, codec.dumps(policy_set)) == policy_set


def test_dict_values_are_converted_by_their_type() -> None:
    data = {"id": "p", "version": "1", "title": "P", "rules": [], "lists": {"x": ["a", "b"]}}
    assert codec.from_dict(Pack, data) == Pack(
        id="p", version="1", title="P", rules=(), lists={"x": ("a", "b")}
    )
    with pytest.raises(PayloadError) as info:
        codec.from_dict(Pack, data | {"lists": {"x": ["a", 1]}})
    assert str(info.value) == "$.lists.x[1]: expected str, got int"
