"""Running every rule's own test cases, and linting packs."""

from __future__ import annotations

from dataclasses import dataclass

from gatepost.action import Mode
from gatepost.errors import PayloadError
from gatepost.policy.cases import case_action, case_label
from gatepost.policy.compile import compile_policy
from gatepost.policy.engine import evaluate
from gatepost.policy.model import Assignment, Pack, PolicySet, Rule, Scope


@dataclass(frozen=True, slots=True)
class CaseFailure:
    """A rule test case that did not come out as written."""

    rule_id: str
    file: str
    line: int
    case: str
    problem: str  # "should match but did not", "matched but should not", or the case's error


@dataclass(frozen=True, slots=True)
class PackTestResult:
    """The outcome of running packs' own test cases."""

    rules: int
    cases: int
    failures: tuple[CaseFailure, ...]

    @property
    def ok(self) -> bool:
        return not self.failures


def alone(pack: Pack, rule: Rule) -> PolicySet:
    """``rule`` as the only rule of its pack, enforced org-wide: how its cases are run."""
    single = Pack(
        id=pack.id,
        version=pack.version,
        title=pack.title,
        rules=(rule,),
        lists=pack.lists,
        conditions=pack.conditions,
        file=pack.file,
    )
    return PolicySet(
        packs=(single,),
        assignments=(Assignment(id="test", pack=pack.id, scope=Scope("org"), mode=Mode.ENFORCE),),
    )


def run_pack_tests(packs: tuple[Pack, ...]) -> PackTestResult:
    """Each rule alone, enforced org-wide: its ``match`` cases must match it and its
    ``no_match`` cases must not. A rule lacking either kind of case is a failure."""
    failures: list[CaseFailure] = []
    rules = cases = 0
    for pack in packs:
        for rule in pack.rules:
            rules += 1
            policy = compile_policy(alone(pack, rule))
            for what, expected in (("match", True), ("no_match", False)):
                group = getattr(rule.tests, what)
                if not group:
                    failures.append(
                        CaseFailure(rule.id, pack.file, rule.line, "", f"has no '{what}' test case")
                    )
                for case in group:
                    cases += 1
                    try:
                        decision = evaluate(policy, case_action(case))
                    except PayloadError as exc:
                        failures.append(
                            CaseFailure(
                                rule.id, pack.file, rule.line, case_label(case), f"bad case: {exc}"
                            )
                        )
                        continue
                    matched = any(m.rule_id == rule.id for m in decision.matches)
                    if matched != expected:
                        failures.append(
                            CaseFailure(
                                rule.id,
                                pack.file,
                                rule.line,
                                case_label(case),
                                "should match but did not"
                                if expected
                                else "matched but should not",
                            )
                        )
    return PackTestResult(rules=rules, cases=cases, failures=tuple(failures))
