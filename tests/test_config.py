"""config.yaml loading, and the cache of its parsed settings."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gatepost.config import SHIPPED_PACKS, Config, load_config, yaml_paths
from gatepost.errors import ConfigError


def _env(home: Path) -> dict[str, str]:
    return {"GATEPOST_HOME": str(home), "HOME": str(home.parent)}


def test_an_unchanged_config_is_read_without_pyyaml(tmp_path: Path) -> None:
    home = tmp_path / ".gatepost"
    home.mkdir()
    (home / "config.yaml").write_text("identity: dev@acme.example\ngroups: [eng, sre]\n")
    first = load_config(_env(home))
    assert (home / "state" / "config-cache.json").is_file()
    code = (
        "import sys; from gatepost.config import load_config; "
        f"c = load_config({_env(home)!r}); "
        "print(c.identity, ','.join(c.groups), 'yaml' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == [first.identity, "eng,sre", "False"]


def test_an_edited_config_is_read_again(tmp_path: Path) -> None:
    home = tmp_path / ".gatepost"
    home.mkdir()
    (home / "config.yaml").write_text("fail_mode: open\n")
    assert load_config(_env(home)).fail_mode == "open"
    (home / "config.yaml").write_text("fail_mode: closed\n")
    assert load_config(_env(home)).fail_mode == "closed"
    (home / "config.yaml").write_text("fail_mode: sideways\n")
    with pytest.raises(ConfigError, match="fail_mode"):
        load_config(_env(home))


def test_a_corrupt_cache_is_ignored_and_a_date_is_not_cached(tmp_path: Path) -> None:
    home = tmp_path / ".gatepost"
    (home / "state").mkdir(parents=True)
    (home / "state" / "config-cache.json").write_text("{not json")
    (home / "config.yaml").write_text("identity: a@acme.example\n")
    assert load_config(_env(home)).identity == "a@acme.example"
    cached = (home / "state" / "config-cache.json").read_text()
    (home / "config.yaml").write_text("identity: 2026-11-26\n")  # YAML reads a date
    assert load_config(_env(home)).identity == "2026-11-26"
    assert load_config(_env(home)).identity == "2026-11-26"
    assert (home / "state" / "config-cache.json").read_text() == cached  # no JSON form: not kept


def test_yaml_paths_lists_what_pathlib_globs(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    names = ["b.yaml", "a.yaml", ".hidden.yaml", "A.yaml", "ü.yaml", ".yaml", "x.yml"]
    names += ["c.yaml.bak", "Upper.YAML", "d yaml", "e.yaml~"]
    for name in names:
        (folder / name).write_text("x")
    (folder / "dir.yaml").mkdir()
    (folder / "link.yaml").symlink_to(folder / "a.yaml")
    (folder / "dangling.yaml").symlink_to(folder / "missing")

    listed = yaml_paths(str(folder))

    assert listed == [str(p) for p in sorted(folder.glob("*.yaml"))]
    expected = [".hidden.yaml", ".yaml", "A.yaml", "a.yaml", "b.yaml", "dangling.yaml"]
    expected += ["dir.yaml", "link.yaml", "ü.yaml"]
    assert listed == [str(folder / n) for n in expected]
    assert yaml_paths(str(tmp_path / "missing")) == []
    assert yaml_paths(str(folder / "a.yaml")) == []  # a file, not a folder


def test_pack_files_are_the_shipped_packs_then_the_local_ones(tmp_path: Path) -> None:
    home = tmp_path / ".gatepost"
    (home / "packs").mkdir(parents=True)
    for name in ("z.yaml", "local.yaml", "notes.txt"):
        (home / "packs" / name).write_text("x")
    config = load_config(_env(home))
    shipped = sorted(SHIPPED_PACKS.glob("*.yaml"))

    assert config.pack_files() == [
        *shipped,
        home / "packs" / "local.yaml",
        home / "packs" / "z.yaml",
    ]
    assert config.pack_paths() == [str(p) for p in config.pack_files()]
    assert replace(config, shipped_packs=False).pack_files() == config.pack_files()[len(shipped) :]
    assert len(shipped) > 0


def test_a_cache_nested_too_deep_is_a_miss_and_is_rewritten(tmp_path: Path) -> None:
    home = tmp_path / ".gatepost"
    (home / "state").mkdir(parents=True)
    cache = home / "state" / "config-cache.json"
    cache.write_text("[" * 100_000 + "]" * 100_000)
    text = "identity: a@acme.example\n"
    (home / "config.yaml").write_text(text)

    assert load_config(_env(home)).identity == "a@acme.example"
    assert json.loads(cache.read_text()) == {
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "settings": {"identity": "a@acme.example"},
    }


def test_the_journal_fsync_policy_is_a_setting(tmp_path: Path) -> None:
    home = tmp_path / ".gatepost"
    home.mkdir()
    assert load_config(_env(home)).journal_fsync == "batch"
    (home / "config.yaml").write_text("journal_fsync: always\n")
    assert load_config(_env(home)) == Config(home=home, user_home=tmp_path, journal_fsync="always")
    (home / "config.yaml").write_text("journal_fsync: sometimes\n")
    with pytest.raises(ConfigError) as refused:
        load_config(_env(home))
    assert str(refused.value) == (
        f"{home / 'config.yaml'}: journal_fsync must be one of batch, always, never"
    )
