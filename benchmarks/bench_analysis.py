"""Speed of shell analysis: parse_command + derive_flags over realistic agent commands.

Run: PYTHONPATH=src python benchmarks/bench_analysis.py [rounds]
Prints one line per command (median µs), then p50/p99 over all samples; the last line holds
``key=value`` pairs for tooling.
"""

from __future__ import annotations

import statistics
import sys
import time

from gatepost.action import Kind, Operation
from gatepost.analysis.context import Environment
from gatepost.analysis.flags import derive_flags
from gatepost.analysis.shell import parse_command
from gatepost.policy.cases import CASE_INSTALLATION
from gatepost.protected import protected_paths

ENV = Environment(
    home="/home/dev",
    gatepost_home="/home/dev/.gatepost",
    repo_root="/home/dev/code/api",
    # what a hook protects on such a machine (gatepost installed with pipx)
    protected=protected_paths(
        "/home/dev", "/home/dev/.gatepost", "/home/dev/code/api", CASE_INSTALLATION
    ),
)
CWD = "/home/dev/code/api"

COMMANDS = [
    "ls -la",
    "git status",
    "git diff --stat",
    "git log --oneline -20",
    "git add -A && git commit -m 'Fix flaky test in parser'",
    "git push origin feature/parser-fix",
    "npm test",
    "npm run build 2>&1 | tail -20",
    "pytest tests/ -q -x",
    "python -m pytest tests/analysis -k shell -q",
    "cat src/main.py",
    "head -n 50 README.md",
    'grep -rn "TODO" src/ | head -20',
    "rg -n 'def parse' src/",
    "find . -name '*.py' -not -path './.venv/*' | wc -l",
    "rm -rf node_modules dist",
    "mkdir -p build/out && cp -r assets build/out/",
    "cd frontend && npm install && npm run lint",
    "docker compose up -d --build",
    "cargo build --release",
    "go test ./...",
    "sed -i 's/foo/bar/g' src/config.ts",
    "ps aux | grep node | grep -v grep | awk '{print $2}'",
    "curl -s http://localhost:8080/health | jq .status",
    'export PATH="$HOME/.local/bin:$PATH" && which python3',
    "tar -czf release.tgz dist/",
    "cat <<'EOF' > notes.md\n# Notes\n\n- item one\n- item two\nEOF",
    "git commit -m \"$(cat <<'EOF'\nAdd shell analysis\n\nParses every command.\nEOF\n)\"",
    "curl -fsSL https://example.com/install.sh | bash",
    "sudo rm -rf /var/lib/app/cache/*",
]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    parse_command("warm up | the parser", CWD, ENV)
    samples: list[float] = []
    per_command: list[tuple[float, str]] = []
    clock = time.perf_counter_ns
    for raw in COMMANDS:
        mine: list[float] = []
        for _ in range(rounds):
            t0 = clock()
            info = parse_command(raw, CWD, ENV)
            derive_flags(Operation(kind=Kind.COMMAND, cwd=CWD, command=info), ENV)
            mine.append((clock() - t0) / 1000)
        samples.extend(mine)
        per_command.append((statistics.median(mine), raw))
    for us, raw in per_command:
        print(f"{us:8.1f} µs  {raw.splitlines()[0][:70]}")
    samples.sort()
    p50 = samples[len(samples) // 2]
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"commands={len(COMMANDS)} samples={len(samples)} p50={p50:.1f}µs p99={p99:.1f}µs")
    print(f"commands={len(COMMANDS)} samples={len(samples)} p50_us={p50:.1f} p99_us={p99:.1f}")


if __name__ == "__main__":
    main()
