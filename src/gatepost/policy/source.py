"""Where the policy in force comes from: the files under GATEPOST_HOME, or the last good copy.

A broken policy file is refused with its file, line and rule id, and the last policy that
loaded cleanly stays in force: every clean load saves a snapshot of its files under
``GATEPOST_HOME/state/last-good``; a failed load falls back to that snapshot (or to the shipped
packs when there is none) and reports the error.

A clean load is also kept in the policy cache (:mod:`gatepost.policy.cache`), so while the
files stay byte for byte the same, later processes take it from there without PyYAML.

The shipped packs are checked against their manifest (:mod:`gatepost.policy.manifest`) before
they are loaded from their files. A mismatch is not a broken file with a last good copy to
fall back on: the installation itself cannot be trusted, so :class:`IntegrityError` is logged
and raised, and the caller fails as for a policy that cannot be loaded at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gatepost.config import SHIPPED_PACKS, Config, yaml_paths
from gatepost.errors import IntegrityError, PolicyError
from gatepost.policy import cache, manifest
from gatepost.policy.compile import CompiledPolicy, compile_policy
from gatepost.policy.model import PolicySet


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    """The compiled policy in force, where it came from, and why the configured files were
    refused, if they were."""

    policy: CompiledPolicy
    error: PolicyError | None = None  # set when the configured files were refused
    source: str = "configured"  # configured | last-good | shipped


@dataclass(frozen=True, slots=True)
class _Configured:
    """The configured policy, and whether it came from the cache (then nothing to keep)."""

    policy: CompiledPolicy
    policy_set: PolicySet
    cached: bool


def _last_good_dir(config: Config) -> Path:
    return config.home / "state" / "last-good"


def _inputs(config: Config) -> tuple[list[str], str | None]:
    """The policy's input files, as strings: a cache hit makes no Path of each."""
    assignments = config.assignments_file
    return config.pack_paths(), str(assignments) if assignments.is_file() else None


def _has_own_files(config: Config, packs: list[str], assignments: str | None) -> bool:
    """Whether the inputs hold files of the user's own, which the last-good snapshot keeps
    (the local packs come after the shipped ones)."""
    packs_dir = os.path.join(config.home, "packs")  # str(config.packs_dir)
    return assignments is not None or (bool(packs) and os.path.dirname(packs[-1]) == packs_dir)


def _yaml_files(directory: Path) -> list[Path]:
    return [Path(p) for p in yaml_paths(str(directory))]


def _load(
    config: Config, packs: list[str], assignments: str | None, hit: cache.Hit | None
) -> _Configured:
    if hit is not None:
        policy_set, revision = hit
        return _Configured(compile_policy(policy_set, revision), policy_set, cached=True)
    if config.shipped_packs:
        _verify_shipped(config)  # an entry is written only after this, and keys on the manifest
    from gatepost.policy.load import load_policy_set  # PyYAML is imported only on a miss

    policy_set = load_policy_set(
        [Path(p) for p in packs], Path(assignments) if assignments is not None else None
    )
    return _Configured(compile_policy(policy_set), policy_set, cached=False)


def load_configured(config: Config) -> CompiledPolicy:
    """Load exactly what is configured; raises PolicyError on the first problem."""
    packs, assignments = _inputs(config)
    return _load(config, packs, assignments, cache.find(config, packs, assignments)[0]).policy


def load_in_force(config: Config, *, save: bool = True) -> LoadedPolicy:
    """The configured policy, or the last good one when the configured files are refused.

    With ``save``, a clean load from the files saves the last-good snapshot and then caches
    the validated set; a load from the cache saves nothing (its snapshot was saved when the
    entry was written). A fallback is never cached. The files are read only when they are
    not the cached entry's by their stamp (see :mod:`gatepost.policy.cache`).

    Raises IntegrityError (logged) when the shipped packs are not as built."""
    packs, assignments = _inputs(config)
    hit, key, stamp = cache.find(config, packs, assignments, restamp=save)
    try:
        loaded = _load(config, packs, assignments, hit)
    except PolicyError as exc:
        return _fallback(config, exc)
    if (
        save
        and not loaded.cached
        and _save_snapshot(config)
        and key is not None
        and cache.key_of(packs, assignments) == key  # no file changed while it was read
    ):
        cache.write(config, key, loaded.policy_set, loaded.policy.revision, stamp)
    elif (
        save
        and loaded.cached
        and _has_own_files(config, packs, assignments)
        and not _last_good_dir(config).is_dir()
    ):
        _save_snapshot(config)  # the snapshot was removed since the entry was written
    return LoadedPolicy(policy=loaded.policy)


def _verify_shipped(config: Config) -> None:
    """Check the shipped packs against their manifest; an IntegrityError is logged, then
    raised."""
    try:
        manifest.verify()
    except IntegrityError as exc:
        from gatepost.runtime.fallback import log_problem  # the log every gatepost process writes

        log_problem(config, f"POLICY REFUSED, every action is decided by the fail mode: {exc}")
        raise


def _save_snapshot(config: Config) -> bool:
    """Keep a copy of the user's policy files; True when the snapshot is up to date."""
    local = _yaml_files(config.packs_dir)
    if not local and not config.assignments_file.is_file():
        return True  # nothing of the user's own to keep
    import shutil  # only with files of the user's own: about 2 ms of a cold hook

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
        return False
    return True


def _fallback(config: Config, error: PolicyError) -> LoadedPolicy:
    from gatepost.policy.load import load_policy_set

    snap = _last_good_dir(config)
    if snap.is_dir():
        if _shipped(snap):
            _verify_shipped(config)
        files = _yaml_files(SHIPPED_PACKS) if _shipped(snap) else []
        files += _yaml_files(snap / "packs")
        assignments = snap / "assignments.yaml"
        try:
            ps = load_policy_set(files, assignments if assignments.is_file() else None)
            return LoadedPolicy(policy=compile_policy(ps), error=error, source="last-good")
        except PolicyError:
            pass
    _verify_shipped(config)
    shipped = load_policy_set(_yaml_files(SHIPPED_PACKS), None)
    return LoadedPolicy(policy=compile_policy(shipped), error=error, source="shipped")


def _shipped(snap: Path) -> bool:
    try:
        return (snap / "shipped").read_text().strip() != "0"
    except OSError:
        return True
