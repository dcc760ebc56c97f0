"""Compiling a PolicySet once into an immutable, indexed CompiledPolicy."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from gatepost import codec
from gatepost.action import Kind, Verdict
from gatepost.digest import sha256
from gatepost.policy.conditions import KINDS, Matcher, compile_condition
from gatepost.policy.model import Assignment, Pack, PolicySet, Rule, Waiver
from gatepost.policy.predicates import PREDICATE_KINDS, PREDICATE_PROGRAMS

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(frozen=True, slots=True)
class CompiledWaiver:
    waiver: Waiver
    rule_globs: tuple[str, ...]
    expires: datetime
    matcher: Matcher | None

    def covers(self, rule_id: str) -> bool:
        return any(fnmatch.fnmatchcase(rule_id, g) for g in self.rule_globs)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    pack: Pack
    matcher: Matcher
    exceptions: tuple[tuple[Matcher, str], ...]
    order: int  # position in the policy, for a stable winner among equals


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """Immutable. ``evaluate`` reads it; nothing writes it after ``compile_policy``."""

    revision: str
    packs: MappingProxyType[str, Pack]
    assignments: tuple[Assignment, ...]
    by_kind: MappingProxyType[str, tuple[CompiledRule, ...]]  # rules with no program index
    by_program: MappingProxyType[str, MappingProxyType[str, tuple[CompiledRule, ...]]]
    pack_waivers: MappingProxyType[str, tuple[CompiledWaiver, ...]]
    assignment_waivers: MappingProxyType[str, tuple[CompiledWaiver, ...]]
    rules: tuple[CompiledRule, ...]


def _kinds_of(
    when: dict[str, Any], conds: dict[str, dict[str, Any]], depth: int = 0
) -> frozenset[str]:
    """The operation kinds an action must have for the condition to possibly hold."""
    kinds = KINDS
    if depth > 16:
        return kinds
    for key, value in when.items():
        if key == "kind":
            kinds &= frozenset([value] if isinstance(value, str) else value)
        elif key == "command":
            kinds &= {Kind.COMMAND.value}
        elif key == "mcp":
            kinds &= {Kind.MCP_CALL.value}
        elif key == "predicate":
            kinds &= PREDICATE_KINDS.get(value, KINDS)
        elif key == "any":
            union: frozenset[str] = frozenset()
            for sub in value:
                union |= _kinds_of(sub, conds, depth + 1)
            kinds &= union
        elif key == "all":
            for sub in value:
                kinds &= _kinds_of(sub, conds, depth + 1)
        elif key == "use":
            kinds &= _kinds_of(conds[value], conds, depth + 1)
    return kinds


def _programs_of(
    when: dict[str, Any],
    lists: dict[str, tuple[str, ...]],
    conds: dict[str, dict[str, Any]],
    depth: int = 0,
) -> frozenset[str] | None:
    """Exact program names one of which an action must run for the condition to hold, or
    None when the condition does not pin the program down (then the rule is always tried)."""
    if depth > 16:
        return None
    best: frozenset[str] | None = None
    for key, value in when.items():
        found: frozenset[str] | None = None
        if key == "command" and isinstance(value, dict) and "program" in value:
            raw = value["program"]
            names: list[str] = []
            for v in [raw] if isinstance(raw, str) else raw:
                names.extend(lists[v[1:]] if v.startswith("$") else (v,))
            if not any(c in n for n in names for c in "*?["):
                found = frozenset(names)
        elif key == "predicate":
            found = PREDICATE_PROGRAMS.get(value)
        elif key == "any":
            union: frozenset[str] = frozenset()
            for sub in value:
                progs = _programs_of(sub, lists, conds, depth + 1)
                if progs is None:
                    union = frozenset()
                    break
                union |= progs
            found = union or None
        elif key == "all":
            for sub in value:
                progs = _programs_of(sub, lists, conds, depth + 1)
                if progs is not None and (best is None or len(progs) < len(best)):
                    best = progs
        elif key == "use":
            found = _programs_of(conds[value], lists, conds, depth + 1)
        if found is not None and (best is None or len(found) < len(best)):
            best = found
    return best


def _compile_waivers(waivers: tuple[Waiver, ...], pack: Pack | None) -> tuple[CompiledWaiver, ...]:
    if not waivers:
        return ()
    from datetime import datetime  # only with waivers: about 1.5 ms of a cold hook

    lists = pack.lists if pack else {}
    conds = pack.conditions if pack else {}
    return tuple(
        CompiledWaiver(
            waiver=w,
            rule_globs=w.rules,
            expires=datetime.fromisoformat(w.expires.replace("Z", "+00:00")),
            matcher=compile_condition(w.when, lists, conds) if w.when else None,
        )
        for w in waivers
    )


def policy_revision(policy: PolicySet) -> str:
    """The revision of a policy: a digest of its packs and assignments as JSON."""
    text = codec.dumps({"packs": policy.packs, "assignments": policy.assignments})
    return sha256(text.encode()).hexdigest()[:16]


def compile_policy(policy: PolicySet, revision: str | None = None) -> CompiledPolicy:
    """Compile ``policy``; ``revision``, when given, must be ``policy_revision(policy)`` (as
    kept beside a cached copy), sparing its computation."""
    packs = {p.id: p for p in policy.packs}
    compiled: list[CompiledRule] = []
    generic: dict[str, list[CompiledRule]] = {k: [] for k in KINDS}
    indexed: dict[str, dict[str, list[CompiledRule]]] = {k: {} for k in KINDS}
    for pack in policy.packs:
        for rule in pack.rules:
            cr = CompiledRule(
                rule=rule,
                pack=pack,
                matcher=compile_condition(rule.when, pack.lists, pack.conditions),
                exceptions=tuple(
                    (compile_condition(e.when, pack.lists, pack.conditions), e.reason)
                    for e in rule.exceptions
                ),
                order=len(compiled),
            )
            compiled.append(cr)
            programs = _programs_of(rule.when, pack.lists, pack.conditions)
            for kind in _kinds_of(rule.when, pack.conditions):
                if programs and kind == Kind.COMMAND.value:
                    for prog in programs:
                        indexed[kind].setdefault(prog, []).append(cr)
                else:
                    generic[kind].append(cr)
    return CompiledPolicy(
        revision=policy_revision(policy) if revision is None else revision,
        packs=MappingProxyType(packs),
        assignments=policy.assignments,
        by_kind=MappingProxyType({k: tuple(v) for k, v in generic.items()}),
        by_program=MappingProxyType(
            {k: MappingProxyType({p: tuple(rs) for p, rs in v.items()}) for k, v in indexed.items()}
        ),
        pack_waivers=MappingProxyType({p.id: _compile_waivers(p.waivers, p) for p in policy.packs}),
        assignment_waivers=MappingProxyType(
            {a.id: _compile_waivers(a.waivers, packs.get(a.pack)) for a in policy.assignments}
        ),
        rules=tuple(compiled),
    )


def verdict_cap(mode_value: str) -> Verdict:
    return {"audit": Verdict.PASS, "warn": Verdict.WARN}.get(mode_value, Verdict.BLOCK)
