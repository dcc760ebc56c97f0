"""Detection and false-block rates of the shipped packs on the dcg corpus, an outside test set.

The floors are set from what the packs reach; a change that lowers either rate fails here.
Run ``pytest tests/corpus -s`` to see the figures and every miss.
"""

from __future__ import annotations

from gatepost.action import Verdict
from gatepost.config import SHIPPED_PACKS
from gatepost.policy.cases import case_action
from gatepost.policy.compile import compile_policy
from gatepost.policy.engine import evaluate
from gatepost.policy.load import load_policy_set
from tests.corpus.dcg import ROOT, UNREADABLE, all_cases
from tests.shared import require

DETECTION_FLOOR = 0.96
FALSE_BLOCK_CEILING = 0.015


def test_dcg_corpus_rates() -> None:
    require(ROOT)
    policy = compile_policy(load_policy_set(sorted(SHIPPED_PACKS.glob("*.yaml")), None))
    detected = denies = false_blocks = allows = 0
    misses: list[str] = []
    blocks: list[str] = []
    for case in all_cases():
        decision = evaluate(policy, case_action(case.command))  # must not raise on any case
        stopped = decision.verdict in (Verdict.BLOCK, Verdict.ASK)
        if case.label == "deny":
            denies += 1
            detected += stopped
            if not stopped:
                misses.append(f"  miss  {case.source}: {case.command!r}")
        elif case.label == "allow":
            allows += 1
            false_blocks += stopped
            if stopped:
                rule = decision.winner.rule_id if decision.winner else "?"
                blocks.append(f"  block {case.source}: {case.command!r} by {rule}")
    detection = detected / denies
    false_block = false_blocks / allows
    print(
        f"\ndcg corpus: {denies} deny cases, {allows} allow cases "
        f"(lines that are not valid YAML, skipped: {UNREADABLE})"
    )
    print("\n".join(misses + blocks))
    print(
        f"detection={detection:.4f} ({detected}/{denies}) "
        f"false_block={false_block:.4f} ({false_blocks}/{allows})"
    )
    assert detection >= DETECTION_FLOOR
    assert false_block <= FALSE_BLOCK_CEILING
