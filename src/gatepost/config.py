"""Configuration: loaded once into a typed object at the edge, then passed in.

Layout under ``GATEPOST_HOME`` (default ``~/.gatepost``)::

    config.yaml          optional settings (see Config)
    packs/*.yaml         local packs, added to the shipped ones
    assignments.yaml     optional; without it every pack is enforced organization-wide
    retention.yaml       optional retention per evidence class and legal holds
    events.db            the local event store (SQLite)
    keys/raw.key         the key sealing raw evidence, when raw evidence is on
    spool/               events waiting for a store that could not take them
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gatepost.errors import ConfigError
from gatepost.evidence.raw_settings import RawEvidenceSettings

SHIPPED_PACKS = Path(__file__).parent / "packs"
_KEYS = {
    "shipped_packs",
    "identity",
    "groups",
    "fail_mode",
    "deadline_ms",
    "store",
    "raw_evidence",
    "http",
    "journal_fsync",
}
JOURNAL_FSYNC = ("batch", "always", "never")  # see docs/evidence.md, "Power loss"


@dataclass(frozen=True, slots=True)
class Config:
    """The configuration in force: GATEPOST_HOME, identity, groups, fail mode, store..."""

    home: Path  # GATEPOST_HOME
    user_home: Path
    shipped_packs: bool = True
    identity: str = ""  # configured user identity, e.g. an email
    groups: tuple[str, ...] = ()
    fail_mode: str = ""  # "", "open" or "closed": overrides the per-pack default when set
    deadline_ms: int = 800
    store: str = ""  # store URL; default sqlite under home
    raw_evidence: RawEvidenceSettings = field(default_factory=lambda: RawEvidenceSettings())
    http_port: int | None = None  # the service's loopback HTTP hook endpoint; None: off
    journal_fsync: str = "batch"  # one of JOURNAL_FSYNC: when the evidence journal is synced
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def packs_dir(self) -> Path:
        return self.home / "packs"

    @property
    def assignments_file(self) -> Path:
        return self.home / "assignments.yaml"

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.home / 'events.db'}"

    def pack_files(self) -> list[Path]:
        return [Path(p) for p in self.pack_paths()]

    def pack_paths(self) -> list[str]:
        """The pack files as strings: the shipped packs (unless switched off), then the local
        ones, each folder's ``*.yaml`` sorted by name."""
        paths = yaml_paths(str(SHIPPED_PACKS)) if self.shipped_packs else []
        return paths + yaml_paths(os.path.join(self.home, "packs"))  # str(self.packs_dir)


def yaml_paths(directory: str) -> list[str]:
    """``[str(p) for p in sorted(Path(directory).glob("*.yaml"))]``, for a ``directory`` as
    ``str(Path)`` writes it: nothing when it is not a folder or may not be listed. Listed by
    name, without the pattern and the Path objects of pathlib's glob (about 0.2 ms of a cold
    hook)."""
    if os.name == "nt":  # pathlib matches and sorts there without regard to case
        return [str(p) for p in sorted(Path(directory).glob("*.yaml"))]
    try:
        names = os.listdir(directory)
    except PermissionError:
        Path(directory).is_dir()  # raises, as the glob does, when the folder cannot be looked at
        return []
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP, errno.EBADF):
            return []  # what the glob takes for no folder
        raise
    names.sort()
    prefix = os.path.join(directory, "")
    return [prefix + name for name in names if name.endswith(".yaml")]


def _read_settings(cfg_file: Path, cache_file: Path) -> Any:
    """config.yaml as data. The parsed settings of the file's exact bytes are kept as JSON in
    ``state/config-cache.json``, so a process whose config.yaml has not changed does not
    import PyYAML (about 20 ms of a hook's cold start)."""
    import json
    from hashlib import sha256

    try:
        with open(cfg_file, "rb") as f:  # not Path.read_bytes: ~20 µs less in a cold process
            text = f.read()
    except OSError as exc:
        raise ConfigError(f"{cfg_file}: {exc}") from None
    digest = sha256(text).hexdigest()
    try:
        with open(cache_file, "rb") as f:
            cached = json.loads(f.read())
        if isinstance(cached, dict) and cached.get("sha256") == digest and "settings" in cached:
            return cached["settings"]
    except (OSError, ValueError, RecursionError):  # a corrupt cache is a miss
        pass
    import yaml

    try:
        loaded = yaml.safe_load(text.decode("utf-8")) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{cfg_file}: {exc}") from None
    try:  # only what JSON carries exactly is kept (a YAML date, say, is not)
        doc = json.dumps({"sha256": digest, "settings": loaded})
    except (TypeError, ValueError):
        return loaded
    if json.loads(doc)["settings"] == loaded:
        from gatepost.cachefile import write_cache

        write_cache(cache_file, doc.encode("utf-8"))
    return loaded


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    user_home = Path(env.get("HOME") or os.path.expanduser("~"))
    home = Path(env.get("GATEPOST_HOME") or user_home / ".gatepost").expanduser()
    settings: dict[str, Any] = {}
    cfg_file = home / "config.yaml"
    if cfg_file.is_file():
        loaded = _read_settings(cfg_file, home / "state" / "config-cache.json")
        if not isinstance(loaded, dict):
            raise ConfigError(f"{cfg_file}: must be a mapping")
        unknown = set(loaded) - _KEYS
        if unknown:
            raise ConfigError(f"{cfg_file}: unknown setting(s) {', '.join(sorted(unknown))}")
        settings = loaded
    fail_mode = str(settings.get("fail_mode", ""))
    if fail_mode not in ("", "open", "closed"):
        raise ConfigError(f"{cfg_file}: fail_mode must be 'open' or 'closed'")
    journal_fsync = str(settings.get("journal_fsync", "batch"))
    if journal_fsync not in JOURNAL_FSYNC:
        raise ConfigError(f"{cfg_file}: journal_fsync must be one of {', '.join(JOURNAL_FSYNC)}")
    return Config(
        home=home,
        user_home=user_home,
        shipped_packs=bool(settings.get("shipped_packs", True)),
        identity=str(settings.get("identity", "")),
        groups=tuple(str(g) for g in settings.get("groups", ()) or ()),
        fail_mode=fail_mode,
        deadline_ms=int(settings.get("deadline_ms", 800)),
        store=str(settings.get("store", "")),
        raw_evidence=RawEvidenceSettings.from_value(
            settings.get("raw_evidence"), where=f"{cfg_file}: raw_evidence"
        ),
        http_port=_http_port(settings.get("http"), f"{cfg_file}: http"),
        journal_fsync=journal_fsync,
    )


def _http_port(value: Any, where: str) -> int | None:
    """``http: {port: N}`` turns the HTTP hook endpoint on (0: a free port); absent: off."""
    if value is None:
        return None
    port = value.get("port") if isinstance(value, dict) else None
    if not isinstance(value, dict) or set(value) - {"port"} or not isinstance(port, int):
        raise ConfigError(f"{where}: must be {{port: N}}")
    if isinstance(port, bool) or not 0 <= port <= 65535:
        raise ConfigError(f"{where}: port must be 0..65535")
    return port
