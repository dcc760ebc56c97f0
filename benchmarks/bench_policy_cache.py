"""What a policy cache hit costs: ``load_in_force`` from a warm cache with the shipped packs and
one local pack, in this process, repeated; and, when the cache is authenticated, the HMAC of the
entry alone, and when policy changes are recorded, the look for changes that finds none (what
every load adds). Run it against another tree to compare (``PYTHONPATH=/other/src python ...``).

Run: python benchmarks/bench_policy_cache.py [--rounds N]
The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import gatepost
from gatepost.config import Config
from gatepost.policy import cache
from gatepost.policy.source import load_in_force

LOCAL = """\
pack: {id: local, version: "1", title: Local}
rules:
  - id: no-make
    title: no make
    severity: low
    verdict: block
    message: no make here
    when: {command: {program: [make]}}
"""
ASSIGNMENTS = "assignments:\n  - {id: fs, pack: filesystem, scope: org, mode: enforce}\n"


def _timed(fn: object, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter_ns()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter_ns() - t) / 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / ".gatepost"
        (home / "packs").mkdir(parents=True)
        (home / "packs" / "local.yaml").write_text(LOCAL)
        config = Config(home=home, user_home=Path(tmp))
        load_in_force(config)  # writes the cache
        cache.SETTLED_NS = -3_600_000_000_000  # stamp the files now: the hit every hook sees
        load_in_force(config)
        size = cache.cache_file(config).stat().st_size
        hit = _timed(lambda: load_in_force(config), args.rounds)
        mac_us = 0.0
        if hasattr(cache, "_mac"):
            key = cache.key_file(config).read_bytes()
            body = cache.cache_file(config).read_bytes().partition(b"\n")[2]
            mac_us = statistics.median(_timed(lambda: cache._mac(key, body), args.rounds))
        look_us = 0.0
        try:
            from gatepost.policy import changes
        except ImportError:
            pass
        else:
            (home / "assignments.yaml").write_text(ASSIGNMENTS)
            (home / "config.yaml").write_text("fail_mode: closed\n")
            changes.keep(config, "r")
            look_us = statistics.median(_timed(lambda: changes.keep(config, "r"), args.rounds))
    p50 = statistics.median(hit)
    print(f"gatepost {gatepost.__file__}")
    print(f"cache file {size} bytes; load_in_force hit p50 {p50:.1f} us; HMAC {mac_us:.1f} us")
    print(f"no policy file changed: changes.keep p50 {look_us:.1f} us")
    print(
        f"hit_p50_us={p50:.1f} hmac_p50_us={mac_us:.1f} changes_keep_p50_us={look_us:.1f} "
        f"cache_bytes={size}"
    )


if __name__ == "__main__":
    main()
