"""The evidence report: what happened over a period, built in one pass over projected events.

Counts by verdict, pack, rule, agent, user and repository; a day-by-day series; the actions
blocked most often; and the "would block" list — every rule that asked for ask or block, more
than the event got, but was held back by its assignment's audit or warn mode — which tells a
team what enforcing a pack would change. Pure: events in (as projected by
gatepost.evidence.views), plain data out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gatepost.action import Verdict
from gatepost.evidence.display import summary, would_block
from gatepost.store.base import parse_time

__all__ = ["build_report", "format_report"]

_VERDICTS = tuple(v.value for v in Verdict)
_DIMENSIONS = ("pack", "rule", "agent", "user", "repository")


@dataclass
class _Held:
    """One rule's would-block matches, gathered across events."""

    pack: str
    rule: str
    title: str
    would: str = Verdict.ASK.value
    modes: set[str] = field(default_factory=set)
    assignments: set[str] = field(default_factory=set)
    events: int = 0
    example: dict[str, Any] = field(default_factory=dict)


def build_report(
    docs: Iterable[dict[str, Any]],
    *,
    since: str | None = None,
    until: str | None = None,
    top: int = 10,
) -> dict[str, Any]:
    """The report of the given events (oldest first, so examples are the latest seen)."""
    total = 0
    verdicts: Counter[str] = Counter()
    dims: dict[str, Counter[str]] = {d: Counter() for d in _DIMENSIONS}
    days: dict[str, Counter[str]] = {}
    blocked: Counter[tuple[str, str]] = Counter()
    held: dict[tuple[str, str], _Held] = {}
    for doc in docs:
        total += 1
        decision, actor = doc["decision"], doc["action"]["actor"]
        verdict = decision["verdict"]
        verdicts[verdict] += 1
        winner = decision["winner"]
        values = {
            "pack": winner["pack_id"] if winner else "",
            "rule": winner["rule_id"] if winner else "",
            "agent": actor["agent"]["name"] or doc["action"]["surface"]["agent"],
            "user": actor["user"]["id"],
            "repository": actor["repository"]["remote"],
        }
        for name, value in values.items():
            if value:
                dims[name][value] += 1
        days.setdefault(_day(doc["time"]), Counter())[verdict] += 1
        if verdict == Verdict.BLOCK.value:
            blocked[(values["rule"], summary(doc))] += 1
        _gather_held(held, doc)
    return {
        "since": since,
        "until": until,
        "events": total,
        "by_verdict": {v: verdicts[v] for v in _VERDICTS},
        **{f"by_{d}": _ranked(dims[d]) for d in _DIMENSIONS},
        "by_day": [
            {"day": day, "events": sum(c.values()), **{v: c[v] for v in _VERDICTS}}
            for day, c in sorted(days.items())
        ],
        "top_blocked": [
            {"rule": rule, "action": action, "count": n}
            for (rule, action), n in sorted(blocked.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        ],
        "would_block": [_held_entry(h) for _, h in sorted(held.items())],
    }


def _day(time: str) -> str:
    return parse_time(time).strftime("%Y-%m-%d")


def _ranked(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _gather_held(held: dict[tuple[str, str], _Held], doc: dict[str, Any]) -> None:
    seen: set[tuple[str, str]] = set()
    for m in would_block(doc["decision"]):
        key = (m["pack_id"], m["rule_id"])
        entry = held.setdefault(key, _Held(pack=key[0], rule=key[1], title=m["title"]))
        if Verdict(m["rule_verdict"]).rank > Verdict(entry.would).rank:
            entry.would = m["rule_verdict"]
        entry.modes.add(m["mode"])
        entry.assignments.add(m["assignment_id"])
        if key not in seen:  # one event counts once per rule, whatever its assignments
            seen.add(key)
            entry.events += 1
            entry.example = {
                "event_id": doc["id"],
                "time": doc["time"],
                "user": doc["action"]["actor"]["user"]["id"],
                "action": summary(doc),
            }


def _held_entry(h: _Held) -> dict[str, Any]:
    return {
        "pack": h.pack,
        "rule": h.rule,
        "title": h.title,
        "would": h.would,
        "modes": sorted(h.modes),
        "assignments": sorted(h.assignments),
        "events": h.events,
        "example": h.example,
    }


def format_report(report: dict[str, Any]) -> list[str]:
    """The report as text sections."""
    span = f"{report['since'] or 'the first event'} to {report['until'] or 'now'}"
    lines = [f"gatepost report: {report['events']} events, {span}", ""]
    lines += _section("by verdict", report["by_verdict"])
    for d in _DIMENSIONS:
        lines += _section(f"by {d}", report[f"by_{d}"])
    lines.append("by day:")
    for row in report["by_day"]:
        rest = ", ".join(f"{row[v]} {v}" for v in _VERDICTS if row[v])
        lines.append(f"  {row['day']}  {row['events']:>6}  ({rest})")
    if not report["by_day"]:
        lines.append("  (none)")
    lines += ["", "top blocked actions:"]
    lines += [f"  {b['count']:>6}  {b['rule']}  {b['action']}" for b in report["top_blocked"]]
    if not report["top_blocked"]:
        lines.append("  (none)")
    lines += ["", "would block if enforced (held back by audit or warn mode):"]
    for w in report["would_block"]:
        lines.append(
            f"  {w['events']:>6}  {w['rule']}  would {w['would']}  "
            f"[{', '.join(w['modes'])} via {', '.join(w['assignments'])}]  {w['title']}"
        )
        ex = w["example"]
        lines.append(f"          e.g. {ex['time']} {ex['user']}: {ex['action']}")
    if not report["would_block"]:
        lines.append("  (none)")
    return lines


def _section(title: str, counts: dict[str, int]) -> list[str]:
    lines = [f"{title}:"]
    lines += [f"  {n:>6}  {value}" for value, n in counts.items()]
    if not counts:
        lines.append("  (none)")
    return [*lines, ""]
