"""What the tests of the IDE adapters (cursor, copilot, vscode, windsurf) share.

Golden payload loading, real Decisions for rendering, a Reply comparison that parses stdout as
JSON, and the hypothesis strategies of the fuzz tests.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from gatepost.action import Action, Decision, Match, Mode, Verdict
from gatepost.adapters.base import Reply, reason_text
from gatepost.codec import from_dict, to_dict
from gatepost.errors import AdapterError

PAYLOADS = Path(__file__).parents[1] / "fixtures" / "payloads"


def goldens(agent: str) -> list[Path]:
    """Every golden payload of ``agent`` (``<event>/<name>.json``, not the expectations)."""
    root = PAYLOADS / agent
    return sorted(p for p in root.glob("*/*.json") if not p.name.endswith(".expected.json"))


def golden_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def payload(agent: str, rel: str) -> dict[str, Any]:
    return load(PAYLOADS / agent / f"{rel}.json")


def expected_action(path: Path) -> Action:
    return from_dict(Action, load(path.with_name(f"{path.stem}.expected.json")))


# ---------------------------------------------------------------------------- decisions


def match(verdict: Verdict) -> Match:
    return Match(
        pack_id="baseline",
        pack_version="2.3.1",
        rule_id="baseline/destructive-delete",
        title="Destructive deletes",
        severity="high",
        rule_verdict=verdict,
        verdict=verdict,
        assignment_id="asg-org-baseline",
        scope="org",
        mode=Mode.ENFORCE,
        message="Recursive deletes outside the build folders need a person's approval.",
        explanation="command rm -rf targets a path outside dist/ and build/",
    )


def decision(verdict: Verdict) -> Decision:
    if verdict is Verdict.PASS:
        return Decision(policy_revision="rev-7")
    win = match(verdict)
    return Decision(verdict=verdict, winner=win, matches=(win,), policy_revision="rev-7")


PASS, WARN, ASK, BLOCK = (decision(v) for v in Verdict)
W = reason_text(WARN)
A = reason_text(ASK)
A_NO = reason_text(ASK, can_ask=False)
B = reason_text(BLOCK)


def reply_parts(reply: Reply) -> tuple[Any, str, int]:
    """(stdout parsed as JSON, or None when empty; stderr; exit code)."""
    out = json.loads(reply.stdout) if reply.stdout else None
    return out, reply.stderr, reply.exit_code


def parse_checked(parse: Callable[[Any], Action], value: Any) -> Action | None:
    """``parse(value)``, or None on AdapterError; any other exception fails the test.

    A parsed Action keeps the payload itself as ``raw``, leaves it unchanged, and survives a
    round trip through the codec.
    """
    before = copy.deepcopy(value)
    try:
        action = parse(value)
    except AdapterError:
        assert value == before
        return None
    assert value == before
    assert action.raw is value
    assert from_dict(Action, to_dict(action)) == action
    return action


def assert_well_formed(reply: Reply, exit_codes: frozenset[int]) -> None:
    """stdout empty or exactly one JSON object; an accepted exit code; stderr writable."""
    assert reply.exit_code in exit_codes
    if reply.stdout:
        assert isinstance(json.loads(reply.stdout), dict)
        reply.stdout.encode("ascii")
    reply.stderr.encode("utf-8")


# ---------------------------------------------------------------------------- strategies

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=16,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


def _vocabulary(node: Any) -> set[str]:
    """Every key used anywhere in ``node``."""
    if isinstance(node, dict):
        return set(node).union(*(_vocabulary(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_vocabulary(v) for v in node))
    return set()


@st.composite
def mutated(draw: st.DrawFn, payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """A golden payload with one to three values replaced, keys deleted, or keys added."""
    keys = sorted(set().union(*(_vocabulary(p) for p in payloads)))
    out: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(payloads)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = list(_paths(out))
        op = draw(st.sampled_from(("replace", "delete", "add")))
        if op == "add" or not paths:
            containers = [(), *(p for p in paths if isinstance(_get(out, p), dict))]
            target = _get(out, draw(st.sampled_from(containers)))
            target[draw(st.sampled_from(keys) | st.text(max_size=8))] = draw(json_values)
            continue
        path = draw(st.sampled_from(paths))
        parent = _get(out, path[:-1])
        if op == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values | st.sampled_from(keys))
    return out


def structured(
    event_key: str, events: list[str], payloads: list[dict[str, Any]], *, optional: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads built from the agents' own field names, with golden or arbitrary values."""
    keys = sorted(set().union(*(_vocabulary(p) for p in payloads)) - {event_key})
    leaves = sorted({v for p in payloads for v in _leaves(p) if isinstance(v, str)})
    value = json_values | st.sampled_from(leaves)
    value = value | st.dictionaries(st.sampled_from(keys), value, max_size=5)
    event = st.sampled_from(events) | st.text(max_size=12)
    fields = {k: value for k in keys}
    if optional:
        return st.fixed_dictionaries({}, optional={event_key: event, **fields})
    return st.fixed_dictionaries({event_key: event}, optional=fields)


def _leaves(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _leaves(value)
    elif isinstance(node, list):
        for value in node:
            yield from _leaves(value)
    else:
        yield node


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


@st.composite
def decisions(draw: st.DrawFn) -> Decision:
    verdict = draw(st.sampled_from(Verdict))
    text = st.text(max_size=60)
    winner = None
    if draw(st.booleans()):
        winner = Match(
            pack_id=draw(text),
            pack_version=draw(text),
            rule_id=draw(text),
            title=draw(text),
            severity=draw(text),
            rule_verdict=draw(st.sampled_from(Verdict)),
            verdict=verdict,
            assignment_id=draw(text),
            scope=draw(text),
            mode=draw(st.sampled_from(Mode)),
            message=draw(text),
            explanation=draw(text),
        )
    return Decision(
        verdict=verdict,
        winner=winner,
        matches=(winner,) if winner else (),
        explanation=draw(text),
        error=draw(text),
    )
