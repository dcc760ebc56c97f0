"""Every edit of config.yaml, assignments.yaml or a local pack that gatepost sees is recorded as
an event naming the file, its SHA-256 before and after, and what changed: seen by the next
``gatepost hook`` (deciding in its own process) and by the resident process's reload."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from gatepost.cli.hookmain import ask_daemon

from .helpers import Install, events, hook, log_lines, make_install, payload

ASSIGN_WARN = "assignments:\n  - {id: fs, pack: filesystem, scope: org, mode: warn}\n"
ASSIGN_ENFORCE = "assignments:\n  - {id: fs, pack: filesystem, scope: org, mode: enforce}\n"
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


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _changes(install: Install) -> list[dict[str, Any]]:
    """The change events recorded so far, each as its content, verdict and explanation."""
    out = []
    for event in events(install):
        action, decision = event["action"], event["decision"]
        if action["surface"] == {
            "agent": "gatepost",
            "event": "policy-change",
            "tool": "",
            "phase": "session",
        }:
            assert action["operation"]["kind"] == "other"
            change = json.loads(action["operation"]["content"])
            assert action["operation"]["paths"][0]["path"] == change["file"]
            assert decision["verdict"] == "pass"
            out.append(change)
    return out


def _change(path: Path, kind: str, old: str, new: str, summary: str) -> dict[str, str]:
    return {
        "file": str(path),
        "kind": kind,
        "old_sha256": _sha(old) if old else "",
        "new_sha256": _sha(new) if new else "",
        "summary": summary,
    }


def test_each_edit_of_a_policy_file_is_recorded_by_the_next_hook(tmp_path: Path) -> None:
    install = make_install(tmp_path)
    assignments = install.home / "assignments.yaml"
    config = install.home / "config.yaml"
    pack = install.home / "packs" / "local.yaml"

    hook(install, "git status")
    assert _changes(install) == []  # nothing of the user's own yet

    assignments.write_text(ASSIGN_WARN)
    hook(install, "git status")
    added = _change(assignments, "assignments", "", ASSIGN_WARN, "file added: assignment fs")
    assert _changes(install) == [added]

    assignments.write_text(ASSIGN_ENFORCE)
    hook(install, "git status")
    changed = _change(
        assignments, "assignments", ASSIGN_WARN, ASSIGN_ENFORCE, "changed: assignment fs"
    )
    assert _changes(install) == [added, changed]

    hook(install, "git status")  # nothing edited: nothing recorded
    assert _changes(install) == [added, changed]

    pack.parent.mkdir(exist_ok=True)
    pack.write_text(LOCAL)
    config.write_text("fail_mode: closed\n")
    hook(install, "git status")
    new_files = [
        _change(config, "config", "", "fail_mode: closed\n", "file added: setting fail_mode"),
        _change(pack, "pack", "", LOCAL, "file added: rule no-make, section pack"),
    ]
    assert _changes(install) == [added, changed, *new_files]

    weaker = LOCAL.replace("verdict: block", "verdict: ask")
    pack.write_text(weaker)
    assignments.unlink()
    hook(install, "git status")
    assert _changes(install)[4:] == [
        _change(assignments, "assignments", ASSIGN_ENFORCE, "", "file removed"),
        _change(pack, "pack", LOCAL, weaker, "changed: rule no-make"),
    ]
    assert log_lines(install) == []
    assert (install.home / "state" / "policy-seen.json").stat().st_mode & 0o777 == 0o600


def test_the_files_of_a_new_home_are_its_baseline_and_a_removed_state_is_seen(
    tmp_path: Path,
) -> None:
    install = make_install(tmp_path)
    assignments = install.home / "assignments.yaml"
    install.home.mkdir(parents=True)
    assignments.write_text(ASSIGN_WARN)
    hook(install, "git status")
    assert _changes(install) == []  # nothing recorded here before: where it starts

    (install.home / "state" / "policy-seen.json").unlink()
    hook(install, "git status")

    first = _change(assignments, "assignments", "", ASSIGN_WARN, "file added: assignment fs")
    assert _changes(install) == [first]


def test_a_broken_edit_is_recorded_while_the_last_good_policy_stays(tmp_path: Path) -> None:
    install = make_install(tmp_path)
    assignments = install.home / "assignments.yaml"
    install.home.mkdir(parents=True)
    assignments.write_text(ASSIGN_WARN)
    hook(install, "git status")

    assignments.write_text("assignments: [ {id: fs\n")
    code, _, _ = hook(install, "git status")

    assert code == 0
    assert _changes(install) == [
        _change(
            assignments,
            "assignments",
            ASSIGN_WARN,
            "assignments: [ {id: fs\n",
            "changed; it does not parse",
        )
    ]


def test_the_resident_process_records_the_edits_it_reloads(resident: Install) -> None:
    install = resident
    sock = str(install.home / "run" / "gatepost.sock")
    assignments = install.home / "assignments.yaml"
    assert ask_daemon(sock, "claude-code", payload(install, "git status"), 5) == ("", "", 0)

    assignments.write_text(ASSIGN_WARN)
    time.sleep(1.2)  # the resident process looks at the policy files once a second
    ask_daemon(sock, "claude-code", payload(install, "git status"), 5)

    expected = [_change(assignments, "assignments", "", ASSIGN_WARN, "file added: assignment fs")]
    deadline = time.monotonic() + 10
    while _changes(install) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _changes(install) == expected


def test_a_change_state_others_may_write_is_refused_and_logged(tmp_path: Path) -> None:
    install = make_install(tmp_path)
    assignments = install.home / "assignments.yaml"
    install.home.mkdir(parents=True)
    assignments.write_text(ASSIGN_WARN)
    hook(install, "git status")
    state = install.home / "state" / "policy-seen.json"
    state.chmod(0o666)

    hook(install, "git status")

    first = _change(assignments, "assignments", "", ASSIGN_WARN, "file added: assignment fs")
    assert _changes(install) == [first]  # seen afresh: nothing it said is trusted
    assert log_lines(install) == [
        f"policy change state {state} refused: mode 0666 is wider than 0600; every policy "
        "file is recorded as first seen"
    ]
    assert state.stat().st_mode & 0o777 == 0o600
