"""The one path (DESIGN §1): native payload -> Action -> enrich -> evaluate -> Decision ->
native reply. Pure apart from the identity binding, which reads the repository's files."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

from gatepost.action import Action, Decision
from gatepost.adapters.base import Reply
from gatepost.adapters.registry import parse_any
from gatepost.analysis.context import Environment
from gatepost.analysis.enrich import enrich
from gatepost.config import Config
from gatepost.identity import bind
from gatepost.ids import new_id
from gatepost.policy.compile import CompiledPolicy
from gatepost.policy.engine import evaluate
from gatepost.protected import protected_for


@dataclass(frozen=True, slots=True)
class Outcome:
    """One payload through the path: the action, the decision, the native reply."""

    action: Action
    decision: Decision
    reply: Reply


def now_rfc3339(ns: int | None = None) -> str:
    """UTC time as ``2026-11-26T09:14:03.123456Z`` (``datetime`` costs ~1.5 ms of a cold hook)."""
    ns = time.time_ns() if ns is None else ns
    seconds, rest = divmod(ns, 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{rest // 1000:06d}Z"


def run_one(
    adapter: ModuleType, payload: dict[str, Any], config: Config, policy: CompiledPolicy
) -> Outcome:
    """Parse, bind, enrich, evaluate and render one payload (AdapterError propagates)."""
    adapter, action = parse_any(adapter, payload)
    action = replace(
        action,
        id=action.id or new_id(),
        time=action.time or now_rfc3339(),
    )
    cwd = (
        action.operation.cwd
        or (action.operation.command.cwd if action.operation.command else "")
        or "/"
    )
    action = bind(action, config, cwd)
    env = Environment(
        home=str(config.user_home),
        gatepost_home=str(config.home),
        repo_root=action.actor.repository.root,
        protected=protected_for(
            str(config.user_home), str(config.home), action.actor.repository.root
        ),
    )
    start = time.perf_counter()
    action = enrich(action, env)
    decision = evaluate(policy, action)
    decision = replace(decision, evaluation_us=round((time.perf_counter() - start) * 1e6, 1))
    return Outcome(action=action, decision=decision, reply=adapter.render(decision, action))
