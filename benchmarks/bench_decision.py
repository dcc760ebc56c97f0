"""In-process decision speed: enrich + evaluate with the shipped packs over a realistic mix,
and a five-rule policy in gatepost and in Cedar (cedarpy) side by side.

Run: python benchmarks/bench_decision.py [--rounds N]
The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gatepost.action import Action, Kind, Verdict  # noqa: E402
from gatepost.analysis.enrich import enrich  # noqa: E402
from gatepost.config import SHIPPED_PACKS  # noqa: E402
from gatepost.policy.cases import CASE_ENV, case_action  # noqa: E402
from gatepost.policy.compile import compile_policy  # noqa: E402
from gatepost.policy.engine import evaluate  # noqa: E402
from gatepost.policy.load import load_pack, load_policy_set  # noqa: E402
from gatepost.policy.model import PolicySet  # noqa: E402
from workload import weighted  # noqa: E402


def _raw(action: Action) -> Action:
    """The action as an adapter hands it over: before enrichment."""
    op = action.operation
    cmd = op.command
    return replace(
        action,
        flags=(),
        operation=replace(
            op,
            command=replace(cmd, commands=(), parse_errors=False, heredocs=()) if cmd else None,
            paths=tuple(replace(p, path=p.raw or p.path, classes=()) for p in op.paths)
            if op.kind != Kind.COMMAND
            else (),
            urls=tuple(
                replace(u, scheme="", host="", port=0, path="", ip_class="", classes=())
                for u in op.urls
            )
            if op.kind != Kind.COMMAND
            else (),
        ),
    )


def _percentiles(samples: list[float]) -> tuple[float, float]:
    samples.sort()
    return (statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))])


def _time_each(fn: Any, items: list[Any], rounds: int) -> list[float]:
    out: list[float] = []
    gc.disable()
    try:
        for _ in range(rounds):
            for item in items:
                t = time.perf_counter_ns()
                fn(item)
                out.append((time.perf_counter_ns() - t) / 1000)
    finally:
        gc.enable()
    return out


def cedar_context(action: Action) -> tuple[str, dict[str, Any]]:
    op = action.operation
    if op.kind == Kind.COMMAND and op.command:
        progs = [c.program for c in op.command.commands]
        recursive = any(
            a in ("-r", "-R", "--recursive")
            or (a.startswith("-") and not a.startswith("--") and ("r" in a or "R" in a))
            for c in op.command.commands
            if c.program == "rm"
            for a in c.argv
        )
        targets = [
            a
            for c in op.command.commands
            if c.program == "rm"
            for a in c.argv
            if not a.startswith("-")
        ]
        return "command", {"programs": progs, "recursive": recursive, "targets": targets}
    if op.kind in (Kind.FILE_READ, Kind.FILE_WRITE):
        path = op.paths[0].path if op.paths else ""
        return op.kind.value, {"path": path, "name": path.rsplit("/", 1)[-1]}
    if op.kind == Kind.WEB_FETCH:
        return "web_fetch", {"scheme": op.urls[0].scheme if op.urls else ""}
    if op.kind == Kind.MCP_CALL and op.mcp:
        return "mcp_call", {"tool": op.mcp.tool}
    return op.kind.value, {}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    rounds = ap.parse_args().rounds

    shipped = compile_policy(load_policy_set(sorted(SHIPPED_PACKS.glob("*.yaml")), None))
    enriched = [case_action(c) for c in weighted()]
    raw = [_raw(a) for a in enriched]
    assert [enrich(a, CASE_ENV) for a in raw] == enriched, "raw actions must enrich back"

    def full(a: Action) -> None:
        evaluate(shipped, enrich(a, CASE_ENV))

    def engine_only(a: Action) -> None:
        evaluate(shipped, a)

    _time_each(full, raw, 5)  # warm up
    full_p50, full_p99 = _percentiles(_time_each(full, raw, rounds))
    eval_p50, eval_p99 = _percentiles(_time_each(engine_only, enriched, rounds))
    print(f"actions in mix: {len(raw)}; rounds: {rounds}")
    print(
        f"shipped packs ({len(shipped.rules)} rules), enrich+evaluate: "
        f"p50 {full_p50:.1f} µs, p99 {full_p99:.1f} µs"
    )
    print(f"shipped packs, evaluate only: p50 {eval_p50:.1f} µs, p99 {eval_p99:.1f} µs")

    # ---- five-rule policy: gatepost vs cedarpy on the same actions
    import cedarpy

    five = compile_policy(
        PolicySet(
            packs=(load_pack(HERE / "five_rules.yaml"),),
            assignments=load_policy_set([HERE / "five_rules.yaml"], None).assignments,
        )
    )
    cedar_policies = cedarpy.PolicySet.from_str((HERE / "five_rules.cedar").read_text())
    entities = cedarpy.Entities.from_json_str("[]")
    requests = []
    for a in enriched:
        act, ctx = cedar_context(a)
        requests.append(
            {
                "principal": 'User::"dev"',
                "action": f'Action::"{act}"',
                "resource": 'Workspace::"project"',
                "context": ctx,
            }
        )

    # both engines must agree on every action before their speed means anything
    for a, req in zip(enriched, requests, strict=True):
        g = evaluate(five, a).verdict == Verdict.BLOCK
        c = cedarpy.is_authorized(req, cedar_policies, entities).decision == cedarpy.Decision.Deny
        assert g == c, (a.operation, req)

    def gp_eval(a: Action) -> None:
        evaluate(five, a)

    def gp_full(a: Action) -> None:
        evaluate(five, enrich(a, CASE_ENV))

    def cedar(req: dict[str, Any]) -> None:
        cedarpy.is_authorized(req, cedar_policies, entities)

    _time_each(cedar, requests, 3)
    g50, g99 = _percentiles(_time_each(gp_eval, enriched, rounds))
    gf50, gf99 = _percentiles(_time_each(gp_full, raw, rounds))
    c50, c99 = _percentiles(_time_each(cedar, requests, rounds))
    print(f"five rules, gatepost evaluate: p50 {g50:.2f} µs, p99 {g99:.2f} µs")
    print(f"five rules, gatepost enrich+evaluate: p50 {gf50:.2f} µs, p99 {gf99:.2f} µs")
    print(
        f"five rules, cedarpy is_authorized (pre-parsed policies and entities, facts given): "
        f"p50 {c50:.2f} µs, p99 {c99:.2f} µs"
    )
    print(
        f"full_p50_us={full_p50:.1f} full_p99_us={full_p99:.1f} eval_p50_us={eval_p50:.1f} "
        f"eval_p99_us={eval_p99:.1f} five_gatepost_p50_us={g50:.2f} "
        f"five_gatepost_full_p50_us={gf50:.2f} five_cedar_p50_us={c50:.2f} "
        f"cedar_over_gatepost={c50 / g50:.2f} cedar_over_gatepost_full={c50 / gf50:.2f}"
    )


if __name__ == "__main__":
    main()
