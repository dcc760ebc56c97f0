"""Compiling a PolicySet once into an immutable, indexed CompiledPolicy."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from gatepost import codec
from gatepost.action import Kind, Verdict
from gatepost.policy.conditions import KINDS, Matcher, compile_condition
from gatepost.policy.model import Assignment, Pack, PolicySet, Rule, Waiver
from gatepost.policy.predicates import PREDICATE_KINDS, PREDICATE_PROGRAMS

if TYPE_CHECKING:
    from gatepost.policy.facts import Facts


class LazyMatcher:
    """The matcher of one checked condition, built on its first use and kept from then on.

    A hook process without the resident one compiles the whole policy yet evaluates only the
    rules indexed for its one action, so building every matcher up front is mostly wasted.
    Threads may race on a first use: each then builds a matcher of its own and one of them is
    kept, all alike; a matcher is stored only once it is whole, so none is seen half built.
    """

    __slots__ = ("_built", "_cond", "_conds", "_lists")

    def __init__(
        self, cond: dict[str, Any], lists: dict[str, tuple[str, ...]], conds: dict[str, Any]
    ) -> None:
        self._cond = cond
        self._lists = lists
        self._conds = conds
        self._built: Matcher | None = None

    def __call__(self, facts: Facts) -> str | None:
        built = self._built
        if built is None:
            built = self.build()
        return built(facts)

    def build(self) -> Matcher:
        """The matcher, built now unless it was before."""
        built = self._built
        if built is None:
            built = self._built = compile_condition(self._cond, self._lists, self._conds)
        return built

    @property
    def built(self) -> bool:
        return self._built is not None


def _matcher(
    cond: dict[str, Any], lists: dict[str, tuple[str, ...]], conds: dict[str, Any], lazy: bool
) -> Matcher:
    return LazyMatcher(cond, lists, conds) if lazy else compile_condition(cond, lists, conds)


@dataclass(frozen=True, slots=True)
class CompiledWaiver:
    """A waiver ready to apply: its rule globs, its expiry as a time, its narrowing matcher."""

    waiver: Waiver
    rule_globs: tuple[str, ...]
    expires: datetime
    matcher: Matcher | None

    def covers(self, rule_id: str) -> bool:
        return any(fnmatch.fnmatchcase(rule_id, g) for g in self.rule_globs)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its pack, its matcher and its exceptions' matchers (each built on its first
    use when the policy was compiled lazily)."""

    rule: Rule
    pack: Pack
    matcher: Matcher
    exceptions: tuple[tuple[Matcher, str], ...]
    order: int  # position in the policy, for a stable winner among equals


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """Immutable. ``evaluate`` reads it; nothing writes it after ``compile_policy`` but a
    :class:`LazyMatcher` keeping the matcher it built."""

    revision: str
    packs: MappingProxyType[str, Pack]
    assignments: tuple[Assignment, ...]
    by_kind: MappingProxyType[str, tuple[CompiledRule, ...]]  # rules with no program index
    by_program: MappingProxyType[str, MappingProxyType[str, tuple[CompiledRule, ...]]]
    pack_waivers: MappingProxyType[str, tuple[CompiledWaiver, ...]]
    assignment_waivers: MappingProxyType[str, tuple[CompiledWaiver, ...]]
    rules: tuple[CompiledRule, ...]
    has_waivers: bool = False  # any pack or assignment waiver at all


_COMMAND = Kind.COMMAND.value
_ONLY_COMMAND = frozenset([_COMMAND])
_ONLY_MCP = frozenset([Kind.MCP_CALL.value])


