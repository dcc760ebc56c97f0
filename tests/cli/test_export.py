"""``gatepost export --format ocsf``: the OCSF class, activity and disposition of every event
kind, Detection Findings for warn, ask and block, and no secret in what leaves."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from gatepost import __version__
from gatepost.evidence.event import Event, new_event_id
from gatepost.policy.cases import case_action
from gatepost.policy.engine import evaluate
from gatepost.store.base import open_store
from tests.cli.conftest import Run
from tests.cli.scenario import AWS_KEY, GITHUB_TOKEN, SECRETS, policy

ALLOWED = (1, "Allowed", 1, "Allowed")
DENIED = (2, "Denied", 2, "Blocked")
# action id -> (class_uid, activity_id, activity_name, (action_id, action, disposition_id,
# disposition), the Detection Finding's rule or "")
EXPECTED = {
    "act-09:00-alice": (1007, 1, "Launch", ALLOWED, ""),
    "act-09:01-alice": (1007, 1, "Launch", ALLOWED, ""),
    "act-09:02-alice": (1001, 2, "Read", DENIED, "secrets/dotenv-read"),
    "act-09:03-alice": (1007, 1, "Launch", DENIED, "remote-code/pipe-to-shell"),
    "act-09:04-alice": (1007, 1, "Launch", ALLOWED, ""),
    "act-09:05-alice": (1007, 1, "Launch", ALLOWED, "infrastructure/catastrophic-delete"),
    "act-14:00-bob": (4002, 3, "Get", ALLOWED, "web/drop-site-fetch"),
    "act-14:01-bob": (1007, 1, "Launch", DENIED, "filesystem/recursive-delete-critical"),
    "act-14:02-bob": (1001, 3, "Update", ALLOWED, ""),
    "act-14:03-bob": (6003, 99, "MCP Tool Call", ALLOWED, ""),
    "act-14:04-bob": (4002, 3, "Get", ALLOWED, ""),
    "act-14:05-bob": (1007, 1, "Launch", ALLOWED, ""),
    "act-14:06-bob": (1007, 1, "Launch", ALLOWED, ""),
}
CATEGORY = {1001: (1, "System Activity"), 1007: (1, "System Activity")}
CATEGORY |= {4002: (4, "Network Activity"), 6003: (6, "Application Activity")}
CATEGORY |= {2004: (2, "Findings")}


def _disposition(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record[k] for k in ("action_id", "action", "disposition_id", "disposition"))


def _ms(time: str) -> int:
    return int(datetime.fromisoformat(time.replace("Z", "+00:00")).timestamp() * 1000)


def test_classes_activities_and_dispositions(
    history: list[Event], gatepost: Callable[..., Run]
) -> None:
    run = gatepost("export", "--format", "ocsf")
    assert run.code == 0, run.err
    records = run.json_lines()
    by_event = {e.id: e for e in history}
    got: dict[str, tuple[Any, ...]] = {}
    findings: dict[str, tuple[Any, ...]] = {}
    for r in records:
        event = by_event[r["metadata"]["uid"]]
        assert (r["category_uid"], r["category_name"]) == CATEGORY[r["class_uid"]]
        assert r["type_uid"] == r["class_uid"] * 100 + r["activity_id"]
        assert r["metadata"]["version"] == "1.6.0"
        assert r["metadata"]["product"] == {
            "name": "gatepost",
            "vendor_name": "gatepost",
            "version": __version__,
        }
        assert r["time"] == _ms(event.time)
        assert r["actor"]["user"]["uid"] == event.action.actor.user.id
        assert r["actor"]["session"] == {"uid": event.action.actor.session}
        assert r["device"]["uid"] == event.action.actor.host.id
        assert r["unmapped"]["gatepost"]["verdict"] == event.decision.verdict.value
        if r["class_uid"] == 2004:
            findings[event.action.id] = (r["finding_info"]["analytic"]["uid"], _disposition(r))
            assert r["finding_info"]["related_events"] == [
                {"uid": event.id, "type_uid": got[event.action.id][-1]}
            ]
            assert (r["activity_id"], r["type_uid"], r["status_id"]) == (1, 200401, 1)
            assert r["is_alert"] is True
        else:
            got[event.action.id] = (
                r["class_uid"],
                r["activity_id"],
                r["activity_name"],
                _disposition(r),
                r["type_uid"],
            )
    assert {k: v[:4] for k, v in got.items()} == {k: v[:4] for k, v in EXPECTED.items()}
    assert findings == {k: (v[4], v[3]) for k, v in EXPECTED.items() if v[4]}
    assert len(records) == len(history) + len(findings)


def test_class_objects(history: list[Event], gatepost: Callable[..., Run]) -> None:
    records: dict[str, dict[str, Any]] = {}
    for r in gatepost("export", "--format", "ocsf", "--verdict", "pass").json_lines():
        records.setdefault(r["unmapped"]["gatepost"]["kind"], r)  # the first of each kind
    assert records["command"]["process"] == {
        "cmd_line": "git status",
        "name": "git",
        "working_directory": "/home/dev/project",
    }
    assert records["file_write"]["file"] == {
        "name": "app.py",
        "path": "/home/dev/project/src/app.py",
        "type_id": 1,
    }
    assert records["web_search"]["http_request"] == {
        "http_method": "GET",
        "url": {"query_string": "python re module"},
    }
    assert records["mcp_call"]["api"] == {
        "operation": "create_issue",
        "service": {"name": "github"},
        "request": {"uid": "act-14:03-bob"},
    }


def test_finding_names_the_rule(history: list[Event], gatepost: Callable[..., Run]) -> None:
    records = gatepost("export", "--format", "ocsf", "--rule", "secrets/dotenv-read").json_lines()
    assert [r["class_uid"] for r in records] == [1001, 2004]
    finding = records[1]
    assert finding["finding_info"]["title"] == "Reading an .env file"
    assert finding["finding_info"]["analytic"] == {
        "uid": "secrets/dotenv-read",
        "name": "Reading an .env file",
        "type_id": 1,
        "type": "Rule",
        "version": "1.0.0",
    }
    assert finding["policy"]["uid"] == "secrets/dotenv-read"
    assert (finding["severity_id"], finding["severity"]) == (4, "High")
    assert finding["evidences"] == [
        {"actor": records[0]["actor"], "device": records[0]["device"], "file": records[0]["file"]}
    ]


def test_no_secret_leaves(history: list[Event], gatepost: Callable[..., Run]) -> None:
    text = gatepost("export", "--format", "ocsf").out
    assert "AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key] aws s3 ls" in text
    assert "TOKEN = '[REDACTED:github-token]'" not in text  # file content is not exported
    for secret in SECRETS:
        assert secret not in text
        assert secret.lower() not in text


def test_export_redacts_again_what_the_store_holds(
    home: Path, tmp_path: Path, gatepost: Callable[..., Run]
) -> None:
    """An event stored without redaction (a store written by something else) is still
    redacted on the way out."""
    command = f'curl -H "Authorization: token {GITHUB_TOKEN}" https://api.github.com/user'
    action = case_action({"command": f"AWS_ACCESS_KEY_ID={AWS_KEY} {command}"})
    event = Event(
        id=new_event_id(0),
        time=action.time,
        received_at=action.time,
        action=action,
        decision=evaluate(policy(tmp_path), action),
    )
    db = tmp_path / "unredacted.db"
    with open_store(str(db)) as store:
        store.append([event])
    assert GITHUB_TOKEN.encode() in db.read_bytes()  # the store really holds it
    run = gatepost("export", "--format", "ocsf", "--store", str(db))
    (record,) = run.json_lines()
    assert record["process"]["cmd_line"] == (
        "AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key] curl -H "
        '"Authorization: token [REDACTED:github-token]" https://api.github.com/user'
    )
    for secret in SECRETS:
        assert secret not in run.out


def test_output_file(history: list[Event], home: Path, gatepost: Callable[..., Run]) -> None:
    out = home.parent / "export.jsonl"
    run = gatepost("export", "--format", "ocsf", "--output", str(out))
    assert (run.code, run.out) == (0, "")
    assert run.err == f"exported 18 OCSF records of 13 events to {out}\n"
    assert out.read_text() == gatepost("export", "--format", "ocsf").out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_format_is_required(history: list[Event], gatepost: Callable[..., Run]) -> None:
    try:
        gatepost("export")
    except SystemExit as exc:
        assert exc.code == 2
    else:  # pragma: no cover
        raise AssertionError("export without --format was accepted")
