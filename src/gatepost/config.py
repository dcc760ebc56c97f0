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

import os
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from gatepost.errors import ConfigError
from gatepost.evidence.raw_settings import RawEvidenceSettings
from gatepost.record import record

SHIPPED_PACKS = Path(__file__).parent / "packs"
_KEYS = {"shipped_packs", "identity", "groups", "fail_mode", "deadline_ms", "store", "raw_evidence"}


@record
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
        files: list[Path] = []
        if self.shipped_packs:
            files.extend(sorted(SHIPPED_PACKS.glob("*.yaml")))
        if self.packs_dir.is_dir():
            files.extend(sorted(self.packs_dir.glob("*.yaml")))
        return files


def _read_settings(cfg_file: Path, cache_file: Path) -> Any:
    """config.yaml as data. The parsed settings of the file's exact bytes are kept as JSON in
    ``state/config-cache.json``, so a process whose config.yaml has not changed does not
    import PyYAML (about 20 ms of a hook's cold start)."""
    import json

    from gatepost.digest import sha256

    try:
        text = cfg_file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{cfg_file}: {exc}") from None
    digest = sha256(text).hexdigest()
    try:
        cached = json.loads(cache_file.read_bytes())
        if isinstance(cached, dict) and cached.get("sha256") == digest and "settings" in cached:
            return cached["settings"]
    except (OSError, ValueError):
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
    )
