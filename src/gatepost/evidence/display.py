"""Pure formatters of projected events (see gatepost.evidence.views): one-line summaries,
verdict labels that mark audit- and warn-mode "would have" verdicts, the event table and the
session timeline. They read only what the projection left in, so a viewer's lines carry no
command text, path or URL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gatepost.action import Mode, Verdict

_SUMMARY_CAP = 120
_COLUMNS = ("time", "verdict", "kind", "agent", "user", "rule", "action")


def would_block(decision: dict[str, Any]) -> list[dict[str, Any]]:
    """The decision's matches that would have made it stricter, up to ask or block, had their
    assignment been enforced: the rule asks for ask or block, more than the decision's verdict,
    and audit or warn mode (not a waiver) held it back."""
    verdict = _rank(decision["verdict"])
    return [
        m
        for m in decision["matches"]
        if m.get("mode") in (Mode.AUDIT.value, Mode.WARN.value)
        and not m.get("waiver")
        and _rank(m["rule_verdict"]) >= Verdict.ASK.rank
        and _rank(m["rule_verdict"]) > verdict
    ]


def _rank(verdict: str) -> int:
    return Verdict(verdict).rank


def strictest_would(decision: dict[str, Any]) -> dict[str, Any] | None:
    """The would-block match asking for the most (the first of them on ties)."""
    best: dict[str, Any] | None = None
    for m in would_block(decision):
        if best is None or _rank(m["rule_verdict"]) > _rank(best["rule_verdict"]):
            best = m
    return best


def verdict_label(doc: dict[str, Any]) -> str:
    """``block``, or ``pass (audit: would block)`` when a mode held a stricter verdict back."""
    decision = doc["decision"]
    label = str(decision["verdict"])
    held = strictest_would(decision)
    if held is not None:
        label += f" ({held['mode']}: would {held['rule_verdict']})"
    return label


def summary(doc: dict[str, Any]) -> str:
    """What the action was, in one line, from what the projection kept: the command, paths,
    URLs, search query, MCP tool or content; for a viewer, the agent's tool or event name."""
    op = doc["action"]["operation"]
    text = ""
    if op.get("command"):
        text = op["command"]["raw"]
    elif op.get("paths"):
        text = " ".join(p["path"] or p["raw"] for p in op["paths"])
    elif op.get("urls"):
        text = " ".join(u["raw"] for u in op["urls"])
    elif op.get("query"):
        text = op["query"]
    elif op.get("mcp"):
        text = f"{op['mcp']['server']}/{op['mcp']['tool']}"
    elif op.get("content"):
        text = op["content"]
    if not text:
        surface = doc["action"]["surface"]
        text = surface.get("tool") or surface.get("event") or ""
    return _one_line(text)


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _SUMMARY_CAP else line[: _SUMMARY_CAP - 1] + "…"


def short_time(text: str) -> str:
    """``2026-06-01T12:00:00.123456Z`` as ``2026-06-01 12:00:00`` (as recorded, no conversion)."""
    return text.replace("T", " ")[:19]


def event_row(doc: dict[str, Any]) -> tuple[str, ...]:
    actor = doc["action"]["actor"]
    winner = doc["decision"]["winner"]
    return (
        short_time(doc["time"]),
        verdict_label(doc),
        doc["action"]["operation"]["kind"],
        actor["agent"]["name"] or doc["action"]["surface"]["agent"],
        actor["user"]["id"],
        winner["rule_id"] if winner else "",
        summary(doc),
    )


def table(docs: Iterable[dict[str, Any]]) -> list[str]:
    """The events as aligned text columns under a header (the last column is not padded)."""
    rows = [_COLUMNS, *(event_row(d) for d in docs)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_COLUMNS) - 1)]
    return [
        "  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]]).rstrip()
        for r in rows
    ]


def timeline(docs: Iterable[dict[str, Any]]) -> list[str]:
    """One entry per action, oldest first: time, verdict label, kind and what it was, then the
    rule that decided it with its explanation (its title for a viewer), and every match a mode
    held back."""
    lines: list[str] = []
    for doc in docs:
        decision = doc["decision"]
        lines.append(
            f"{short_time(doc['time'])}  {verdict_label(doc)}  "
            f"{doc['action']['operation']['kind']}  {summary(doc)}".rstrip()
        )
        winner = decision["winner"]
        if winner is not None:
            why = winner.get("explanation") or winner["title"]
            lines.append(f"    {winner['rule_id']} [{winner['mode']}]: {_one_line(why)}")
        elif decision.get("explanation"):
            lines.append(f"    {_one_line(decision['explanation'])}")
        elif decision.get("fail_mode"):
            lines.append(f"    gatepost could not decide: failed {decision['fail_mode']}")
        for m in would_block(decision):
            if m != winner:
                lines.append(
                    f"    would {m['rule_verdict']}: {m['rule_id']} "
                    f"({m['mode']} mode via {m['assignment_id']})"
                )
    return lines
