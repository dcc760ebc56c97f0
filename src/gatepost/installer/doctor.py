"""``gatepost doctor``: per agent, are gatepost's hooks installed, and do they really answer?

For each agent it reads every hook file the agent reads (its own and the ones it shares with
other agents), lists the events that run gatepost, and runs each pre-tool gatepost command
the way the agent would — a harmless ``git status`` must pass, a dangerous ``rm -rf /`` must
be blocked in the agent's native reply. ``assess`` (pure) turns what was found into the
agent's status: OK, NOT INSTALLED or BROKEN, with loud warnings where protection is silently
off. ``examine`` is the I/O edge.
"""

from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gatepost.errors import ConfigError, GatepostError
from gatepost.installer import ALIASES, MODULES, Place, Source, Spec, spec
from gatepost.installer._json import command_for, handlers, is_gatepost_handler, load_object
from gatepost.installer.probe import DANGEROUS, HARMLESS, PROBES, TIMEOUT_S, Answer, outcome
from gatepost.installer.probe import payload as probe_payload
from gatepost.installer.probe import run as run_probe

OK, NOT_INSTALLED, BROKEN = "OK", "NOT INSTALLED", "BROKEN"
# What the doctor cannot see from outside the agent, said where it matters.
CAVEATS = {
    "codex": "Codex skips a new or changed hook until it is trusted: open /hooks in Codex to "
    "check (managed hooks in /etc/codex are trusted by policy)",
}
_NAMED = re.compile(r"gatepost[\"']?\s+hook\s+([A-Za-z0-9_.-]+)")


@dataclass(frozen=True, slots=True)
class Hook:
    """One gatepost command registered for one event in one file."""

    path: str
    scope: str
    event: str
    command: str
    named: str  # the agent the command names ("" when it names none)
    own: bool = True  # in one of the agent's own files


@dataclass(frozen=True, slots=True)
class FileState:
    """One agent configuration file: which gatepost hooks it holds, or what is wrong."""

    path: str
    scope: str
    own: bool
    events: tuple[str, ...] = ()  # events with a gatepost hook
    problem: str = ""  # the file cannot be read
    disabled: str = ""  # hooks switched off by this file


@dataclass(frozen=True, slots=True)
class Probe:
    """One configured hook command run with a harmless and a dangerous payload."""

    command: str
    event: str
    variant: str
    named: str
    own: bool
    harmless: Answer | None  # None: timed out
    dangerous: Answer | None

    @property
    def problem(self) -> str:
        return judge(self.harmless, self.dangerous)


@dataclass(frozen=True, slots=True)
class AgentReport:
    """Doctor's finding for one agent: status, files, probes, problems, warnings."""

    agent: str
    title: str
    status: str
    files: tuple[FileState, ...] = ()
    probes: tuple[Probe, ...] = ()
    problems: tuple[str, ...] = ()  # why it is BROKEN
    warnings: tuple[str, ...] = ()  # protection silently off, or refusing everything
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyState:
    """Whether the policy in force loads, and what is wrong when it does not."""

    ok: bool
    message: str
    warnings: tuple[str, ...] = ()  # the policy cache refused: the policy is built each time


@dataclass(frozen=True, slots=True)
class Report:
    """Doctor's whole finding: the policy and every agent."""

    policy: PolicyState
    agents: tuple[AgentReport, ...] = field(default_factory=tuple)

    @property
    def exit_code(self) -> int:
        broken = any(a.status == BROKEN for a in self.agents)
        return 1 if broken or not self.policy.ok else 0


# ---------------------------------------------------------------------------- pure


def named_agent(command: str) -> str:
    """The agent a ``gatepost hook AGENT`` command names (aliases resolved), or ""."""
    m = _NAMED.search(command)
    if m is None:
        return ""
    return ALIASES.get(m.group(1), m.group(1))


def file_hooks(text: str, source: Source, path: str, platform: str) -> list[Hook]:
    """The gatepost hooks of one hook file (raises ConfigError when it is not JSON)."""
    found: list[Hook] = []
    hooks = load_object(text).get("hooks")
    if not isinstance(hooks, dict):
        return found
    for event, entries in hooks.items():
        for entry in entries if isinstance(entries, list) else []:
            for handler in handlers(entry):
                if is_gatepost_handler(handler):
                    command = command_for(handler, platform)
                    found.append(
                        Hook(path, source.scope, event, command, named_agent(command), source.own)
                    )
    return found


