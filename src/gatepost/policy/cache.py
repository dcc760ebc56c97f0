"""A cache of the validated policy, so a cold process whose policy files are unchanged neither
imports PyYAML nor parses YAML.

One JSON file, ``GATEPOST_HOME/state/policy-cache.json``, holds one PolicySet (as data, never
code) and its revision under a key: a sha256 over the cache format, the gatepost version, the
modification time and size of the modules that check and shape the set, and, for each policy
input file in order, its path and its bytes. Any edit to a file changes the
key, so a changed or broken file always goes through the full load and its checks. A missing,
corrupt, differently keyed or undecodable cache is a miss, never an error; a cache that cannot
be written is simply not written.

Reading and hashing every input file would be most of what a hit costs, so the entry also
keeps the files' stamp: the device, inode, size and modification and change times (ns) of the
same modules and of each input file, in order, with its path. While the stamp is the entry's,
the files are not read: the key is the entry's. Any write to a file, any change of its times
and any rename over it moves the file's change time to the present, which no program chooses;
so a file is stamped only once all its times are more than :data:`SETTLED_NS` old (within one
tick of the clock, a second write would leave the times as they were). Files without a stamp
(one changed lately or cannot be found) are read and keyed as above, and an entry whose key
they match is given their stamp, so the next process reads none of them. This is a cache, and
the change time is what decides whether a file is read again: a tool that writes into the
device beneath the file system, or a clock set back, could go unseen (the resident process
already looks at the modification time and size only).

The entry is authenticated: the file is the HMAC-SHA256 of the entry (hex), a newline, then
the entry, under a key of 32 random bytes in ``GATEPOST_HOME/keys/cache.key`` (made 0600 when
the first entry is written). Both files are written 0600 whatever the umask; a cache file or
key that is not ours, or that others may read or write (a mode wider than 0600), a key that is
not 32 bytes, and an entry whose MAC does not verify are refused: the refusal is logged to
``GATEPOST_HOME/log/gatepost.log``, and the policy is built again from its files (a refused key
means no cache is used or written until it is fixed). The shipped packs' manifest is one of
the inputs of the key and the stamp, so a changed or missing manifest is a miss, and a miss
checks the shipped packs against it (:mod:`gatepost.policy.manifest`).
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import os
import time
from collections.abc import Sequence
from dataclasses import MISSING
from hashlib import sha256
from pathlib import Path

from gatepost import __version__, codec
from gatepost.config import Config
from gatepost.errors import PayloadError
from gatepost.policy import private
from gatepost.policy.manifest import MANIFEST
from gatepost.policy.model import PolicySet

TYPE_CHECKING = False  # not typing's: a cold hook does not import typing
if TYPE_CHECKING:
    from typing import Any

FORMAT = 3  # bump when the cached document or the meaning of its key or stamp changes
SETTLED_NS = 2_000_000_000  # a file changed more recently than this is not stamped
_HERE = os.path.dirname(os.path.abspath(__file__))
# the code that checks the files and shapes the cached set
_READERS = (
    os.path.join(_HERE, "load.py"),
    os.path.join(_HERE, "model.py"),
    os.path.join(os.path.dirname(_HERE), "codec.py"),
    MANIFEST,  # the shipped packs' manifest: a miss checks the packs against it
)
_HEAD = f"gatepost-policy-cache\0{FORMAT}\0{__version__}\0".encode()

_FILE = os.path.join("state", "policy-cache.json")  # under GATEPOST_HOME
_KEY_FILE = os.path.join("keys", "cache.key")
KEY_BYTES = 32

FilePath = str | os.PathLike[str]
Hit = tuple[PolicySet, str]  # the cached set and its revision


def cache_file(config: Config) -> Path:
    return config.home / _FILE


def _tagged(
    pack_paths: Sequence[FilePath], assignments_path: FilePath | None
) -> list[tuple[bytes, FilePath]]:
    inputs: list[tuple[bytes, FilePath]] = [(b"pack", p) for p in pack_paths]
    if assignments_path is not None:
        inputs.append((b"assignments", assignments_path))
    return inputs


def key_of(pack_paths: Sequence[FilePath], assignments_path: FilePath | None) -> str | None:
    """The cache key of these input files, or None when one of them cannot be read."""
    digest = sha256(_HEAD)
    for source in _READERS:  # an edited loader (a development install) invalidates too
        try:
            st = os.stat(source)
        except OSError:
            return None
        digest.update(b"%d\0%d\0" % (st.st_mtime_ns, st.st_size))
    for tag, path in _tagged(pack_paths, assignments_path):
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return None
        name = os.fsencode(path)
        for part in (tag, name, data):  # length-prefixed, so no two inputs hash alike
            digest.update(b"%d\0" % len(part))
            digest.update(part)
    if assignments_path is None:
        digest.update(b"no-assignments")
    return digest.hexdigest()


def stamp_of(pack_paths: Sequence[FilePath], assignments_path: FilePath | None) -> str | None:
    """The stamp of these input files and of the modules behind the key, or None when one of
    them cannot be found or changed less than :data:`SETTLED_NS` ago."""
    settled = time.time_ns() - SETTLED_NS
    parts = [_HEAD]
    readers: list[tuple[bytes, FilePath]] = [(b"reader", p) for p in _READERS]
    for tag, path in readers + _tagged(pack_paths, assignments_path):
        try:
            st = os.stat(path)
        except OSError:
            return None
        if st.st_mtime_ns >= settled or st.st_ctime_ns >= settled:
            return None  # (or its times are ahead of the clock): read, not trusted by them
        name = os.fsencode(path)
        parts.append(
            b"%s\0%d\0%s\0%d\0%d\0%d\0%d\0%d\0"
            % (
                tag,
                len(name),
                name,
                st.st_dev,
                st.st_ino,
                st.st_size,
                st.st_mtime_ns,
                st.st_ctime_ns,
            )
        )
    if assignments_path is None:
        parts.append(b"no-assignments")
    return sha256(b"".join(parts)).hexdigest()


def find(
    config: Config,
    pack_paths: Sequence[FilePath],
    assignments_path: FilePath | None,
    *,
    restamp: bool = False,
) -> tuple[Hit | None, str | None, str | None]:
    """Look these input files up: ``(hit, key, stamp)``, where ``hit`` is the cached set and
    its revision, or None on a miss; ``key`` is the files' key (None when one cannot be read)
    and ``stamp`` their stamp (None when they have none).

    The files are read only when their stamp is not the entry's. When they then match the
    entry by their bytes and ``restamp`` is set, the entry is given their stamp."""
    stamp = stamp_of(pack_paths, assignments_path)
    doc = _document(config)
    if doc is not None and stamp is not None and doc["stamp"] == stamp:
        hit = _decode(doc)
        if hit is not None:
            return hit, doc["key"], stamp
        doc = None  # undecodable: a miss, whatever the files hold
    key = key_of(pack_paths, assignments_path)
    if doc is None or key is None or doc["key"] != key:
        return None, key, stamp
    hit = _decode(doc)
    if hit is not None and restamp and stamp is not None:
        _store(config, {**doc, "stamp": stamp})
    return hit, key, stamp


def read(config: Config, key: str) -> Hit | None:
    """The cached policy set and its revision when the cache holds ``key``; else None."""
    doc = _document(config)
    return _decode(doc) if doc is not None and doc["key"] == key else None


def _document(config: Config) -> dict[str, Any] | None:
    """The entry in the cache file when it is ours, private, verifies under the key and has
    the entry's shape; else None (a refusal is logged)."""
    body, problem = _verified(config)
    if problem:
        _refuse(config, os.path.join(config.home, _FILE), problem)
    if body is None:
        return None
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return doc if _is_entry(doc) else None


