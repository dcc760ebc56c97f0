"""The policy cache is authenticated: a cache edited, re-permissioned, given away or signed with
another key is refused and logged, and the next ``gatepost hook claude-code`` decides from the
policy files exactly as before the attack."""

from __future__ import annotations

import hmac
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from .helpers import Install, hook, log_lines, make_install

DELETE_ETC = "rm -rf /etc"
REBUILT = "; the policy is built from its files"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _verifies(install: Install) -> bool:
    mac, _, body = install.cache.read_bytes().partition(b"\n")
    good = hmac.new(install.key.read_bytes(), body, "sha256").hexdigest().encode()
    return hmac.compare_digest(mac, good)


@pytest.fixture
def install(tmp_path: Path) -> Install:
    return make_install(tmp_path)


@pytest.fixture
def before(install: Install) -> tuple[int, object, str]:
    """The reply to a recursive delete of /etc with an intact cache (which this writes)."""
    first = hook(install, DELETE_ETC)
    assert first[1]["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert _verifies(install)
    assert hook(install, DELETE_ETC) == first  # the same from the cache
    assert log_lines(install) == []
    return first


def _swap_verdicts(install: Install) -> str:
    """Every block in the cached policy becomes pass, the MAC line left as it was."""
    data = install.cache.read_bytes()
    assert b'"verdict":"block"' in data
    install.cache.write_bytes(data.replace(b'"verdict":"block"', b'"verdict":"pass"'))
    return "its HMAC does not verify: it was changed outside gatepost"


def _world_writable(install: Install) -> str:
    install.cache.chmod(0o666)
    return "mode 0666 is wider than 0600"


def _group_readable(install: Install) -> str:
    install.cache.chmod(0o640)
    return "mode 0640 is wider than 0600"


def _other_key(install: Install) -> str:
    install.key.write_bytes(os.urandom(32))  # the file keeps its mode 0600
    return "its HMAC does not verify: it was changed outside gatepost"


def _symlink(install: Install) -> str:
    elsewhere = install.cache.with_name("elsewhere.json")
    install.cache.rename(elsewhere)
    install.cache.symlink_to(elsewhere)
    return "cannot be opened: Too many levels of symbolic links"


def _given_away(install: Install) -> str:
    os.chown(install.cache, 1, 1)
    return f"owned by uid 1, not by this user (uid {os.getuid()})"


ATTACKS: list[Callable[[Install], str]] = [
    _swap_verdicts,
    _world_writable,
    _group_readable,
    _other_key,
    _symlink,
    pytest.param(  # type: ignore[list-item]
        _given_away,
        marks=pytest.mark.skipif(os.getuid() != 0, reason="giving a file away needs root"),
    ),
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_refused_cache_is_logged_and_the_policy_rebuilt(
    install: Install, before: tuple[int, object, str], attack: Callable[[Install], str]
) -> None:
    why = attack(install)

    assert hook(install, DELETE_ETC) == before
    assert log_lines(install) == [f"policy cache {install.cache} refused: {why}{REBUILT}"]
    # replaced by a cache of the files' policy, private and signed, used by the next hook
    assert (_mode(install.cache), install.cache.is_symlink(), _verifies(install)) == (
        0o600,
        False,
        True,
    )
    assert hook(install, DELETE_ETC) == before
    assert len(log_lines(install)) == 1


def test_a_key_others_may_read_is_refused_and_no_cache_is_used(
    install: Install, before: tuple[int, object, str]
) -> None:
    install.key.chmod(0o644)
    cached = install.cache.read_bytes()

    assert hook(install, DELETE_ETC) == before
    why = f"key {install.key} refused: mode 0644 is wider than 0600"
    line = f"policy cache {install.cache} refused: {why}{REBUILT}"
    assert log_lines(install) == [line, line]  # on reading the cache, and on writing it
    assert install.cache.read_bytes() == cached  # not rewritten under a key others may know


def test_a_key_of_the_wrong_size_is_refused(
    install: Install, before: tuple[int, object, str]
) -> None:
    install.key.write_bytes(b"short")

    assert hook(install, DELETE_ETC) == before
    why = f"key {install.key} refused: it holds 5 bytes, not 32"
    assert log_lines(install)[0] == f"policy cache {install.cache} refused: {why}{REBUILT}"


def test_a_removed_key_makes_the_cache_unverifiable_and_a_new_key_signs_the_next(
    install: Install, before: tuple[int, object, str]
) -> None:
    install.key.unlink()

    assert hook(install, DELETE_ETC) == before
    why = "there is no key to verify it"
    assert log_lines(install) == [f"policy cache {install.cache} refused: {why}{REBUILT}"]
    assert (_mode(install.key), len(install.key.read_bytes()), _verifies(install)) == (
        0o600,
        32,
        True,
    )


def test_cache_and_key_are_private_whatever_the_umask(install: Install) -> None:
    hook(install, DELETE_ETC, umask=0)

    modes = {
        p: _mode(p) for p in (install.cache, install.key, install.cache.parent, install.key.parent)
    }
    assert modes == {
        install.cache: 0o600,
        install.key: 0o600,
        install.cache.parent: 0o700,
        install.key.parent: 0o700,
    }
