"""The one exception tree of gatepost."""

from __future__ import annotations


class GatepostError(Exception):
    """Root of every error gatepost raises on purpose."""


class PayloadError(GatepostError):
    """An input (hook payload, action JSON) that cannot be understood."""


class ConfigError(GatepostError):
    """A configuration file that cannot be used."""


class PolicyError(GatepostError):
    """A policy pack or assignment file that is refused; names file, line and rule id."""

    def __init__(self, message: str, *, file: str = "", line: int = 0, rule_id: str = "") -> None:
        self.message = message
        self.file = file
        self.line = line
        self.rule_id = rule_id
        where = file + (f":{line}" if line else "") if file else ""
        parts = [p for p in (where, f"rule {rule_id}" if rule_id else "", message) if p]
        super().__init__(": ".join(parts))


class IntegrityError(GatepostError):
    """A shipped policy file that is not what was built: the policy cannot be trusted."""


class StoreError(GatepostError):
    """The event store cannot take or give events."""


class AdapterError(PayloadError):
    """A native hook payload that an adapter cannot parse."""