def refusal(config: Config) -> str:
    """Why the cache file would be refused ("" when there is none or it verifies)."""
    problem = _verified(config)[1]
    return f"{os.path.join(config.home, _FILE)} refused: {problem}" if problem else ""


def _verified(config: Config) -> tuple[bytes | None, str]:
    """The entry's bytes when the cache file is ours, private and verifies under the key;
    else None and why it is refused ("" when there is no cache file)."""
    data, problem = private.read(os.path.join(config.home, _FILE))  # no Path: a hit makes few
    if data is None:
        return None, problem
    key, problem = _load_key(config, create=False)
    if key is None:
        return None, problem or "there is no key to verify it"
    mac, newline, body = data.partition(b"\n")
    if not newline or not hmac.compare_digest(mac, _mac(key, body)):
        return None, "its HMAC does not verify: it was changed outside gatepost"
    return body, ""


def key_file(config: Config) -> Path:
    return config.home / _KEY_FILE


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.digest(key, body, "sha256").hex().encode()


def _load_key(config: Config, *, create: bool) -> tuple[bytes | None, str]:
    """The cache key (made when missing and ``create`` is set), or None and why not."""
    path = os.path.join(config.home, _KEY_FILE)
    key, problem = private.read(path)
    if key is None and not problem and create:
        problem = _make_key(path)
        if not problem:
            key, problem = private.read(path)
    if problem:
        return None, f"key {path} refused: {problem}"
    if key is not None and len(key) != KEY_BYTES:
        return None, f"key {path} refused: it holds {len(key)} bytes, not {KEY_BYTES}"
    return key, ""


