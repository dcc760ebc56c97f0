"""The policy cache: unchanged files load from it without PyYAML; any change, corruption or
refusal goes through the full load exactly as without a cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from gatepost.action import Action, Decision, Match, Mode, Verdict
from gatepost.config import Config
from gatepost.errors import PolicyError
from gatepost.policy import cache
from gatepost.policy.compile import CompiledPolicy, compile_policy
from gatepost.policy.engine import evaluate
from gatepost.policy.load import load_policy_set
from gatepost.policy.model import PolicySet
from gatepost.policy.source import LoadedPolicy, load_configured, load_in_force

from .helpers import command_action

T = TypeVar("T")

LOCAL = """\
pack: {id: local, version: "1", title: Local}
rules:
  - id: no-make
    title: no make
    severity: low
    verdict: block
    message: no make here
    when: {command: {program: [make]}}
    tests: {match: [make], no_match: [ls]}
"""

ACTIONS = (
    command_action("make", "all"),
    command_action("cmake", "."),
    command_action("rm", "-rf", "/"),
    command_action("git", "push", "--force", "origin", "main"),
    command_action("ls", "-la"),
)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    home = tmp_path / "home" / ".gatepost"
    (home / "packs").mkdir(parents=True)
    (home / "packs" / "local.yaml").write_text(LOCAL)
    return Config(home=home, user_home=tmp_path / "home")


def _refuse(*_: Any) -> Any:
    raise AssertionError("the policy was loaded from YAML, not from the cache")


def _refuse_to_read(*_: Any) -> Any:
    raise AssertionError("the policy files were read for their key")


def _from_cache_only(load: Callable[[Config], T], config: Config) -> T:
    """``load(config)`` with the YAML loader made to fail: it must come from the cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("gatepost.policy.load.load_policy_set", _refuse)
        return load(config)


def _decisions(loaded: LoadedPolicy, actions: tuple[Action, ...] = ACTIONS) -> list[Decision]:
    return [evaluate(loaded.policy, a) for a in actions]


def _key(config: Config) -> str | None:
    assignments = config.assignments_file if config.assignments_file.is_file() else None
    return cache.key_of(config.pack_files(), assignments)


def _block(rule: str, title: str, message: str, explanation: str, revision: str) -> Decision:
    match = Match(
        pack_id="local",
        pack_version="1",
        rule_id=rule,
        title=title,
        severity="low",
        rule_verdict=Verdict.BLOCK,
        verdict=Verdict.BLOCK,
        assignment_id="default/local",
        scope="org",
        mode=Mode.ENFORCE,
        message=message,
        explanation=explanation,
    )
    return Decision(
        verdict=Verdict.BLOCK,
        winner=match,
        matches=(match,),
        explanation=f"block: {title} [{rule}] — {explanation}",
        policy_revision=revision,
    )


def _assert_same_policy(
    first: LoadedPolicy, second: LoadedPolicy, configured: CompiledPolicy
) -> None:
    """A later load (and load_configured) gives the configured policy the first load gave."""
    assert (second.error, second.source, second.policy.revision) == (
        None,
        "configured",
        first.policy.revision,
    )
    assert configured.revision == first.policy.revision
    assert _decisions(second) == _decisions(first)


def test_second_load_is_a_hit_with_the_same_policy(config: Config) -> None:
    first = load_in_force(config)
    expected_set = load_policy_set(config.pack_files(), None)
    key = _key(config)
    assert key is not None
    assert cache.read(config, key) == (expected_set, compile_policy(expected_set).revision)

    second = _from_cache_only(load_in_force, config)
    configured = _from_cache_only(load_configured, config)

    _assert_same_policy(first, second, configured)
    assert _decisions(second)[0] == _block(
        "local/no-make", "no make", "no make here", "runs `make all`", first.policy.revision
    )


