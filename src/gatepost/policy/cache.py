"""A cache of the validated policy, so a cold process whose policy files are unchanged neither
imports PyYAML nor parses YAML.

One JSON file, ``GATEPOST_HOME/state/policy-cache.json``, holds one PolicySet (as data, never
code) and its revision under a key: a sha256 over the cache format, the gatepost version, the
modification time and size of the modules that check and shape the set, and, for each policy
input file in order, its path and its bytes. Any edit to a file changes the
key, so a changed or broken file always goes through the full load and its checks. A missing,
corrupt, differently keyed or undecodable cache is a miss, never an error; a cache that cannot
be written is simply not written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gatepost import __version__, codec
from gatepost.cachefile import write_cache
from gatepost.config import Config
from gatepost.digest import sha256
from gatepost.errors import PayloadError
from gatepost.policy.model import PolicySet

FORMAT = 1  # bump when the cached document or the meaning of its key changes
_HERE = Path(__file__).resolve().parent
# the code that checks the files and shapes the cached set
_READERS = (_HERE / "load.py", _HERE / "model.py", _HERE.parent / "codec.py")


def cache_file(config: Config) -> Path:
    return config.home / "state" / "policy-cache.json"


def key_of(pack_paths: Sequence[Path], assignments_path: Path | None) -> str | None:
    """The cache key of these input files, or None when one of them cannot be read."""
    digest = sha256(f"gatepost-policy-cache\0{FORMAT}\0{__version__}\0".encode())
    for source in _READERS:  # an edited loader (a development install) invalidates too
        try:
            st = os.stat(source)
        except OSError:
            return None
        digest.update(b"%d\0%d\0" % (st.st_mtime_ns, st.st_size))
    inputs = [(b"pack", p) for p in pack_paths]
    if assignments_path is not None:
        inputs.append((b"assignments", assignments_path))
    for tag, path in inputs:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        name = os.fsencode(path)
        for part in (tag, name, data):  # length-prefixed, so no two inputs hash alike
            digest.update(b"%d\0" % len(part) + part)
    if assignments_path is None:
        digest.update(b"no-assignments")
    return digest.hexdigest()


def read(config: Config, key: str) -> tuple[PolicySet, str] | None:
    """The cached policy set and its revision when the cache holds ``key``; else None."""
    try:
        doc = json.loads(cache_file(config).read_bytes())
        if not _is_entry(doc, key):
            return None
        return codec.from_dict(PolicySet, doc["policy"], where="policy"), doc["revision"]
    except (OSError, ValueError, TypeError, RecursionError, PayloadError):
        return None


def _is_entry(doc: Any, key: str) -> bool:
    return (
        isinstance(doc, dict)
        and doc.get("format") == FORMAT
        and doc.get("key") == key
        and isinstance(doc.get("revision"), str)
        and "policy" in doc
    )


def write(config: Config, key: str, policy_set: PolicySet, revision: str) -> None:
    """Keep ``policy_set`` and its revision under ``key``, replacing the previous entry
    atomically. Nothing is written unless the set reads back from JSON exactly as it is."""
    doc = {"format": FORMAT, "key": key, "revision": revision, "policy": codec.to_dict(policy_set)}
    try:
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        if codec.from_dict(PolicySet, json.loads(text)["policy"]) != policy_set:
            return  # a value JSON cannot carry exactly: better no cache than a different policy
    except (ValueError, TypeError, PayloadError):
        return
    write_cache(cache_file(config), text.encode("utf-8"))