def disabled_by(obj: Mapping[str, Any]) -> str:
    """The setting in a JSON hook file that switches all its agent's hooks off, or ""."""
    if obj.get("disableAllHooks") is True:
        return "disableAllHooks is true"
    for key in ("hooksConfig", "hooks"):
        section = obj.get(key)
        if isinstance(section, dict) and section.get("enabled") is False:
            return f"{key}.enabled is false"
    return ""


def codex_disabled(text: str) -> str:
    """The ``config.toml`` feature switch that turns Codex hooks off, or ""."""
    try:
        features = tomllib.loads(text).get("features")
    except tomllib.TOMLDecodeError:
        return ""
    if isinstance(features, dict):
        for key in ("hooks", "codex_hooks"):
            if features.get(key) is False:
                return f"[features] {key} = false"
    return ""


def judge(harmless: Answer | None, dangerous: Answer | None) -> str:
    """What is wrong with a hook's answers to the two probes ("" when nothing is)."""
    for answer, what in ((harmless, HARMLESS), (dangerous, DANGEROUS)):
        if answer is None:
            return f"did not answer `{what}` within {TIMEOUT_S:g} s"
        if answer.verdict == "error":
            return f"fails on `{what}`: {answer.detail}"
    assert harmless is not None and dangerous is not None
    if harmless.verdict in ("block", "ask"):
        return f"refuses the harmless `{HARMLESS}` ({harmless.verdict}): every action is refused"
    if dangerous.verdict != "block":
        return f"lets `{DANGEROUS}` through ({dangerous.verdict}): protection is off"
    return ""


def assess(
    agent: Spec,
    files: list[FileState],
    hooks: list[Hook],
    probes: list[Probe],
) -> AgentReport:
    """The agent's status from what its files hold and how their commands answered."""
    own = [h for h in hooks if h.named == agent.name]
    probe_events = PROBES[agent.name]
    problems: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []
    for f in files:
        if f.problem:  # whether it holds gatepost's hooks cannot be told
            warnings.append(f"cannot read {f.path}: {f.problem}")
        if f.disabled and f.own:
            (problems if own else warnings).append(
                f"{f.path}: {f.disabled}: {agent.title} runs no hooks, gatepost's included"
            )
    for p in probes:
        if p.problem:
            who = "its gatepost hook" if p.named == agent.name else f"the {p.named} hook"
            text = f"{agent.title} runs {who} `{p.command}` ({p.event}), which {p.problem}"
            (problems if p.named == agent.name and p.own else warnings).append(text)
        elif p.named != agent.name:
            notes.append(f"also runs the gatepost hook for {p.named or '?'}: `{p.command}`")
    if own:
        if not any(h.event in probe_events for h in own):
            problems.append(
                f"gatepost is registered ({', '.join(sorted({h.event for h in own}))}) but "
                f"not on {' or '.join(probe_events)}: tool calls are not checked"
            )
        missing = [e for e in agent.events if e not in {h.event for h in own}]
        if missing:
            notes.append(f"events without a gatepost hook: {', '.join(missing)}")
        if agent.name in CAVEATS:
            notes.append(CAVEATS[agent.name])
        status = BROKEN if problems else OK
    else:
        status = NOT_INSTALLED
        warnings += [
            f"{f.path} exists but has no gatepost hook: {agent.title} runs unprotected"
            for f in files
            if f.own and not f.problem and not f.events
        ]
    return AgentReport(
        agent.name,
        agent.title,
        status,
        tuple(files),
        tuple(probes),
        tuple(problems),
        tuple(warnings),
        tuple(notes),
    )


# ---------------------------------------------------------------------------- I/O edge


def examine(place: Place, environ: Mapping[str, str], agents: list[str] | None = None) -> Report:
    """The whole doctor run: policy, then every agent's files and probes."""
    reports = [examine_agent(spec(name), place, environ) for name in agents or list(MODULES)]
    return Report(policy_state(environ), tuple(reports))


