"""``gatepost check``: decide one action and explain the decision."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime

from gatepost import codec
from gatepost.action import Action, CommandInfo, Decision, Kind, Operation, Surface, Verdict
from gatepost.analysis.context import Environment
from gatepost.analysis.enrich import enrich
from gatepost.config import load_config
from gatepost.errors import PayloadError
from gatepost.identity import bind
from gatepost.policy.engine import evaluate
from gatepost.policy.source import load_in_force
from gatepost.protected import protected_for


def _command_action(text: str, cwd: str) -> Action:
    return Action(
        surface=Surface(agent="cli", event="check", phase="pre"),
        operation=Operation(kind=Kind.COMMAND, cwd=cwd, command=CommandInfo(raw=text, cwd=cwd)),
    )


def run_check(args: argparse.Namespace) -> int:
    config = load_config()
    cwd = os.path.abspath(args.cwd or os.getcwd())
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if args.action:
        if cmd:
            raise PayloadError("give either --action or a command, not both")
        text = sys.stdin.read() if args.action == "-" else _read(args.action)
        action = codec.loads(Action, text)
        cwd = action.operation.cwd or cwd
    elif cmd:
        action = _command_action(" ".join(cmd), cwd)
    else:
        raise PayloadError("nothing to check: give -- COMMAND or --action FILE")
    if not action.time:
        action = replace(action, time=datetime.now(UTC).isoformat(timespec="milliseconds"))
    action = bind(action, config, cwd)
    env = Environment(
        home=str(config.user_home),
        gatepost_home=str(config.home),
        repo_root=action.actor.repository.root,
        protected=protected_for(
            str(config.user_home), str(config.home), action.actor.repository.root
        ),
    )
    loaded = load_in_force(config)
    if loaded.error is not None:
        print(
            f"gatepost: policy refused, using the {loaded.source} policy: {loaded.error}",
            file=sys.stderr,
        )
    start = time.perf_counter()
    action = enrich(action, env)
    decision = evaluate(loaded.policy, action)
    decision = replace(decision, evaluation_us=round((time.perf_counter() - start) * 1e6, 1))
    if args.json:
        print(codec.dumps({"action": action, "decision": decision}, indent=2))
    else:
        print(format_decision(decision))
    return 1 if decision.verdict in (Verdict.ASK, Verdict.BLOCK) else 0


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as exc:
        raise PayloadError(f"cannot read {path}: {exc.strerror}") from None


def format_decision(decision: Decision) -> str:
    """Human-readable decision: verdict, what produced it, why, and every other match."""
    lines = [f"verdict: {decision.verdict.value.upper()}"]
    win = decision.winner
    if win is None:
        lines.append(f"why:     {decision.explanation}")
    else:
        lines += [
            f"rule:    {win.rule_id} — {win.title} ({win.severity})",
            f"pack:    {win.pack_id} {win.pack_version}",
            f"assignment: {win.assignment_id} (scope {win.scope}, mode {win.mode.value})",
            f"why:     {win.explanation}",
            f"message: {win.message}",
        ]
        if win.waiver is not None:
            lines.append(
                f"waiver:  {win.waiver.waiver_id} by {win.waiver.owner}: {win.waiver.reason} "
                f"(until {win.waiver.expires})"
            )
        others = [m for m in decision.matches if m is not win]
        if others:
            lines.append("also matched:")
            for m in others:
                lines.append(
                    f"  - {m.verdict.value} {m.rule_id} via {m.assignment_id} ({m.mode.value}"
                    + (f", would {m.rule_verdict.value}" if m.verdict != m.rule_verdict else "")
                    + ")"
                )
    lines.append(f"policy:  revision {decision.policy_revision}, {decision.evaluation_us} µs")
    return "\n".join(lines)
