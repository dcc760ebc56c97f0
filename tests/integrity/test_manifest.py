"""The shipped packs are checked against their manifest: a pack edited, removed or added in
the installed package, or a manifest removed, makes every hook fail closed with the file named,
in the reply, the log, the recorded event and ``gatepost doctor``."""

from __future__ import annotations

import hashlib
import json
import runpy
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gatepost.cli.hookmain import ask_daemon
from gatepost.config import SHIPPED_PACKS
from gatepost.policy import manifest

from .helpers import SRC, Install, events, hook, log_lines, make_install, payload, run

DELETE_ETC = "rm -rf /etc"
CLOSED = "; failing closed: the action is blocked until gatepost works again"
FIELDS = ("verdict", "explanation", "fail_mode", "error", "policy_revision", "matches")
REFUSED = "the shipped policy packs are not as installed, so the policy cannot be trusted: "


def _blocked_by_rule(install: Install) -> None:
    code, reply, err = hook(install, DELETE_ETC)
    assert (code, err) == (0, "")
    output = reply["hookSpecificOutput"]
    assert output["permissionDecision"] == "deny"
    assert "rule filesystem/recursive-delete-critical" in output["permissionDecisionReason"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_committed_manifest_matches_the_packs() -> None:
    """Fails after a pack changes until ``python scripts/gen_manifest.py`` is run."""
    generated = runpy.run_path(str(SRC.parent / "scripts" / "gen_manifest.py"))["text"]()
    committed = (SHIPPED_PACKS / manifest.MANIFEST_NAME).read_text(encoding="utf-8")
    assert committed == generated
    assert manifest.problems() == []
    assert sorted(manifest.parse(committed)) == sorted(p.name for p in SHIPPED_PACKS.glob("*.yaml"))


def test_mismatches_names_every_edited_missing_and_added_pack() -> None:
    expected = {"a.yaml": "1", "b.yaml": "2", "c.yaml": "3"}
    actual = {"a.yaml": "1", "b.yaml": "9", "d.yaml": "4"}

    assert manifest.mismatches(expected, actual) == [
        "b.yaml: sha256 9 does not match the manifest's 2",
        "c.yaml: listed in the manifest but missing",
        "d.yaml: not in the manifest (an added pack)",
    ]
    assert manifest.mismatches(expected, expected) == []


def _weaken(install: Install) -> str:
    """The ``sed`` of the issue: the first block of filesystem.yaml becomes ask."""
    pack = install.packs / "filesystem.yaml"
    want = _sha(pack)
    pack.write_text(pack.read_text().replace("verdict: block", "verdict: ask", 1))
    return f"{pack}: sha256 {_sha(pack)} does not match the manifest's {want}"


def _remove(install: Install) -> str:
    pack = install.packs / "filesystem.yaml"
    pack.unlink()
    return f"{pack}: listed in the manifest but missing"


def _add(install: Install) -> str:
    pack = install.packs / "zz-allow.yaml"
    pack.write_text("pack: {id: zz-allow, version: '1', title: allow}\nrules: []\n")
    return f"{pack}: not in the manifest (an added pack)"


def _no_manifest(install: Install) -> str:
    (install.packs / manifest.MANIFEST_NAME).unlink()
    return f"{install.packs / manifest.MANIFEST_NAME}: the manifest of the shipped packs is missing"


@pytest.mark.parametrize("attack", [_weaken, _remove, _add, _no_manifest])
def test_a_tampered_installation_makes_the_hook_block_naming_the_file(
    tmp_path: Path, attack: Callable[[Install], str]
) -> None:
    install = make_install(tmp_path)
    _blocked_by_rule(install)  # intact: decided by the rule, and the policy is now cached

    problem = attack(install)
    code, reply, err = hook(install, DELETE_ETC)

    error = f"no policy could be loaded: {REFUSED}{problem}"
    assert (code, reply, err) == (2, None, f"gatepost could not decide ({error}){CLOSED}")
    assert log_lines(install)[-1] == (
        f"POLICY REFUSED, every action is decided by the fail mode: {REFUSED}{problem}"
    )
    decision = events(install)[-1]["decision"]
    assert {k: decision[k] for k in FIELDS} == {
        "verdict": "block",
        "explanation": f"gatepost could not decide ({error}){CLOSED}",
        "fail_mode": "closed",
        "error": error,
        "policy_revision": "",
        "matches": [],
    }
    # a harmless command is refused too: nothing the tampered policy says is trusted
    assert hook(install, "git status")[0] == 2


def test_doctor_reports_a_tampered_pack_as_a_failure(tmp_path: Path) -> None:
    install = make_install(tmp_path)
    assert run(install, "doctor", "--json").returncode == 0
    problem = _weaken(install)

    done = run(install, "doctor", "--json")

    assert done.returncode == 1
    assert json.loads(done.stdout)["policy"] == {
        "ok": False,
        "message": f"FAIL shipped packs do not match their manifest: {problem}: every hook "
        "fails by its fail mode (closed unless fail_mode is open) until gatepost is reinstalled",
        "warnings": [],
    }
    text = run(install, "doctor").stdout.splitlines()
    assert text[1] == f"!! POLICY: FAIL shipped packs do not match their manifest: {problem}: " + (
        "every hook fails by its fail mode (closed unless fail_mode is open) until gatepost "
        "is reinstalled"
    )


def test_an_intact_copy_decides_as_the_package(tmp_path: Path) -> None:
    """The copy the attacks start from is the package itself: same manifest, no problem."""
    install = make_install(tmp_path)
    check = subprocess.run(
        [sys.executable, "-c", "from gatepost.policy import manifest; print(manifest.problems())"],
        capture_output=True,
        text=True,
        env=install.env(),
        check=True,
    )
    assert check.stdout == "[]\n"
    _blocked_by_rule(install)
    assert log_lines(install) == []


def test_the_resident_process_never_applies_a_weakened_pack(resident: Install) -> None:
    """The hook asks the resident process; after the pack is weakened the process reloads,
    refuses it (logged), and the recursive delete stays blocked: by the policy it verified
    before, which it keeps in force, or by the fail mode."""
    install = resident
    sock = str(install.home / "run" / "gatepost.sock")
    intact = ask_daemon(sock, "claude-code", payload(install, DELETE_ETC), 5)
    assert intact is not None
    assert json.loads(intact[0])["hookSpecificOutput"]["permissionDecision"] == "deny"

    problem = _weaken(install)
    time.sleep(1.2)  # the resident process looks at the policy files once a second
    after = ask_daemon(sock, "claude-code", payload(install, DELETE_ETC), 5)

    error = f"no policy could be loaded: {REFUSED}{problem}"
    assert after in (intact, ("", f"gatepost could not decide ({error}){CLOSED}", 2))
    assert log_lines(install) == [
        f"POLICY REFUSED, every action is decided by the fail mode: {REFUSED}{problem}"
    ]
