"""Loading packs and assignments: good files load into whole models, bad files are refused
with file, line and rule id."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatepost.action import Mode, Verdict
from gatepost.config import SHIPPED_PACKS
from gatepost.errors import PolicyError
from gatepost.policy.load import load_assignments, load_pack, load_policy_set
from gatepost.policy.model import Assignment, Exception_, Pack, Rule, RuleTests, Scope, Waiver

GOOD = """\
pack:
  id: demo
  version: "2.1"
  title: Demo pack
lists:
  shells: [sh, bash]
rules:
  - id: no-shell
    title: No shells
    severity: high
    verdict: block
    message: Shells are not allowed.
    when:
      command: {program: $shells}
    exceptions:
      - when: {command: {program: [sh], args_any: ["-n"]}}
        reason: syntax check only
    tests:
      match: [bash -c 'ls']
      no_match: [ls]
waivers:
  - id: w1
    rules: ["demo/*"]
    reason: migration week
    expires: "2026-12-31T00:00:00Z"
"""


def test_good_pack_loads_into_whole_model(tmp_path: Path) -> None:
    f = tmp_path / "demo.yaml"
    f.write_text(GOOD)
    assert load_pack(f) == Pack(
        id="demo",
        version="2.1",
        title="Demo pack",
        rules=(
            Rule(
                id="demo/no-shell",
                title="No shells",
                severity="high",
                verdict=Verdict.BLOCK,
                message="Shells are not allowed.",
                when={"command": {"program": "$shells"}},
                exceptions=(
                    Exception_(
                        when={"command": {"program": ["sh"], "args_any": ["-n"]}},
                        reason="syntax check only",
                        line=16,
                    ),
                ),
                tests=RuleTests(match=("bash -c 'ls'",), no_match=("ls",)),
                line=8,
            ),
        ),
        lists={"shells": ("sh", "bash")},
        waivers=(
            Waiver(
                id="w1",
                rules=("demo/*",),
                reason="migration week",
                expires="2026-12-31T00:00:00Z",
                owner="demo",
                line=22,
            ),
        ),
        file=str(f),
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "rule_id", "message"),
    [
        (
            "verdict: block",
            "verdict: deny",
            11,
            "demo/no-shell",
            "verdict must be one of pass, warn, ask, block",
        ),
        (
            "severity: high",
            "severity: urgent",
            10,
            "demo/no-shell",
            "severity must be one of info, low, medium, high, critical",
        ),
        (
            "program: $shells",
            "program: $shellz",
            14,
            "demo/no-shell",
            "'program' refers to unknown list '$shellz'",
        ),
        (
            "command: {program: $shells}",
            "comand: {program: $shells}",
            14,
            "demo/no-shell",
            "unknown condition 'comand' in when",
        ),
        (
            "    message: Shells are not allowed.\n",
            "",
            8,
            "demo/no-shell",
            "missing required field 'message'",
        ),
        (
            'expires: "2026-12-31T00:00:00Z"',
            'expires: "next week"',
            25,
            "",
            "expires must be an RFC 3339 time with its zone",
        ),
        ("  shells: [sh, bash]", "  shells: [sh, bash\n", 6, "", "invalid YAML"),
    ],
)
def test_bad_pack_is_refused_with_file_line_and_rule(
    tmp_path: Path, old: str, new: str, line: int, rule_id: str, message: str
) -> None:
    f = tmp_path / "demo.yaml"
    assert old in GOOD
    f.write_text(GOOD.replace(old, new))
    with pytest.raises(PolicyError) as info:
        load_pack(f)
    err = info.value
    assert (err.file, err.line, err.rule_id) == (str(f), line, rule_id)
    assert err.message.startswith(message)
    assert str(err).startswith(f"{f}:{line}")


def test_unknown_flag_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "demo.yaml"
    f.write_text(GOOD.replace("command: {program: $shells}", "flags_any: [pipes_to_shell]"))
    with pytest.raises(PolicyError) as info:
        load_pack(f)
    assert (info.value.line, info.value.rule_id, info.value.message) == (
        14,
        "demo/no-shell",
        "unknown risk flag(s) pipes_to_shell",
    )


def test_duplicate_keys_and_rule_ids_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "demo.yaml"
    f.write_text(GOOD.replace("    severity: high\n", "    severity: high\n    severity: low\n"))
    with pytest.raises(PolicyError, match="duplicate key 'severity'"):
        load_pack(f)
    rule = GOOD[GOOD.index("  - id: no-shell") : GOOD.index("waivers:")]
    f.write_text(GOOD.replace("waivers:", rule + "waivers:", 1))
    with pytest.raises(PolicyError) as info:
        load_pack(f)
    assert (info.value.rule_id, info.value.message) == ("demo/no-shell", "duplicate rule id")


def test_assignments_load_and_reject_bad_scope(tmp_path: Path) -> None:
    f = tmp_path / "assignments.yaml"
    f.write_text(
        "assignments:\n"
        "  - {id: a1, pack: demo, scope: org, mode: audit}\n"
        "  - id: a2\n    pack: demo\n    scope: group:platform\n    mode: enforce\n"
    )
    assert load_assignments(f) == (
        Assignment(id="a1", pack="demo", scope=Scope("org"), mode=Mode.AUDIT, line=2, file=str(f)),
        Assignment(
            id="a2",
            pack="demo",
            scope=Scope("group", "platform"),
            mode=Mode.ENFORCE,
            line=3,
            file=str(f),
        ),
    )
    f.write_text("assignments:\n  - {id: a1, pack: demo, scope: 'team:x', mode: audit}\n")
    with pytest.raises(PolicyError) as info:
        load_assignments(f)
    assert info.value.line == 2


def test_assignment_naming_unknown_pack_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "demo.yaml"
    pack.write_text(GOOD)
    f = tmp_path / "assignments.yaml"
    f.write_text("assignments:\n  - {id: a1, pack: nope, scope: org, mode: audit}\n")
    with pytest.raises(PolicyError, match="unknown pack 'nope'"):
        load_policy_set([pack], f)


def test_every_shipped_pack_loads() -> None:
    files = sorted(SHIPPED_PACKS.glob("*.yaml"))
    assert len(files) >= 10
    ps = load_policy_set(files, None)
    assert [a.id for a in ps.assignments] == [f"default/{p.id}" for p in ps.packs]
