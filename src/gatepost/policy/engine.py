"""``evaluate(policy, action) -> Decision``: pure, no I/O, no clock, no globals.

Resolution (DESIGN §3): every assignment whose scope covers the actor applies its pack; each
rule match gets an effective verdict (the rule's verdict capped by the assignment's mode, or
pass under a valid waiver); the strictest effective verdict wins. Adding an assignment only
adds matches, so it can never make a verdict less strict.
"""

from __future__ import annotations

import fnmatch
from typing import TYPE_CHECKING

from gatepost.action import Action, Actor, Decision, Match, Mode, Verdict, WaiverUse
from gatepost.policy.compile import CompiledPolicy, CompiledRule, CompiledWaiver
from gatepost.policy.facts import Facts
from gatepost.policy.model import Assignment, Scope

if TYPE_CHECKING:
    from datetime import datetime

_SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
_CAP = {Mode.AUDIT: Verdict.PASS, Mode.WARN: Verdict.WARN, Mode.ENFORCE: Verdict.BLOCK}


def scope_covers(scope: Scope, actor: Actor, agent: str) -> bool:
    t, v = scope.type, scope.value
    if t == "org":
        return True
    if t == "group":
        return v in actor.groups
    if t == "user":
        return v in (actor.user.id, actor.user.os_account) and v != ""
    if t == "host":
        return v in (actor.host.id, actor.host.name) and v != ""
    if t == "repo":
        remote = actor.repository.remote
        return remote != "" and fnmatch.fnmatchcase(remote, v)
    if t == "agent":
        return v in (actor.agent.name, agent) and v != ""
    return False


def applicable(policy: CompiledPolicy, action: Action) -> dict[str, list[Assignment]]:
    """Assignments that apply to this action's actor, grouped by pack id."""
    out: dict[str, list[Assignment]] = {}
    for a in policy.assignments:
        if scope_covers(a.scope, action.actor, action.surface.agent):
            out.setdefault(a.pack, []).append(a)
    return out


def _candidates(policy: CompiledPolicy, facts: Facts) -> list[CompiledRule]:
    kind = facts.action.operation.kind.value
    rules = list(policy.by_kind.get(kind, ()))
    by_prog = policy.by_program.get(kind)
    if by_prog:
        seen = {r.order for r in rules}
        for prog in facts.programs:
            for r in by_prog.get(prog, ()):
                if r.order not in seen:
                    seen.add(r.order)
                    rules.append(r)
        rules.sort(key=lambda r: r.order)
    return rules


def _parse_time(text: str) -> datetime | None:
    if not text:
        return None
    from datetime import datetime  # only where waivers exist: ~1.5 ms of a cold hook

    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def _waiver(
    waivers: tuple[CompiledWaiver, ...], rule_id: str, when: datetime | None, facts: Facts
) -> WaiverUse | None:
    if when is None:
        return None
    for w in waivers:
        if (
            when < w.expires
            and w.covers(rule_id)
            and (w.matcher is None or w.matcher(facts) is not None)
        ):
            return WaiverUse(
                waiver_id=w.waiver.id,
                reason=w.waiver.reason,
                expires=w.waiver.expires,
                owner=w.waiver.owner,
            )
    return None


def _rank(m: Match) -> tuple[int, int, int]:
    return (m.verdict.rank, m.rule_verdict.rank, _SEVERITY_RANK.get(m.severity, 0))


def evaluate(policy: CompiledPolicy, action: Action) -> Decision:
    by_pack = applicable(policy, action)
    if not by_pack:
        return Decision(
            explanation="no policy applies to this actor", policy_revision=policy.revision
        )
    facts = Facts(action)
    when = _parse_time(action.time) if policy.has_waivers else None  # datetime only for waivers
    matches: list[Match] = []
    for cr in _candidates(policy, facts):
        assignments = by_pack.get(cr.pack.id)
        if not assignments:
            continue
        why = cr.matcher(facts)
        if why is None:
            continue
        if any(exc(facts) is not None for exc, _ in cr.exceptions):
            continue
        rule = cr.rule
        pack_waiver = _waiver(policy.pack_waivers.get(cr.pack.id, ()), rule.id, when, facts)
        for a in assignments:
            waiver = pack_waiver or _waiver(
                policy.assignment_waivers.get(a.id, ()), rule.id, when, facts
            )
            cap = _CAP[a.mode]
            effective = Verdict.PASS if waiver else min(rule.verdict, cap, key=_verdict_rank)
            matches.append(
                Match(
                    pack_id=cr.pack.id,
                    pack_version=cr.pack.version,
                    rule_id=rule.id,
                    title=rule.title,
                    severity=rule.severity,
                    rule_verdict=rule.verdict,
                    verdict=effective,
                    assignment_id=a.id,
                    scope=str(a.scope),
                    mode=a.mode,
                    message=rule.message,
                    explanation=why or rule.title,
                    waiver=waiver,
                )
            )
    if not matches:
        return Decision(explanation="no rule matched", policy_revision=policy.revision)
    winner = max(matches, key=_rank)  # first of the strictest: max keeps the earliest on ties
    return Decision(
        verdict=winner.verdict,
        winner=winner,
        matches=tuple(matches),
        explanation=_explain(winner, matches),
        policy_revision=policy.revision,
    )


def _verdict_rank(v: Verdict) -> int:
    return v.rank


def _explain(winner: Match, matches: list[Match]) -> str:
    if winner.waiver is not None:
        head = (
            f"{winner.rule_verdict.value} waived by {winner.waiver.waiver_id} "
            f"({winner.waiver.reason}, until {winner.waiver.expires})"
        )
    elif winner.verdict != winner.rule_verdict:
        head = (
            f"{winner.verdict.value} (rule asks {winner.rule_verdict.value}; "
            f"{winner.mode.value} mode via {winner.assignment_id})"
        )
    else:
        head = winner.verdict.value
    text = f"{head}: {winner.title} [{winner.rule_id}] — {winner.explanation}"
    others = len(matches) - 1
    if others:
        text += f" (+{others} other match{'es' if others > 1 else ''})"
    return text
