"""Where the policy in force comes from: the files under GATEPOST_HOME, or the last good copy.

A broken policy file is refused with its file, line and rule id, and the last policy that
loaded cleanly stays in force: every clean load saves a snapshot of its files under
``GATEPOST_HOME/state/last-good``; a failed load falls back to that snapshot (or to the shipped
packs when there is none) and reports the error.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from gatepost.config import SHIPPED_PACKS, Config
from gatepost.errors import PolicyError
from gatepost.policy.compile import CompiledPolicy, compile_policy
from gatepost.policy.load import load_policy_set


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    policy: CompiledPolicy
    error: PolicyError | None = None  # set when the configured files were refused
    source: str = "configured"  # configured | last-good | shipped


def _last_good_dir(config: Config) -> Path:
    return config.home / "state" / "last-good"


def load_configured(config: Config) -> CompiledPolicy:
    """Load exactly what is configured; raises PolicyError on the first problem."""
    assignments = config.assignments_file if config.assignments_file.is_file() else None
    return compile_policy(load_policy_set(config.pack_files(), assignments))


def load_in_force(config: Config, *, save: bool = True) -> LoadedPolicy:
    try:
        policy = load_configured(config)
    except PolicyError as exc:
        return _fallback(config, exc)
    if save:
        _save_snapshot(config)
    return LoadedPolicy(policy=policy)


def _save_snapshot(config: Config) -> None:
    local = sorted(config.packs_dir.glob("*.yaml")) if config.packs_dir.is_dir() else []
    if not local and not config.assignments_file.is_file():
        return  # nothing of the user's own to keep
    target = _last_good_dir(config)
    tmp = target.with_name("last-good.tmp")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        (tmp / "packs").mkdir(parents=True)
        for f in local:
            shutil.copy2(f, tmp / "packs" / f.name)
        if config.assignments_file.is_file():
            shutil.copy2(config.assignments_file, tmp / "assignments.yaml")
        (tmp / "shipped").write_text("1" if config.shipped_packs else "0")
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # a snapshot is a convenience, never a failure


def _fallback(config: Config, error: PolicyError) -> LoadedPolicy:
    snap = _last_good_dir(config)
    if snap.is_dir():
        files = sorted(SHIPPED_PACKS.glob("*.yaml")) if _shipped(snap) else []
        files += sorted((snap / "packs").glob("*.yaml"))
        assignments = snap / "assignments.yaml"
        try:
            ps = load_policy_set(files, assignments if assignments.is_file() else None)
            return LoadedPolicy(policy=compile_policy(ps), error=error, source="last-good")
        except PolicyError:
            pass
    shipped = load_policy_set(sorted(SHIPPED_PACKS.glob("*.yaml")), None)
    return LoadedPolicy(policy=compile_policy(shipped), error=error, source="shipped")


def _shipped(snap: Path) -> bool:
    try:
        return (snap / "shipped").read_text().strip() != "0"
    except OSError:
        return True
