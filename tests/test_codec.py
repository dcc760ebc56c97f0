"""The Action and Decision survive JSON without loss, and match their published schemas."""

from __future__ import annotations

import dataclasses
import json
import sys
import typing
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
from gatepost.policy.model import Assignment, Pack, PolicySet, Rule, Scope, Waiver

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


# ---------------------------------------------------------------------------- from_dict
#
# from_dict runs converters built once per type; these hold its results and its error
# messages (with the full ``where`` path) to what the generic conversion gave, as the policy
# cache decodes them.


@pytest.fixture(scope="module")
def shipped_policy() -> PolicySet:
    return load_policy_set(sorted(SHIPPED_PACKS.glob("*.yaml")), None)


def _policy_doc(policy_set: PolicySet) -> dict[str, Any]:
    """The set as the policy cache holds it: through JSON text and back."""
    doc: dict[str, Any] = json.loads(json.dumps(codec.to_dict(policy_set)))
    return doc


def _decode_error(data: Any, *, where: str = "policy") -> str:
    with pytest.raises(PayloadError) as info:
        codec.from_dict(PolicySet, data, where=where)
    return str(info.value)


def test_cached_policy_document_decodes_to_the_same_set(shipped_policy: PolicySet) -> None:
    assert len(shipped_policy.packs) > 5 and len(shipped_policy.assignments) > 5
    assert any(r.exceptions for p in shipped_policy.packs for r in p.rules)
    doc = _policy_doc(shipped_policy)
    decoded = codec.from_dict(PolicySet, doc, where="policy")
    assert decoded == shipped_policy
    assert codec.to_dict(decoded) == doc
    again = codec.from_dict(PolicySet, doc, where="policy")  # the converters, reused
    assert again == shipped_policy
    assert again.packs[0] is not decoded.packs[0]


def _set(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("packs", 2, "rules", 3, "surprise"),
            1,
            "policy.packs[2].rules[3]: unknown field(s) surprise",
        ),
        (("packs", 1, "zz"), 1, "policy.packs[1]: unknown field(s) zz"),
        (
            ("packs", 2, "lists", "deleters"),
            ["rm", 7],
            "policy.packs[2].lists.deleters[1]: expected str, got int",
        ),
        (
            ("packs", 4, "rules", 3, "exceptions", 0, "reason"),
            ["not", "text"],
            "policy.packs[4].rules[3].exceptions[0].reason: expected str, got list",
        ),
        (
            ("packs", 3, "rules", 8, "verdict"),
            "deny",
            "policy.packs[3].rules[8].verdict: 'deny' is not one of pass, warn, ask, block",
        ),
        (
            ("assignments", 2, "mode"),
            "loud",
            "policy.assignments[2].mode: 'loud' is not one of audit, warn, enforce",
        ),
        (
            ("packs", 0, "rules", 1, "when"),
            None,
            "policy.packs[0].rules[1].when: expected an object",
        ),
        (
            ("packs", 0, "rules", 1, "title"),
            None,
            "policy.packs[0].rules[1].title: expected str, got NoneType",
        ),
        (
            ("packs", 0, "rules", 1, "tests"),
            None,
            "policy.packs[0].rules[1].tests: expected an object, got NoneType",
        ),
        (
            ("packs", 0, "rules", 1, "tests", "match"),
            None,
            "policy.packs[0].rules[1].tests.match: expected an array",
        ),
        (("packs", 0, "rules"), None, "policy.packs[0].rules: expected an array"),
        (("assignments",), {}, "policy.assignments: expected an array"),
        (("packs", 5), "pack", "policy.packs[5]: expected an object, got str"),
        (
            ("assignments", 0, "scope", "type"),
            3,
            "policy.assignments[0].scope.type: expected str, got int",
        ),
        (
            ("packs", 6, "rules", 0, "line"),
            True,
            "policy.packs[6].rules[0].line: expected int, got bool",
        ),
        (
            ("packs", 6, "rules", 0, "line"),
            "12",
            "policy.packs[6].rules[0].line: expected int, got str",
        ),
        (
            ("packs", 1, "waivers"),
            [{"id": "w", "rules": ["a", None], "reason": "r", "expires": "2999-01-01"}],
            "policy.packs[1].waivers[0].rules[1]: expected str, got NoneType",
        ),
    ],
)
def test_malformed_policy_names_the_whole_path(
    shipped_policy: PolicySet, path: tuple[str | int, ...], value: Any, message: str
) -> None:
    doc = _set(_policy_doc(shipped_policy), path, value)
    assert _decode_error(doc) == message