def _make_key(path: str) -> str:
    """Create the key file, 0600, whole or not at all; "" when there is one afterwards (ours
    or that of a process that made it first), else why not."""
    tmp = f"{path}.{os.getpid()}.{time.time_ns()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        private.create(tmp, os.urandom(KEY_BYTES))
        try:  # noqa: SIM105  # (contextlib: see below)
            os.link(tmp, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        return ""
    except OSError as exc:
        return f"cannot be created: {exc.strerror}"
    finally:
        try:  # noqa: SIM105  # not contextlib.suppress: contextlib costs a cold hook ~0.5 ms
            os.unlink(tmp)
        except OSError:
            pass


def _refuse(config: Config, path: str, why: str) -> None:
    from gatepost.runtime.fallback import log_problem  # the log every gatepost process writes

    log_problem(config, f"policy cache {path} refused: {why}; the policy is built from its files")


def seal(config: Config, body: bytes) -> None:
    """Replace the cache file atomically with ``body`` under its MAC, 0600; nothing when the
    key is refused (logged) or the file cannot be written: a cache is a convenience."""
    key, problem = _load_key(config, create=True)
    if key is None:
        _refuse(config, os.path.join(config.home, _FILE), problem)
        return
    private.write(os.path.join(config.home, _FILE), _mac(key, body) + b"\n" + body)


def _is_entry(doc: Any) -> bool:
    return (
        isinstance(doc, dict)
        and doc.get("format") == FORMAT
        and isinstance(doc.get("key"), str)
        and "stamp" in doc
        and (doc["stamp"] is None or isinstance(doc["stamp"], str))
        and isinstance(doc.get("revision"), str)
        and "policy" in doc
    )


def _decode(doc: dict[str, Any]) -> Hit | None:
    try:
        return codec.from_dict(PolicySet, doc["policy"], where="policy"), doc["revision"]
    except (ValueError, TypeError, RecursionError, PayloadError):
        return None


def write(
    config: Config, key: str, policy_set: PolicySet, revision: str, stamp: str | None = None
) -> None:
    """Keep ``policy_set`` and its revision under ``key`` (and the files' ``stamp``, taken
    before they were read for ``key``), replacing the previous entry atomically. Nothing is
    written unless the set reads back from JSON exactly as it is. The entry is ASCII (faster
    to parse), and a model's field that holds its default is left out."""
    doc = {
        "format": FORMAT,
        "key": key,
        "stamp": stamp,
        "revision": revision,
        "policy": _data(policy_set),
    }
    try:
        text = json.dumps(doc, separators=(",", ":"))
        if codec.from_dict(PolicySet, json.loads(text)["policy"]) != policy_set:
            return  # a value JSON cannot carry exactly: better no cache than a different policy
    except (ValueError, TypeError, PayloadError):
        return
    seal(config, text.encode("utf-8"))


def _data(value: Any) -> Any:
    """``codec.to_dict(value)`` less the fields of models that hold their default, which
    decoding gives back: fewer values for every hit to parse and decode."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.default is not MISSING:
                default = f.default
            elif f.default_factory is not MISSING:
                default = f.default_factory()
            else:
                default = MISSING
            if type(item) is not type(default) or item != default:
                out[f.name] = _data(item)
        return out
    if isinstance(value, (tuple, list)):
        return [_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _data(v) for k, v in value.items()}
    return codec.to_dict(value)  # an enum's value, or the value itself


def _store(config: Config, doc: dict[str, Any]) -> None:
    """Replace the entry with ``doc``, an entry as read (so one that JSON carries exactly)."""
    try:
        text = json.dumps(doc, separators=(",", ":"))
    except (ValueError, TypeError, RecursionError):
        return
    seal(config, text.encode("utf-8"))
