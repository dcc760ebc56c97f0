"""config.yaml loading, and the cache of its parsed settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gatepost.config import load_config
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
