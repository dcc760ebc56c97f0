"""The policy cache: unchanged files load from it without PyYAML; any change, corruption or
refusal goes through the full load exactly as without a cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from gatepost.action import Action, Decision, Match, Mode, Verdict
from gatepost.config import Config
from gatepost.errors import PolicyError
from gatepost.policy import cache
from gatepost.policy.compile import compile_policy
from gatepost.policy.engine import evaluate
from gatepost.policy.load import load_policy_set
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


def test_second_load_is_a_hit_with_the_same_policy(config: Config) -> None:
    first = load_in_force(config)
    expected_set = load_policy_set(config.pack_files(), None)
    key = _key(config)
    assert key is not None
    assert cache.read(config, key) == (expected_set, compile_policy(expected_set).revision)

    second = _from_cache_only(load_in_force, config)
    configured = _from_cache_only(load_configured, config)

    assert (second.error, second.source, second.policy.revision) == (
        None,
        "configured",
        first.policy.revision,
    )
    assert configured.revision == first.policy.revision
    assert _decisions(second) == _decisions(first)
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


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda key: b"{not json",
        lambda key: b"\xff\xfe garbage",
        lambda key: b"[]",
        lambda key: json.dumps({"format": 1, "key": "0" * 64, "revision": "r", "policy": {}}),
        lambda key: json.dumps({"format": 1, "key": key, "revision": "r", "policy": {"packs": 3}}),
        lambda key: json.dumps({"format": 99, "key": key, "revision": "r", "policy": {}}),
        lambda key: json.dumps({"format": 1, "key": key, "revision": 7, "policy": {}}),
    ],
    ids=["not-json", "not-utf8", "not-an-entry", "other-key", "undecodable", "format", "revision"],
)
def test_a_corrupt_cache_is_a_miss_and_is_rewritten(config: Config, corrupt: Any) -> None:
    good = load_in_force(config)
    key = _key(config)
    assert key is not None
    entry = cache.read(config, key)
    body = corrupt(key)
    cache.cache_file(config).write_bytes(body if isinstance(body, bytes) else body.encode())
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


_CHILD = """
import json, sys
from gatepost.config import load_config
from gatepost.policy.source import load_in_force
loaded = load_in_force(load_config())
print(json.dumps({"yaml": "yaml" in sys.modules, "revision": loaded.policy.revision,
                  "error": str(loaded.error or ""), "source": loaded.source}))
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

    assert runs == [
        {"yaml": True, "revision": revision, "error": "", "source": "configured"},  # a miss
        {"yaml": False, "revision": revision, "error": "", "source": "configured"},  # a hit
    ]