def test_editing_a_pack_misses_and_the_new_rule_is_in_force(config: Config) -> None:
    before = load_in_force(config)
    pack = config.packs_dir / "local.yaml"
    pack.write_text(
        LOCAL.replace("make", "cmake")  # id, title, message and program
    )

    after = load_in_force(config)

    assert after.error is None
    assert after.policy.revision != before.policy.revision
    make, cmake = _decisions(after, ACTIONS[:2])
    assert make == Decision(
        verdict=Verdict.PASS, explanation="no rule matched", policy_revision=after.policy.revision
    )
    assert cmake == _block(
        "local/no-cmake", "no cmake", "no cmake here", "runs `cmake .`", after.policy.revision
    )
    key = _key(config)
    assert key is not None
    expected_set = load_policy_set(config.pack_files(), None)
    assert cache.read(config, key) == (expected_set, after.policy.revision)


def _entry(key: str, *, drop: tuple[str, ...] = (), **changes: Any) -> str:
    """A cache entry in the current format with ``changes``, less the fields in ``drop``."""
    doc: dict[str, Any] = {
        "format": cache.FORMAT,
        "key": key,
        "stamp": None,
        "revision": "r",
        "policy": {"packs": [], "assignments": []},
    }
    doc.update(changes)
    return json.dumps({k: v for k, v in doc.items() if k not in drop})


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda key: b"{not json",
        lambda key: b"\xff\xfe garbage",
        lambda key: b"[]",
        lambda key: b"[" * 100_000 + b"]" * 100_000,
        lambda key: _entry("0" * 64),
        lambda key: _entry(key, policy={"packs": 3}),
        lambda key: _entry(key, policy={"packs": [], "assignments": [], "extra": 1}),
        lambda key: _entry(key, format=cache.FORMAT + 1),
        lambda key: json.dumps({"format": 1, "key": key, "revision": "r", "policy": {}}),
        lambda key: _entry(key, revision=7),
        lambda key: _entry(key, stamp=7),
        lambda key: _entry(key, drop=("stamp",)),
        lambda key: _entry(key) + "x",
    ],
    ids=[
        "not-json",
        "not-utf8",
        "not-an-entry",
        "too-deep",
        "other-key",
        "undecodable",
        "unknown-field",
        "format",
        "format-1",
        "revision",
        "stamp",
        "no-stamp",
        "trailing",
    ],
)
def test_a_corrupt_cache_is_a_miss_and_is_rewritten(config: Config, corrupt: Any) -> None:
    good = load_in_force(config)
    key = _key(config)
    assert key is not None
    entry = cache.read(config, key)
    body = corrupt(key)
    cache.seal(config, body if isinstance(body, bytes) else body.encode())
    assert cache.read(config, key) is None

    again = load_in_force(config)

    assert (again.error, again.source, again.policy.revision) == (
        None,
        "configured",
        good.policy.revision,
    )
    assert _decisions(again) == _decisions(good)
    assert cache.read(config, key) == entry  # rewritten by the full load


def test_a_broken_pack_is_refused_and_the_last_good_policy_stays(config: Config) -> None:
    good = load_in_force(config)
    cached = cache.cache_file(config).read_bytes()
    pack = config.packs_dir / "local.yaml"
    pack.write_text(LOCAL.replace("verdict: block", "verdict: maybe"))

    broken = load_in_force(config)

    assert isinstance(broken.error, PolicyError)
    assert (broken.error.file, broken.error.line, broken.error.rule_id, broken.error.message) == (
        str(pack),
        6,
        "local/no-make",
        "verdict must be one of pass, warn, ask, block",
    )
    assert broken.source == "last-good"
    last_good = config.home / "state" / "last-good" / "packs" / "local.yaml"
    assert _decisions(broken)[0] == _block(
        "local/no-make", "no make", "no make here", "runs `make all`", broken.policy.revision
    )
    assert broken.policy.packs["local"].file == str(last_good)
    assert cache.cache_file(config).read_bytes() == cached  # a fallback is never cached

    pack.write_text(LOCAL)  # mended: the same bytes as the cached entry, so a hit again
    mended = _from_cache_only(load_in_force, config)
    assert (mended.error, mended.source, mended.policy.revision) == (
        None,
        "configured",
        good.policy.revision,
    )


