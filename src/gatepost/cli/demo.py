"""``gatepost demo``: replay a recorded Claude Code session through the one decision path.

The session's payloads are replayed in a throw-away demo repository under GATEPOST_HOME, so
the run is the same on every machine. Each decision is printed with its explanation and the
exact native reply the agent would receive.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from gatepost import codec
from gatepost.adapters import claude_code
from gatepost.config import load_config
from gatepost.evidence.record import make_event
from gatepost.pipeline import run_one
from gatepost.policy.source import load_in_force
from gatepost.runtime.fallback import record

SAMPLE = "claude-code-session.jsonl"


def _demo_repo() -> Path:
    repo = Path(tempfile.mkdtemp(prefix="gatepost-demo-")) / "acme-api"
    git = repo / ".git"
    git.mkdir(parents=True, exist_ok=True)
    (git / "HEAD").write_text("ref: refs/heads/feature/signup-validation\n")
    (git / "config").write_text('[remote "origin"]\n\turl = git@github.com:acme/api.git\n')
    (repo / "src").mkdir(exist_ok=True)
    return repo


def _payloads(repo: Path, user_home: Path) -> list[dict[str, Any]]:
    text = resources.files("gatepost").joinpath("samples", SAMPLE).read_text(encoding="utf-8")
    text = text.replace("{REPO}", str(repo)).replace("{HOME}", str(user_home))
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def run_demo(args: argparse.Namespace) -> int:
    config = load_config()
    loaded = load_in_force(config, save=False)
    repo = _demo_repo()
    counts: dict[str, int] = {}
    events = []
    try:
        outcomes = [
            run_one(claude_code, p, config, loaded.policy)
            for p in _payloads(repo, config.user_home)
        ]
    finally:
        shutil.rmtree(repo.parent, ignore_errors=True)
    for out in outcomes:
        events.append(make_event(out.action, out.decision))
        verdict = out.decision.verdict.value
        counts[verdict] = counts.get(verdict, 0) + 1
        if args.json:
            print(codec.dumps({"action": out.action, "decision": out.decision, "reply": out.reply}))
            continue
        what = _describe(out.action.raw)
        print(f"[{verdict.upper():5}] {what}")
        win = out.decision.winner
        if win is not None:
            print(
                f"        {win.rule_id} ({win.pack_id} {win.pack_version}), "
                f"assignment {win.assignment_id} [{win.scope}, {win.mode.value}]"
            )
            print(f"        why: {win.explanation}")
        reply = out.reply
        if reply.stdout or reply.exit_code:
            print(f"        reply: exit {reply.exit_code} {reply.stdout.strip()[:160]}")
    problem = record(config, events)
    if not args.json:
        where = problem or f"recorded {len(events)} events in {config.store_url}"
        print(f"\n{where}")
        summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
        print(
            f"\n{sum(counts.values())} events replayed: {summary} "
            f"(policy revision {loaded.policy.revision})"
        )
    return 0


def _describe(payload: dict[str, Any]) -> str:
    event = str(payload.get("hook_event_name", "?"))
    tool = payload.get("tool_name")
    if not tool:
        return event
    inp = payload.get("tool_input", {})
    detail = inp.get("command") or inp.get("file_path") or inp.get("url") or json.dumps(inp)[:80]
    detail = str(detail)
    return f"{event} {tool}: {detail}"
