"""Secret redaction: throughput, recall and false-positive rate.

    PYTHONPATH=src python benchmarks/bench_redact.py [--mb 10] [--repeat 3]

Texts, all deterministic:
- mixed: ``--mb`` MB of ordinary commands and code (the clean corpus: the dcg commands and the
  generated code lines) with about one line in a hundred replaced by a fake-secret case;
- clean: the same amount of the clean corpus alone.

Each text is redacted as one string (the worst case for a single field) and, for the mixed
text, also as 4 kB fields (closer to real payloads). The best of ``--repeat`` runs is kept.
Recall and the false-positive rate are those of tests/evidence/test_redact.py. The last line
holds every figure as key=value pairs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package

from gatepost.evidence.redact import redact_text
from tests.evidence.clean_corpus import clean_lines
from tests.evidence.secret_corpus import removed, secret_cases

SEED = 20240613
FIELD = 4096


def build(size: int, lines: list[str], secrets: list[str], share: float) -> str:
    rng = random.Random(SEED)
    parts: list[str] = []
    total = 0
    while total < size:
        line = rng.choice(secrets) if rng.random() < share else rng.choice(lines)
        parts.append(line)
        total += len(line) + 1
    return "\n".join(parts)[:size]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="size of each text in MB")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    lines = clean_lines()
    cases = secret_cases()
    size = int(args.mb * 1_000_000)
    mixed = build(size, lines, [c.text for c in cases], 0.01)
    clean = build(size, lines, [], 0.0)
    fields = [mixed[i : i + FIELD] for i in range(0, len(mixed), FIELD)]

    def run_fields() -> None:
        for f in fields:
            redact_text(f)

    t_mixed = best_of(args.repeat, lambda: redact_text(mixed))
    t_clean = best_of(args.repeat, lambda: redact_text(clean))
    t_fields = best_of(args.repeat, run_fields)
    found = len(redact_text(mixed)[1])

    start = time.perf_counter()
    kept = sum(removed(c, redact_text(c.text)[0]) for c in cases)
    altered = sum(1 for line in lines if redact_text(line)[1])
    t_corpus = time.perf_counter() - start

    mb = len(mixed) / 1e6
    figures = {
        "redact_mb_s": round(mb / t_mixed, 1),
        "fields_mb_s": round(mb / t_fields, 1),
        "clean_mb_s": round(len(clean) / 1e6 / t_clean, 1),
        "recall": round(kept / len(cases), 4),
        "false_positive_rate": round(altered / len(lines), 4),
        "secrets": len(cases),
        "clean_lines": len(lines),
    }
    print(f"mixed text : {mb:.1f} MB, {found} secrets redacted, {t_mixed:.2f} s as one string")
    print(f"mixed text : {t_fields:.2f} s as {len(fields)} fields of {FIELD} characters")
    print(f"clean text : {len(clean) / 1e6:.1f} MB, {t_clean:.2f} s")
    print(f"recall     : {kept}/{len(cases)} fake secrets fully removed")
    print(f"false pos. : {altered}/{len(lines)} ordinary lines altered")
    print(f"corpora    : {t_corpus:.2f} s")
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