def test_a_load_that_saves_no_snapshot_writes_no_cache(config: Config) -> None:
    loaded = load_in_force(config, save=False)

    assert (loaded.error, loaded.source) == (None, "configured")
    assert not cache.cache_file(config).exists()
    assert not (config.home / "state" / "last-good").exists()


def test_the_key_covers_paths_bytes_and_the_assignments_file(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(LOCAL)
    b.write_text(LOCAL)
    keys = [
        cache.key_of([a], None),
        cache.key_of([b], None),
        cache.key_of([a, b], None),
        cache.key_of([a], b),
        cache.key_of([], None),
    ]
    assert len(set(keys)) == len(keys)
    assert cache.key_of([a], None) == keys[0]
    assert cache.key_of([a, tmp_path / "missing.yaml"], None) is None


def test_an_entry_of_the_current_format_is_read_as_written(config: Config) -> None:
    """The entry the corrupt cases above start from is read as it says (so each of them is a
    miss by its own defect): a cache with the files' key is trusted."""
    key = _key(config)
    assert key is not None
    cache.seal(config, _entry(key).encode())

    assert cache.read(config, key) == (PolicySet(packs=(), assignments=()), "r")


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled as soon as they are written: a test cannot age a change time."""
    monkeypatch.setattr(cache, "SETTLED_NS", -3_600_000_000_000)


def _doc(config: Config) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_body(config))
    return doc


def _body(config: Config) -> bytes:
    """The cache file's entry, less the MAC line before it."""
    mac, newline, body = cache.cache_file(config).read_bytes().partition(b"\n")
    assert (len(mac), newline) == (64, b"\n")
    return body


def _head(config: Config) -> dict[str, Any]:
    return {k: v for k, v in _doc(config).items() if k != "policy"}


def _stamp(config: Config) -> str | None:
    assignments = config.assignments_file if config.assignments_file.is_file() else None
    return cache.stamp_of(config.pack_files(), assignments)


def _from_stamp_only(load: Callable[[Config], T], config: Config) -> T:
    """``load(config)`` with the files' key and the YAML loader made to fail: it must come from
    the cache, found by the files' stamp without reading them."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cache, "key_of", _refuse_to_read)
        mp.setattr("gatepost.policy.load.load_policy_set", _refuse)
        return load(config)


def test_settled_files_are_found_by_their_stamp_without_being_read(
    config: Config, settled: None
) -> None:
    first = load_in_force(config)
    stamp = _stamp(config)
    assert stamp is not None
    assert _head(config) == {
        "format": cache.FORMAT,
        "key": _key(config),
        "stamp": stamp,
        "revision": first.policy.revision,
    }

    second = _from_stamp_only(load_in_force, config)
    configured = _from_stamp_only(load_configured, config)

    _assert_same_policy(first, second, configured)


def test_a_same_size_edit_that_keeps_the_modification_time_is_refused(
    config: Config, settled: None
) -> None:
    load_in_force(config)
    cached = cache.cache_file(config).read_bytes()
    pack = config.packs_dir / "local.yaml"
    before = pack.stat()
    broken_text = LOCAL.replace("verdict: block", "verdict: maybe")
    assert len(broken_text) == len(LOCAL)
    time.sleep(0.05)  # past the clock tick of the stamped times, as SETTLED_NS makes sure
    pack.write_text(broken_text)
    os.utime(pack, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = pack.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    assert after.st_ctime_ns != before.st_ctime_ns  # only the change time tells

    broken = load_in_force(config)

    assert isinstance(broken.error, PolicyError)
    assert (broken.error.file, broken.error.line, broken.error.rule_id, broken.error.message) == (
        str(pack),
        6,
        "local/no-make",
        "verdict must be one of pass, warn, ask, block",
    )
    assert broken.source == "last-good"
    assert _decisions(broken)[0] == _block(
        "local/no-make", "no make", "no make here", "runs `make all`", broken.policy.revision
    )
    assert cache.cache_file(config).read_bytes() == cached  # a fallback is never cached


def test_a_touched_file_of_the_same_bytes_is_a_hit_that_takes_the_new_stamp(
    config: Config, settled: None
) -> None:
    first = load_in_force(config)
    old = _doc(config)
    time.sleep(0.05)
    os.utime(config.packs_dir / "local.yaml")  # new times, the same bytes
    stamp = _stamp(config)
    assert stamp not in (None, old["stamp"])

    configured = _from_cache_only(load_configured, config)
    unsaved = _from_cache_only(lambda c: load_in_force(c, save=False), config)
    assert (configured.revision, unsaved.policy.revision) == (first.policy.revision,) * 2
    assert _doc(config) == old  # a load that saves nothing does not restamp either

    again = _from_cache_only(load_in_force, config)
    assert (again.error, again.source, again.policy.revision) == (
        None,
        "configured",
        first.policy.revision,
    )
    assert _doc(config) == {**old, "stamp": stamp}
    assert _from_stamp_only(load_in_force, config).policy.revision == first.policy.revision


def test_files_changed_lately_are_not_stamped_and_are_read_for_their_key(
    config: Config,
) -> None:
    first = load_in_force(config)
    assert _stamp(config) is None  # the pack was written a moment ago
    assert _head(config) == {
        "format": cache.FORMAT,
        "key": _key(config),
        "stamp": None,
        "revision": first.policy.revision,
    }
    calls: list[tuple[Any, ...]] = []
    key_of = cache.key_of

    def counted(*args: Any) -> str | None:
        calls.append(args)
        return key_of(*args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cache, "key_of", counted)
        again = _from_cache_only(load_in_force, config)

    assert calls == [([str(p) for p in config.pack_files()], None)]
    assert (again.error, again.source, again.policy.revision) == (
        None,
        "configured",
        first.policy.revision,
    )
    assert _head(config)["stamp"] is None


def test_the_stamp_covers_paths_times_and_the_assignments_file(
    tmp_path: Path, settled: None
) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(LOCAL)
    b.write_text(LOCAL)
    stamps = [
        cache.stamp_of([a], None),
        cache.stamp_of([b], None),
        cache.stamp_of([a, b], None),
        cache.stamp_of([a], b),
        cache.stamp_of([], None),
    ]
    assert None not in stamps
    assert len(set(stamps)) == len(stamps)
    assert cache.stamp_of([a], None) == stamps[0]
    assert cache.stamp_of([str(a)], None) == stamps[0]
    os.utime(a, ns=(1_000_000_000, 1_000_000_000))
    assert cache.stamp_of([a], None) not in (None, stamps[0])
    assert cache.stamp_of([a, tmp_path / "missing.yaml"], None) is None


def test_the_key_and_the_stamp_cover_the_modules_that_read_the_files(
    tmp_path: Path, settled: None
) -> None:
    a, reader = tmp_path / "a.yaml", tmp_path / "load.py"
    a.write_text(LOCAL)
    reader.write_text("# the loader\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cache, "_READERS", (str(reader),))
        before = (cache.key_of([a], None), cache.stamp_of([a], None))
        os.utime(reader, ns=(1_000_000_000, 1_000_000_000))  # an edited loader
        after = (cache.key_of([a], None), cache.stamp_of([a], None))
        reader.unlink()
        gone = (cache.key_of([a], None), cache.stamp_of([a], None))

    assert None not in before + after
    assert (after[0] == before[0], after[1] == before[1]) == (False, False)
    assert gone == (None, None)


def test_a_file_changed_lately_or_dated_ahead_has_no_stamp(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    a.write_text(LOCAL)
    assert cache.stamp_of([a], None) is None  # written a moment ago
    old = time.time_ns() - 10 * cache.SETTLED_NS
    ahead = time.time_ns() + 3_600_000_000_000
    os.utime(a, ns=(old, ahead))
    with pytest.MonkeyPatch.context() as mp:  # the change time was set by utime, just now
        mp.setattr(cache, "SETTLED_NS", -60_000_000_000)
        assert cache.stamp_of([a], None) is None  # modified an hour ahead of the clock
        os.utime(a, ns=(old, old))
        assert cache.stamp_of([a], None) is not None


def test_an_undecodable_entry_under_the_files_stamp_is_a_miss_and_is_rewritten(
    config: Config, settled: None
) -> None:
    good = load_in_force(config)
    doc = _doc(config)
    assert doc["stamp"] == _stamp(config) is not None
    cache.seal(config, json.dumps({**doc, "policy": {"packs": 3}}).encode())

    again = load_in_force(config)

    assert (again.error, again.source, again.policy.revision) == (
        None,
        "configured",
        good.policy.revision,
    )
    assert _decisions(again) == _decisions(good)
    assert _doc(config) == doc


def test_fields_at_their_default_are_left_out_of_the_entry(tmp_path: Path) -> None:
    home = tmp_path / ".gatepost"
    (home / "packs").mkdir(parents=True)
    pack = home / "packs" / "local.yaml"
    pack.write_text(LOCAL.replace("no make here", "no make here — ever"), encoding="utf-8")
    config = Config(home=home, user_home=tmp_path, shipped_packs=False)

    loaded = load_in_force(config)

    assert _doc(config)["policy"] == {
        "packs": [
            {
                "id": "local",
                "version": "1",
                "title": "Local",
                "rules": [
                    {
                        "id": "local/no-make",
                        "title": "no make",
                        "severity": "low",
                        "verdict": "block",
                        "message": "no make here — ever",
                        "when": {"command": {"program": ["make"]}},
                        "tests": {"match": ["make"], "no_match": ["ls"]},
                        "line": 3,
                    }
                ],
                "file": str(pack),
            }
        ],
        "assignments": [
            {"id": "default/local", "pack": "local", "scope": {"type": "org"}, "mode": "enforce"}
        ],
    }
    key = _key(config)
    assert key is not None
    assert cache.read(config, key) == (load_policy_set([pack], None), loaded.policy.revision)
    assert cache.cache_file(config).read_bytes().isascii()


def test_a_removed_snapshot_is_saved_again_by_a_hit(config: Config) -> None:
    load_in_force(config)
    snapshot = config.home / "state" / "last-good"
    shutil.rmtree(snapshot)

    hit = _from_cache_only(load_in_force, config)

    assert (hit.error, hit.source) == (None, "configured")
    assert sorted(p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*")) == [
        "packs",
        "packs/local.yaml",
        "shipped",
    ]
    assert (snapshot / "packs" / "local.yaml").read_text() == LOCAL


def test_shipped_packs_alone_leave_no_snapshot(tmp_path: Path) -> None:
    config = Config(home=tmp_path / ".gatepost", user_home=tmp_path)
    first = load_in_force(config)
    hit = _from_cache_only(load_in_force, config)

    assert (hit.error, hit.source, hit.policy.revision) == (
        None,
        "configured",
        first.policy.revision,
    )
    assert sorted(p.name for p in (config.home / "state").iterdir()) == ["policy-cache.json"]


_CHILD = """
import json, sys
from gatepost.runtime.fallback import current_config, load
config, problem = current_config()
loaded, error = load(config)
print(json.dumps({"yaml": "yaml" in sys.modules,
                  "revision": loaded.policy.revision, "error": problem + error,
                  "source": loaded.source}))
"""


def test_a_cache_hit_in_a_fresh_process_does_not_import_yaml(config: Config) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEPOST")}
    env["GATEPOST_DAEMON_AUTOSTART"] = "0"  # no resident process left behind by a test
    env |= {"GATEPOST_HOME": str(config.home), "HOME": str(config.user_home)}

    def child() -> dict[str, Any]:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD], env=env, capture_output=True, check=True, timeout=60
        )
        result: dict[str, Any] = json.loads(proc.stdout)
        return result

    revision = load_configured(config).revision
    runs = [child(), child()]

    miss = {"yaml": True, "revision": revision, "error": "", "source": "configured"}
    assert runs == [miss, {**miss, "yaml": False}]  # a miss, then a hit
