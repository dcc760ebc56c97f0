"""Resolution: strictest wins, modes cap, waivers and exceptions, scopes; whole decisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatepost.action import Decision, Match, Mode, Verdict, WaiverUse
from gatepost.policy.engine import evaluate

from .helpers import command_action, pack_from, policy_from

PACK_A = """\
pack: {id: pa, version: "1", title: Pack A}
rules:
  - id: rm-root
    title: rm of root
    severity: critical
    verdict: block
    message: denied
    when: {command: {program: [rm], args_any: ["/"]}}
    tests: {match: ["rm -rf /"], no_match: [ls]}
  - id: any-rm
    title: any rm
    severity: low
    verdict: warn
    message: careful
    when: {command: {program: [rm]}}
    exceptions:
      - when: {command: {program: [rm], args_any: ["/tmp/*"]}}
        reason: temp files
    tests: {match: ["rm x"], no_match: [ls]}
"""
PACK_B = """\
pack: {id: pb, version: "3", title: Pack B}
rules:
  - id: ask-rm
    title: rm needs approval
    severity: high
    verdict: ask
    message: approve
    when: {command: {program: [rm]}}
    tests: {match: ["rm x"], no_match: [ls]}
"""


def _match(
    rule: str,
    pack: str,
    version: str,
    title: str,
    severity: str,
    rule_verdict: Verdict,
    verdict: Verdict,
    assignment: str,
    scope: str,
    mode: Mode,
    message: str,
    explanation: str,
    waiver: WaiverUse | None = None,
) -> Match:
    return Match(
        pack_id=pack,
        pack_version=version,
        rule_id=rule,
        title=title,
        severity=severity,
        rule_verdict=rule_verdict,
        verdict=verdict,
        assignment_id=assignment,
        scope=scope,
        mode=mode,
        message=message,
        explanation=explanation,
        waiver=waiver,
    )


def test_strictest_verdict_wins_and_decision_names_everything(tmp_path: Path) -> None:
    policy = policy_from(
        tmp_path,
        [pack_from(tmp_path, PACK_A, "a.yaml"), pack_from(tmp_path, PACK_B, "b.yaml")],
        "assignments:\n"
        "  - {id: org-a, pack: pa, scope: org, mode: enforce}\n"
        "  - {id: eng-b, pack: pb, scope: 'group:eng', mode: enforce}\n",
    )
    decision = evaluate(policy, command_action("rm", "-rf", "/", groups=("eng",)))
    block = _match(
        "pa/rm-root",
        "pa",
        "1",
        "rm of root",
        "critical",
        Verdict.BLOCK,
        Verdict.BLOCK,
        "org-a",
        "org",
        Mode.ENFORCE,
        "denied",
        "runs `rm -rf /`: argument '/'",
    )
    warn = _match(
        "pa/any-rm",
        "pa",
        "1",
        "any rm",
        "low",
        Verdict.WARN,
        Verdict.WARN,
        "org-a",
        "org",
        Mode.ENFORCE,
        "careful",
        "runs `rm -rf /`",
    )
    ask = _match(
        "pb/ask-rm",
        "pb",
        "3",
        "rm needs approval",
        "high",
        Verdict.ASK,
        Verdict.ASK,
        "eng-b",
        "group:eng",
        Mode.ENFORCE,
        "approve",
        "runs `rm -rf /`",
    )
    assert decision == Decision(
        verdict=Verdict.BLOCK,
        winner=block,
        matches=(block, warn, ask),
        explanation="block: rm of root [pa/rm-root] — runs `rm -rf /`: argument '/' "
        "(+2 other matches)",
        policy_revision=policy.revision,
    )


def test_audit_records_would_block_and_enforces_nothing(tmp_path: Path) -> None:
    policy = policy_from(
        tmp_path,
        [pack_from(tmp_path, PACK_A)],
        "assignments:\n  - {id: learn, pack: pa, scope: org, mode: audit}\n",
    )
    decision = evaluate(policy, command_action("rm", "-rf", "/"))
    assert decision.verdict == Verdict.PASS
    assert decision.winner is not None and decision.winner.rule_id == "pa/rm-root"
    assert [(m.rule_id, m.rule_verdict, m.verdict) for m in decision.would_block] == [
        ("pa/rm-root", Verdict.BLOCK, Verdict.PASS)
    ]
    assert decision.explanation.startswith("pass (rule asks block; audit mode via learn)")


def test_warn_mode_caps_at_warn(tmp_path: Path) -> None:
    policy = policy_from(
        tmp_path,
        [pack_from(tmp_path, PACK_A)],
        "assignments:\n  - {id: soft, pack: pa, scope: org, mode: warn}\n",
    )
    assert evaluate(policy, command_action("rm", "-rf", "/")).verdict == Verdict.WARN


def test_exception_suppresses_only_its_rule(tmp_path: Path) -> None:
    policy = policy_from(
        tmp_path,
        [pack_from(tmp_path, PACK_A)],
        "assignments:\n  - {id: org, pack: pa, scope: org, mode: enforce}\n",
    )
    assert evaluate(policy, command_action("rm", "/tmp/x")).matches == ()
    assert [m.rule_id for m in evaluate(policy, command_action("rm", "x")).matches] == ["pa/any-rm"]


WAIVED = """\
assignments:
  - id: org
    pack: pa
    scope: org
    mode: enforce
    waivers:
      - id: w-migrate
        rules: [pa/rm-root]
        reason: disk migration INC-42
        expires: "2026-07-01T00:00:00Z"
  - {id: org2, pack: pa, scope: 'repo:github.com/acme/*', mode: enforce}
