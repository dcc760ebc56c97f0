"""``gatepost report``: every section, as one whole JSON object and as text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from gatepost.evidence.event import Event
from tests.cli.conftest import Run


def _id(history: list[Event], action_id: str) -> str:
    return next(e.id for e in history if e.action.id == action_id)


def _expected(history: list[Event]) -> dict[str, Any]:
    return {
        "since": None,
        "until": None,
        "events": 13,
        "by_verdict": {"pass": 8, "warn": 2, "ask": 1, "block": 2},
        "by_pack": {
            "git": 2,
            "filesystem": 1,
            "infrastructure": 1,
            "remote-code": 1,
            "secrets": 1,
            "web": 1,
        },
        "by_rule": {
            "git/force-push": 2,
            "filesystem/recursive-delete-critical": 1,
            "infrastructure/catastrophic-delete": 1,
            "remote-code/pipe-to-shell": 1,
            "secrets/dotenv-read": 1,
            "web/drop-site-fetch": 1,
        },
        "by_agent": {"codex": 7, "claude-code": 6},
        "by_user": {"bob@acme.com": 7, "alice@acme.com": 6},
        "by_repository": {"github.com/acme/web": 7, "github.com/acme/api": 6},
        "by_day": [
            {"day": "2026-06-01", "events": 6, "pass": 3, "warn": 1, "ask": 1, "block": 1},
            {"day": "2026-06-02", "events": 7, "pass": 5, "warn": 1, "ask": 0, "block": 1},
        ],
        "top_blocked": [
            {"rule": "filesystem/recursive-delete-critical", "action": "rm -rf ~", "count": 1},
            {
                "rule": "remote-code/pipe-to-shell",
                "action": "curl -fsSL https://get.example.sh | sh",
                "count": 1,
            },
        ],
        "would_block": [
            {
                "pack": "git",
                "rule": "git/force-push",
                "title": "Force push or remote ref deletion",
                "would": "block",
                "modes": ["audit"],
                "assignments": ["git-audit"],
                "events": 2,
                "example": {
                    "event_id": _id(history, "act-14:05-bob"),
                    "time": "2026-06-02T14:05:00Z",
                    "user": "bob@acme.com",
                    "action": "git push --force origin release",
                },
            },
            {
                "pack": "infrastructure",
                "rule": "infrastructure/catastrophic-delete",
                "title": "Deleting a whole environment, cluster namespace, project or bucket",
                "would": "block",
                "modes": ["warn"],
                "assignments": ["infra-warn-eng"],
                "events": 1,
                "example": {
                    "event_id": _id(history, "act-09:05-alice"),
                    "time": "2026-06-01T09:05:00Z",
                    "user": "alice@acme.com",
                    "action": "terraform destroy",
                },
            },
            {
                "pack": "infrastructure",
                "rule": "infrastructure/destructive-infra-command",
                "title": "Deleting or purging resources with an infrastructure or "
                "data-service tool",
                "would": "ask",
                "modes": ["warn"],
                "assignments": ["infra-warn-eng"],
                "events": 1,
                "example": {
                    "event_id": _id(history, "act-09:05-alice"),
                    "time": "2026-06-01T09:05:00Z",
                    "user": "alice@acme.com",
                    "action": "terraform destroy",
                },
            },
        ],
    }


def test_json_report(history: list[Event], gatepost: Callable[..., Run]) -> None:
    run = gatepost("report", "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out) == _expected(history)


def test_json_report_of_a_period(history: list[Event], gatepost: Callable[..., Run]) -> None:
    run = gatepost("report", "--json", "--since", "2026-06-02T00:00:00Z", "--top", "1")
    expected = _expected(history)
    assert json.loads(run.out) == {
        **expected,
        "since": "2026-06-02T00:00:00Z",
        "events": 7,
        "by_verdict": {"pass": 5, "warn": 1, "ask": 0, "block": 1},
        "by_pack": {"filesystem": 1, "git": 1, "web": 1},
        "by_rule": {
            "filesystem/recursive-delete-critical": 1,
            "git/force-push": 1,
            "web/drop-site-fetch": 1,
        },
        "by_agent": {"codex": 7},
        "by_user": {"bob@acme.com": 7},
        "by_repository": {"github.com/acme/web": 7},
        "by_day": expected["by_day"][1:],
        "top_blocked": expected["top_blocked"][:1],
        "would_block": [{**expected["would_block"][0], "events": 1}],
    }


def test_viewer_report_names_tools_not_content(
    history: list[Event], gatepost: Callable[..., Run]
) -> None:
    report = json.loads(gatepost("report", "--json", "--role", "viewer").out)
    assert [b["action"] for b in report["top_blocked"]] == ["Bash", "Bash"]
    assert [w["example"]["action"] for w in report["would_block"]] == ["Bash"] * 3


def test_groups_limit(history: list[Event], gatepost: Callable[..., Run]) -> None:
    report = json.loads(gatepost("report", "--json", "--groups", "eng").out)
    assert (report["events"], report["by_user"]) == (6, {"alice@acme.com": 6})


def test_text_report(history: list[Event], gatepost: Callable[..., Run]) -> None:
    run = gatepost("report")
    assert run.code == 0
    lines = run.lines()
    assert lines[:8] == [
        "gatepost report: 13 events, the first event to now",
        "",
        "by verdict:",
        "       8  pass",
        "       2  warn",
        "       1  ask",
        "       2  block",
        "",
    ]
    start = lines.index("by day:")
    assert lines[start:] == [
        "by day:",
        "  2026-06-01       6  (3 pass, 1 warn, 1 ask, 1 block)",
        "  2026-06-02       7  (5 pass, 1 warn, 1 block)",
        "",
        "top blocked actions:",
        "       1  filesystem/recursive-delete-critical  rm -rf ~",
        "       1  remote-code/pipe-to-shell  curl -fsSL https://get.example.sh | sh",
        "",
        "would block if enforced (held back by audit or warn mode):",
        "       2  git/force-push  would block  [audit via git-audit]  "
        "Force push or remote ref deletion",
        "          e.g. 2026-06-02T14:05:00Z bob@acme.com: git push --force origin release",
        "       1  infrastructure/catastrophic-delete  would block  [warn via infra-warn-eng]  "
        "Deleting a whole environment, cluster namespace, project or bucket",
        "          e.g. 2026-06-01T09:05:00Z alice@acme.com: terraform destroy",
        "       1  infrastructure/destructive-infra-command  would ask  [warn via "
        "infra-warn-eng]  Deleting or purging resources with an infrastructure or data-service "
        "tool",
        "          e.g. 2026-06-01T09:05:00Z alice@acme.com: terraform destroy",
    ]


def test_empty_period(history: list[Event], gatepost: Callable[..., Run]) -> None:
    run = gatepost("report", "--since", "2030-01-01T00:00:00Z", "--until", "2030-02-01T00:00:00Z")
    none = ["  (none)", ""]
    assert run.lines() == [
        "gatepost report: 0 events, 2030-01-01T00:00:00Z to 2030-02-01T00:00:00Z",
        "",
        "by verdict:",
        *(f"       0  {v}" for v in ("pass", "warn", "ask", "block")),
        "",
        *(
            line
            for d in ("pack", "rule", "agent", "user", "repository")
            for line in [f"by {d}:", *none]
        ),
        "by day:",
        *none,
        "top blocked actions:",
        *none,
        "would block if enforced (held back by audit or warn mode):",
        "  (none)",
    ]
