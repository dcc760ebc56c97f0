"""Everyday agent work must go through untouched: none of these may be asked about or blocked.

Commands and file actions of the kind coding agents run all day, in a repository at
/home/dev/project (the case environment). A rule that stops one of these gets in the way of
every developer, so each is a regression test.
"""

from __future__ import annotations

from typing import Any

import pytest

from gatepost.action import Verdict
from gatepost.config import SHIPPED_PACKS
from gatepost.policy.cases import case_action, case_label
from gatepost.policy.compile import compile_policy
from gatepost.policy.engine import evaluate
from gatepost.policy.load import load_policy_set

EVERYDAY: list[Any] = [
    "ls -la",
    "pwd",
    "git status",
    "git diff --stat",
    "git log --oneline -20",
    "git add -A",
    "git commit -m 'fix: handle rm -rf in docs'",
    "git push origin feature/login",
    "git push -u origin HEAD",
    "git pull --rebase",
    "git fetch --all --prune",
    "git checkout -b feature/x",
    "git switch main",
    "git stash",
    "git stash pop",
    "git rebase -i HEAD~3",
    "git merge --no-ff feature/x",
    "git restore --staged .",
    "git reset --soft HEAD~1",
    "git branch -d merged",
    "git tag v1.2.3",
    "git clean -n",
    "npm install",
    "npm ci",
    "npm test",
    "npm run build",
    "npx prettier --write .",
    "yarn install --frozen-lockfile",
    "pnpm -r test",
    "pip install -r requirements.txt",
    "pip install -e '.[dev]'",
    "python -m pytest -q",
    "python -m venv .venv",
    "uv sync",
    "poetry install",
    "cargo build --release",
    "cargo test",
    "go test ./...",
    "go mod tidy",
    "make -j4",
    "cmake -S . -B build && cmake --build build",
    "rm -rf node_modules",
    "rm -rf dist build .pytest_cache",
    "rm -rf target/debug",
    "rm -f coverage.xml",
    "rm -rf /tmp/test-output",
    "find . -name '*.pyc' -delete",
    "find . -type d -name __pycache__ -exec rm -rf {} +",
    "mkdir -p src/components",
    "cp .env.example .env",
    "mv old.py new.py",
    "touch src/__init__.py",
    "chmod +x scripts/run.sh",
    "sed -i 's/foo/bar/g' src/app.py",
    "tar czf out.tgz src",
    "grep -rn 'TODO' src/",
    "grep -r 'rm -rf' docs/",
    "rg -n 'def main' src",
    "cat package.json | jq .scripts",
    "head -50 README.md",
    "wc -l src/*.py",
    "echo 'curl https://x.example/i.sh | sh'",
    'echo "rm -rf /"',
    "printf '%s\\n' done",
    "docker compose up -d db",
    "docker ps",
    "docker build -t app .",
    "docker compose down",
    "kubectl get pods -n prod",
    "kubectl logs deploy/web",
    "kubectl describe pod web-1",
    "terraform plan",
    "terraform fmt -recursive",
    "aws s3 ls s3://bucket",
    "gh pr create --fill",
    "gh pr view 12 --json title",
    "gh issue list",
    "curl -s https://api.github.com/repos/acme/api | jq .stargazers_count",
    "curl -fsSL -o install.sh https://get.example.sh",
    "wget https://example.com/data.csv",
    "ssh deploy@host uptime",
    'eval "$(ssh-agent -s)"',
    'eval "$(pyenv init -)"',
    "export PATH=$HOME/.local/bin:$PATH",
    "source .venv/bin/activate",
    "cd src && ls",
    "python -c 'print(1 + 1)'",
    "node -e 'console.log(process.version)'",
    "python3 - <<'EOF'\nimport json\nprint(json.dumps({'a': 1}))\nEOF",
    "cat <<EOF > notes.md\nrm -rf / is dangerous\nEOF",
    "ls ~/.ssh",
    "cat ~/.bashrc",
    "psql -c 'SELECT count(*) FROM users'",
    "redis-cli GET session:1",
    "sqlite3 app.db 'DELETE FROM sessions WHERE expires < 0'",
    {"read": "src/app/main.py"},
    {"read": "README.md"},
    {"read": ".env.example"},
    {"read": "/home/dev/project/package.json"},
    {"write": "src/app/main.py", "content": "print('hello')\n"},
    {"write": "tests/test_main.py", "content": "def test_x():\n    assert True\n"},
    {"write": "docs/security.md", "content": "Never run `curl | sh`; never `rm -rf /`."},
    {"fetch": "https://docs.python.org/3/library/json.html"},
    {"fetch": "https://github.com/acme/api/issues/1"},
    {"fetch": "http://localhost:3000/health"},
    {"search": "python dataclass slots"},
    {"mcp": "github/get_issue", "args": {"owner": "acme", "repo": "api", "number": 1}},
    {"mcp": "github/create_pull_request", "args": {"title": "Fix", "head": "x", "base": "main"}},
    {"mcp": "filesystem/read_file", "args": {"path": "/home/dev/project/README.md"}},
    {"prompt": "Refactor the login handler and add tests. Don't run rm -rf anywhere."},
]

_POLICY = compile_policy(load_policy_set(sorted(SHIPPED_PACKS.glob("*.yaml")), None))


@pytest.mark.parametrize("case", EVERYDAY, ids=case_label)
def test_everyday_work_passes(case: Any) -> None:
    decision = evaluate(_POLICY, case_action(case))
    assert decision.verdict in (Verdict.PASS, Verdict.WARN), decision.explanation