"""


def test_waiver_applies_only_before_expiry_and_only_to_its_owner(tmp_path: Path) -> None:
    policy = policy_from(tmp_path, [pack_from(tmp_path, PACK_A)], WAIVED)
    before = evaluate(policy, command_action("rm", "/", time="2026-06-30T23:59:59Z"))
    waived = [m for m in before.matches if m.assignment_id == "org" and m.rule_id == "pa/rm-root"]
    assert waived[0].waiver == WaiverUse(
        waiver_id="w-migrate",
        reason="disk migration INC-42",
        expires="2026-07-01T00:00:00Z",
        owner="org",
    )
    assert waived[0].verdict == Verdict.PASS
    # the other assignment of the same pack is not the waiver's owner: still blocks
    assert before.verdict == Verdict.BLOCK
    assert before.winner is not None and before.winner.assignment_id == "org2"
    after = evaluate(policy, command_action("rm", "/", time="2026-07-01T00:00:01Z"))
    assert all(m.waiver is None for m in after.matches)


def test_waiver_needs_a_time(tmp_path: Path) -> None:
    policy = policy_from(tmp_path, [pack_from(tmp_path, PACK_A)], WAIVED)
    decision = evaluate(policy, command_action("rm", "/", time=""))
    assert all(m.waiver is None for m in decision.matches)


@pytest.mark.parametrize(
    ("scope", "covered"),
    [
        ("org", True),
        ("'group:eng'", True),
        ("'group:sales'", False),
        ("'user:alice@acme.com'", True),
        ("'user:alice'", True),
        ("'user:bob'", False),
        ("'host:h1'", True),
        ("'host:laptop'", True),
        ("'host:other'", False),
        ("'repo:github.com/acme/api'", True),
        ("'repo:github.com/acme/*'", True),
        ("'repo:github.com/other/*'", False),
        ("'agent:claude-code'", True),
        ("'agent:codex'", False),
    ],
)
def test_scopes(tmp_path: Path, scope: str, covered: bool) -> None:
    policy = policy_from(
        tmp_path,
        [pack_from(tmp_path, PACK_A)],
        f"assignments:\n  - {{id: x, pack: pa, scope: {scope}, mode: enforce}}\n",
    )
    decision = evaluate(policy, command_action("rm", "/", groups=("eng",)))
    assert (decision.verdict == Verdict.BLOCK) is covered


def test_no_assignment_no_policy(tmp_path: Path) -> None:
    policy = policy_from(tmp_path, [pack_from(tmp_path, PACK_A)], "assignments: []\n")
    assert evaluate(policy, command_action("rm", "/")) == Decision(
        explanation="no policy applies to this actor", policy_revision=policy.revision
    )