def test_several_unknown_fields_are_named_sorted(shipped_policy: PolicySet) -> None:
    doc = _policy_doc(shipped_policy)
    doc["assignments"][0] |= {"zz": 1, "aa": 2}
    assert _decode_error(doc) == "policy.assignments[0]: unknown field(s) aa, zz"


def test_missing_field_reports_the_constructor_error(shipped_policy: PolicySet) -> None:
    doc = _policy_doc(shipped_policy)
    del doc["packs"][3]["rules"][0]["id"]
    rule = shipped_policy.packs[3].rules[0]
    with pytest.raises(TypeError) as direct:
        Rule(**{f.name: getattr(rule, f.name) for f in dataclasses.fields(Rule) if f.name != "id"})
    assert "'id'" in str(direct.value)
    assert _decode_error(doc) == f"policy.packs[3].rules[0]: {direct.value}"


def test_the_first_bad_value_in_document_order_is_reported() -> None:
    assert _decode_error({"assignments": 5, "packs": 5}) == "policy.assignments: expected an array"
    assert _decode_error({"packs": 5, "assignments": 5}) == "policy.packs: expected an array"
    # unknown fields are found before any value is converted
    assert _decode_error({"packs": 5, "zz": 1}) == "policy: unknown field(s) zz"
    assert _decode_error([], where="$") == "$: expected an object, got list"


def test_decoded_values_have_the_model_types() -> None:
    data = {
        "id": "a",
        "pack": "p",
        "scope": {"type": "org"},
        "mode": "warn",
        "waivers": [
            {"id": "w", "rules": ["p/*"], "reason": "r", "expires": "2999", "when": {"x": [1]}}
        ],
    }
    assignment = codec.from_dict(Assignment, data)
    assert assignment == Assignment(
        id="a",
        pack="p",
        scope=Scope(type="org"),
        mode=Mode.WARN,
        waivers=(Waiver(id="w", rules=("p/*",), reason="r", expires="2999", when={"x": [1]}),),
    )
    assert type(assignment.mode) is Mode and type(assignment.waivers[0].rules) is tuple
    assert codec.from_dict(Assignment, data | {"mode": Mode.AUDIT}).mode is Mode.AUDIT


def test_optional_and_number_fields() -> None:
    decision = Decision(verdict=Verdict.PASS, evaluation_us=3.0)
    data = codec.to_dict(decision) | {"evaluation_us": 3}
    decoded = codec.from_dict(Decision, data)
    assert decoded == decision and type(decoded.evaluation_us) is float
    assert decoded.winner is None
    with pytest.raises(PayloadError) as info:
        codec.from_dict(Decision, data | {"evaluation_us": True})
    assert str(info.value) == "$.evaluation_us: expected a number"
    with pytest.raises(PayloadError) as info:
        codec.from_dict(Decision, data | {"winner": {"pack_id": 1}})
    assert str(info.value) == "$.winner.pack_id: expected str, got int"


JSON = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class _Tree:
    """A recursive model, with annotations of other forms than the models'."""

    name: str
    data: JSON = dataclasses.field(default_factory=dict)
    children: tuple[_Tree, ...] = ()
    parent: typing.Optional[_Tree] = None  # noqa: UP045 (the form under test)


def test_recursive_models_and_other_annotation_forms_decode() -> None:
    data = {"name": "a", "children": [{"name": "b", "parent": {"name": "c", "data": {"k": 1}}}]}
    assert codec.from_dict(_Tree, data) == _Tree(
        name="a", children=(_Tree(name="b", parent=_Tree(name="c", data={"k": 1})),)
    )
    with pytest.raises(PayloadError) as info:
        codec.from_dict(_Tree, {"name": "a", "children": [{"name": "b"}, {"name": None}]})
    assert str(info.value) == "$.children[1].name: expected str, got NoneType"
    with pytest.raises(PayloadError) as info:
        codec.from_dict(_Tree, {"name": "a", "children": [{"name": "b", "parent": {"x": 1}}]})
    assert str(info.value) == "$.children[0].parent: unknown field(s) x"


def test_every_model_has_field_types_the_codec_can_read() -> None:
    import importlib
    import pkgutil

    import gatepost

    classes = [
        value
        for info in pkgutil.walk_packages(gatepost.__path__, "gatepost.")
        for value in vars(importlib.import_module(info.name)).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    ]
    assert len(classes) > 40

    def unreadable(cls: type) -> str:
        try:
            codec.field_types(cls)
        except NameError as exc:  # a name imported only for the type checker
            return str(exc)
        return ""

    assert {c.__qualname__: unreadable(c) for c in classes if unreadable(c)} == {}
    assert codec.field_types(Rule)["when"] == dict[str, Any]
    assert codec.field_types(Match) == typing.get_type_hints(Match)