def examine_agent(agent: Spec, place: Place, environ: Mapping[str, str]) -> AgentReport:
    files, hooks = scan(agent, place)
    now = datetime.now(UTC)
    now_iso = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    variants = PROBES[agent.name]
    probes: list[Probe] = []
    seen: set[tuple[str, str]] = set()
    for hook in hooks:
        variant = variants.get(hook.event)
        if variant is None or (hook.command, variant) in seen:
            continue
        seen.add((hook.command, variant))

        def ask(command: str, variant: str = variant, hook: Hook = hook) -> Answer | None:
            data = probe_payload(
                variant, command, str(place.project), now_iso, int(time.time() * 1000)
            )
            got = run_probe(hook.command, data, cwd=place.project, env=environ, timeout=TIMEOUT_S)
            if got is None:
                return None
            return outcome(*got, json_stdout=agent.name != "windsurf")

        probes.append(
            Probe(
                hook.command,
                hook.event,
                variant,
                hook.named,
                hook.own,
                ask(HARMLESS),
                ask(DANGEROUS),
            )
        )
    return assess(agent, files, hooks, probes)


def scan(agent: Spec, place: Place) -> tuple[list[FileState], list[Hook]]:
    files: list[FileState] = []
    hooks: list[Hook] = []
    for source in agent.sources(place):
        paths = _expand(source)
        for path in paths:
            state, found = _read(source, path, place.platform)
            files.append(state)
            hooks.extend(found)
    if agent.name == "codex":
        files.extend(_codex_switches(place))
    return files, hooks


def _expand(source: Source) -> list[Path]:
    if not source.folder:
        return [source.path] if source.path.is_file() else []
    if not source.path.is_dir():
        return []
    return sorted(p for p in source.path.glob("*.json") if p.is_file())


def _read(source: Source, path: Path, platform: str) -> tuple[FileState, list[Hook]]:
    try:
        text = path.read_text(encoding="utf-8")
        found = file_hooks(text, source, str(path), platform)
        disabled = disabled_by(load_object(text))
    except (OSError, UnicodeDecodeError, ConfigError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        return FileState(str(path), source.scope, source.own, problem=str(why)), []
    events = tuple(dict.fromkeys(h.event for h in found))
    return FileState(str(path), source.scope, source.own, events, disabled=disabled), found


def _codex_switches(place: Place) -> list[FileState]:
    states: list[FileState] = []
    home = place.env_dir("CODEX_HOME", place.home / ".codex")
    for scope, path in (
        ("user", home / "config.toml"),
        ("project", place.project / ".codex" / "config.toml"),
    ):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        disabled = codex_disabled(text)
        if disabled:
            states.append(FileState(str(path), scope, True, disabled=disabled))
    return states


def policy_state(environ: Mapping[str, str]) -> PolicyState:
    """Whether the configured policy loads and can be trusted; refused files are named
    loudly."""
    from gatepost.config import load_config
    from gatepost.policy import cache, manifest
    from gatepost.policy.source import load_in_force

    try:
        config = load_config(environ)
    except ConfigError as exc:
        return PolicyState(
            False,
            f"configuration refused: {exc}: every hook fails closed (blocks) until it is fixed",
        )
    tampered = manifest.problems() if config.shipped_packs else []
    if tampered:
        return PolicyState(
            False,
            "FAIL shipped packs do not match their manifest: "
            + "; ".join(tampered)
            + ": every hook fails by its fail mode (closed unless fail_mode is open) until "
            "gatepost is reinstalled",
        )
    refused = cache.refusal(config)
    warnings: tuple[str, ...] = ()
    if refused:
        warnings = (f"policy cache {refused}: the policy is built from its files instead",)
    try:
        loaded = load_in_force(config, save=False)
    except GatepostError as exc:
        return PolicyState(False, f"no policy can be loaded ({exc}): every hook fails closed")
    revision = loaded.policy.revision
    if loaded.error is not None:
        return PolicyState(
            False,
            f"policy refused: {loaded.error}; in force instead: the {loaded.source} policy "
            f"(revision {revision}) — your latest changes are NOT enforced",
            warnings,
        )
    return PolicyState(True, f"policy in force: revision {revision} ({config.home})", warnings)
