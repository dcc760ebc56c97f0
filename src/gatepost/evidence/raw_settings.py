"""The ``raw_evidence`` setting, kept apart from the sealing code so reading the
configuration does not import the cryptography library on the hook's path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gatepost.errors import ConfigError

__all__ = ["RawEvidenceSettings"]


@dataclass(frozen=True, slots=True)
class RawEvidenceSettings:
    """The ``raw_evidence`` setting of config.yaml::

        raw_evidence:
          enabled: true            # default false: no raw payload is kept
          key_file: /path/raw.key  # default GATEPOST_HOME/keys/raw.key

    (``raw_evidence: true`` is short for ``{enabled: true}``.)
    """

    enabled: bool = False
    key_file: str = ""

    @classmethod
    def from_value(cls, value: object, *, where: str = "raw_evidence") -> RawEvidenceSettings:
        """The settings of a config value: None, a bool, or a mapping; ConfigError otherwise."""
        if value is None:
            return cls()
        if isinstance(value, bool):
            return cls(enabled=value)
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: must be true, false or a mapping")
        unknown = sorted(set(map(str, value)) - {"enabled", "key_file"})
        if unknown:
            raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}")
        enabled = value.get("enabled", False)
        key_file = value.get("key_file", "")
        if not isinstance(enabled, bool):
            raise ConfigError(f"{where}.enabled: must be true or false")
        if not isinstance(key_file, str):
            raise ConfigError(f"{where}.key_file: must be a path")
        return cls(enabled=enabled, key_file=key_file)

    def key_path(self, home: Path) -> Path:
        """The key file: ``key_file`` (``~`` expanded, relative to home) or home/keys/raw.key."""
        if self.key_file:
            return home / Path(self.key_file).expanduser()
        return home / "keys" / "raw.key"
