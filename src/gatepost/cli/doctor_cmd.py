"""``gatepost doctor``: show, per agent, whether gatepost's hooks are installed and answer."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from gatepost.installer import MODULES, agent_name
from gatepost.installer.doctor import NOT_INSTALLED, OK, AgentReport, Probe, Report, examine
from gatepost.installer.files import place_from
from gatepost.installer.probe import DANGEROUS, HARMLESS, Answer


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "doctor",
        allow_abbrev=False,
        help="check, per agent, that gatepost's hooks are installed and really answer",
        description="For every agent: find its hook files (user, project, managed), list the "
        "events that run gatepost, and run each configured pre-tool hook command with a "
        f"synthetic payload — `{HARMLESS}` must pass, `{DANGEROUS}` must be blocked in the "
        "agent's native reply. The probes are decided and recorded like real events (session "
        "id gatepost-doctor). Exit status: 0 fine, 1 an installed agent is broken or the "
        "policy is refused.",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--agent",
        action="append",
        metavar="AGENT",
        help=f"check only this agent (repeatable; one of: {', '.join(MODULES)})",
    )


def run(args: argparse.Namespace) -> int:
    agents = [agent_name(a) for a in args.agent] if args.agent else None
    report = examine(place_from(os.environ, Path.cwd()), dict(os.environ), agents)
    waiting, evidence = _evidence()
    if args.json:
        print(json.dumps(as_dict(report) | {"evidence": {"waiting": waiting}}, indent=2))
    else:
        print(describe(report))
        print(f"{'!! EVIDENCE: ' if waiting else 'evidence: '}{evidence}")
    return report.exit_code


def _evidence() -> tuple[int, str]:
    """Events journaled but not yet in the store (a store or home that cannot be written)."""
    from gatepost.runtime.client import gatepost_home
    from gatepost.runtime.journal import describe_pending

    return describe_pending(Path(gatepost_home(os.environ)))


def _answer(a: Answer | None) -> dict[str, str] | None:
    return None if a is None else {"verdict": a.verdict, "detail": a.detail}


def _probe(p: Probe) -> dict[str, Any]:
    return {
        "command": p.command,
        "event": p.event,
        "payload": p.variant,
        "names_agent": p.named,
        "harmless": _answer(p.harmless),
        "dangerous": _answer(p.dangerous),
        "problem": p.problem,
    }


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "ok": report.exit_code == 0,
        "policy": {
            "ok": report.policy.ok,
            "message": report.policy.message,
            "warnings": list(report.policy.warnings),
        },
        "agents": [
            {
                "agent": a.agent,
                "status": a.status,
                "files": [
                    {
                        "path": f.path,
                        "scope": f.scope,
                        "own": f.own,
                        "gatepost_events": list(f.events),
                        "problem": f.problem,
                        "disabled": f.disabled,
                    }
                    for f in a.files
                ],
                "probes": [_probe(p) for p in a.probes],
                "problems": list(a.problems),
                "warnings": list(a.warnings),
                "notes": list(a.notes),
            }
            for a in report.agents
        ],
    }


def _verdict(a: Answer | None) -> str:
    return "no answer" if a is None else a.verdict


def _agent_lines(a: AgentReport) -> list[str]:
    lines = [f"{a.agent:<12} {a.status:<14} {a.title}"]
    for f in a.files:
        if f.events:
            lines.append(f"    {f.path} ({f.scope}): {', '.join(f.events)}")
        elif a.status != NOT_INSTALLED and f.own and not f.problem and not f.disabled:
            lines.append(f"    {f.path} ({f.scope}): no gatepost hook")
    for p in a.probes:
        lines.append(
            f"    probe {p.event} `{p.command}`: `{HARMLESS}` {_verdict(p.harmless)}, "
            f"`{DANGEROUS}` {_verdict(p.dangerous)}"
        )
    lines += [f"    problem: {text}" for text in a.problems]
    lines += [f"    note: {text}" for text in a.notes]
    return lines


def describe(report: Report) -> str:
    lines = ["gatepost doctor"]
    if report.policy.ok:
        lines.append(f"  {report.policy.message}")
    else:
        lines.append(f"!! POLICY: {report.policy.message}")
    lines += [f"!! POLICY: {text}" for text in report.policy.warnings]
    lines.append("")
    for a in report.agents:
        lines += _agent_lines(a)
    loud = [(a.agent, w) for a in report.agents for w in a.warnings]
    loud += [(a.agent, f"BROKEN: {p}") for a in report.agents if a.status != OK for p in a.problems]
    if loud:
        lines.append("")
        lines += [f"!! {agent}: {text}" for agent, text in loud]
    ok = [a.agent for a in report.agents if a.status == OK]
    broken = [a.agent for a in report.agents if a.status not in (OK, NOT_INSTALLED)]
    lines.append("")
    lines.append(
        f"protected: {', '.join(ok) or 'none'}"
        + (f"; BROKEN: {', '.join(broken)}" if broken else "")
    )
    return "\n".join(lines)
