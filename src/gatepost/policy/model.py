"""Policy as data: packs, rules, waivers, assignments (DESIGN §3).

These are the validated, loaded forms. Conditions stay as checked plain data here; the
compiler turns them into matchers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gatepost.action import Mode, Verdict

SEVERITIES = ("info", "low", "medium", "high", "critical")
SCOPE_TYPES = ("org", "group", "user", "host", "repo", "agent")


@dataclass(frozen=True, slots=True)
class RuleTests:
    """A rule's own test cases: what must match and what must not."""

    match: tuple[Any, ...] = ()  # cases that must match
    no_match: tuple[Any, ...] = ()  # cases that must not match


@dataclass(frozen=True, slots=True)
class Exception_:
    """A permanent carve-out of a rule, part of the rule as written."""

    when: dict[str, Any]
    reason: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a pack: what it matches (``when``), its verdict, severity and message."""

    id: str  # stable, "pack-id/rule-id"
    title: str
    severity: str
    verdict: Verdict
    message: str
    when: dict[str, Any]
    exceptions: tuple[Exception_, ...] = ()
    tests: RuleTests = field(default_factory=RuleTests)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Waiver:
    """A time-limited exemption granted by the owner of the rules it covers."""

    id: str
    rules: tuple[str, ...]  # rule ids, "*" globs allowed ("pack/*")
    reason: str
    expires: str  # RFC 3339; a waiver applies only while the action's time is before it
    when: dict[str, Any] = field(default_factory=dict)  # optional narrowing condition
    owner: str = ""  # pack id or assignment id
    line: int = 0


@dataclass(frozen=True, slots=True)
class Pack:
    """A policy pack: its rules, named lists and named conditions, and its waivers."""

    id: str
    version: str
    title: str
    rules: tuple[Rule, ...]
    description: str = ""
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    conditions: dict[str, dict[str, Any]] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()
    fail_mode: str = ""  # "open" | "closed" | "" (closed under enforce, open otherwise)
    file: str = ""


@dataclass(frozen=True, slots=True)
class Scope:
    """Whom an assignment covers: the org, a group, user, host, repository or agent."""

    type: str  # one of SCOPE_TYPES
    value: str = ""  # empty for org

    def __str__(self) -> str:
        return self.type if self.type == "org" else f"{self.type}:{self.value}"


@dataclass(frozen=True, slots=True)
class Assignment:
    """A pack assigned to a scope, in audit, warn or enforce mode."""

    id: str
    pack: str
    scope: Scope
    mode: Mode
    waivers: tuple[Waiver, ...] = ()
    line: int = 0
    file: str = ""


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every pack and assignment in force, as loaded and checked."""

    packs: tuple[Pack, ...]
    assignments: tuple[Assignment, ...]