def _index_of(
    when: dict[str, Any],
    lists: dict[str, tuple[str, ...]],
    conds: dict[str, dict[str, Any]],
    depth: int = 0,
) -> tuple[frozenset[str], frozenset[str] | None]:
    """The operation kinds an action must have for the condition to possibly hold, and the
    exact program names one of which it must run for the condition to hold, or None when the
    condition does not pin the program down (then the rule is tried for every command)."""
    if depth > 16:
        return KINDS, None
    kinds = KINDS
    best: frozenset[str] | None = None
    for key, value in when.items():
        found: frozenset[str] | None = None
        if key == "command":
            kinds &= _ONLY_COMMAND
            if isinstance(value, dict) and "program" in value:
                raw = value["program"]
                names: list[str] = []
                for v in map(str, [raw] if isinstance(raw, (str, int)) else raw):
                    names.extend(lists[v[1:]] if v.startswith("$") else (v,))
                joined = "".join(names)  # a glob character in any of the names
                if "*" not in joined and "?" not in joined and "[" not in joined:
                    found = frozenset(names)
        elif key == "kind":
            kinds &= frozenset([value] if isinstance(value, str) else value)
        elif key == "mcp":
            kinds &= _ONLY_MCP
        elif key == "predicate":
            kinds &= PREDICATE_KINDS.get(value, KINDS)
            found = PREDICATE_PROGRAMS.get(value)
        elif key == "any":
            union: frozenset[str] = frozenset()
            programs: frozenset[str] | None = frozenset()
            for sub in value:
                sub_kinds, sub_programs = _index_of(sub, lists, conds, depth + 1)
                union |= sub_kinds
                if sub_programs is None:
                    programs = None  # one alternative runs any program: so may the whole
                elif programs is not None:
                    programs |= sub_programs
            kinds &= union
            found = programs or None
        elif key == "all":
            for sub in value:
                sub_kinds, sub_programs = _index_of(sub, lists, conds, depth + 1)
                kinds &= sub_kinds
                if sub_programs is not None and (best is None or len(sub_programs) < len(best)):
                    best = sub_programs
        elif key == "use":
            sub_kinds, found = _index_of(conds[value], lists, conds, depth + 1)
            kinds &= sub_kinds
        if found is not None and (best is None or len(found) < len(best)):
            best = found
    return kinds, best


def _compile_waivers(
    waivers: tuple[Waiver, ...], pack: Pack | None, lazy: bool
) -> tuple[CompiledWaiver, ...]:
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
            matcher=_matcher(w.when, lists, conds, lazy) if w.when else None,
        )
        for w in waivers
    )


def policy_revision(policy: PolicySet) -> str:
    """The revision of a policy: a digest of its packs and assignments as JSON."""
    text = codec.dumps({"packs": policy.packs, "assignments": policy.assignments})
    return sha256(text.encode()).hexdigest()[:16]


def compile_policy(
    policy: PolicySet, revision: str | None = None, *, lazy: bool | None = None
) -> CompiledPolicy:
    """Compile ``policy``; ``revision``, when given, must be ``policy_revision(policy)`` (as
    kept beside a cached copy), sparing its computation.

    With ``lazy``, each matcher is built on its first use (see :class:`LazyMatcher`); without,
    every one is built now, so a condition that cannot be compiled fails here. By default the
    compilation is lazy exactly when ``revision`` is given: the set is then a cached copy,
    which compiled in full before it was kept (and every set the loader accepts compiles)."""
    if lazy is None:
        lazy = revision is not None
    packs = {p.id: p for p in policy.packs}
    compiled: list[CompiledRule] = []
    generic: dict[str, list[CompiledRule]] = {k: [] for k in KINDS}
    indexed: dict[str, dict[str, list[CompiledRule]]] = {k: {} for k in KINDS}
    by_command = indexed[_COMMAND]
    for pack in policy.packs:
        lists, conds = pack.lists, pack.conditions
        for rule in pack.rules:
            cr = CompiledRule(
                rule=rule,
                pack=pack,
                matcher=_matcher(rule.when, lists, conds, lazy),
                exceptions=tuple(
                    (_matcher(e.when, lists, conds, lazy), e.reason) for e in rule.exceptions
                ),
                order=len(compiled),
            )
            compiled.append(cr)
            kinds, programs = _index_of(rule.when, lists, conds)
            for kind in kinds:
                if programs and kind == _COMMAND:
                    for prog in programs:
                        by_command.setdefault(prog, []).append(cr)
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
        pack_waivers=MappingProxyType(
            {p.id: _compile_waivers(p.waivers, p, lazy) for p in policy.packs}
        ),
        assignment_waivers=MappingProxyType(
            {a.id: _compile_waivers(a.waivers, packs.get(a.pack), lazy) for a in policy.assignments}
        ),
        rules=tuple(compiled),
        has_waivers=any(p.waivers for p in policy.packs)
        or any(a.waivers for a in policy.assignments),
    )


def verdict_cap(mode_value: str) -> Verdict:
    return {"audit": Verdict.PASS, "warn": Verdict.WARN}.get(mode_value, Verdict.BLOCK)
