"""The dcg corpus (../shared/corpora/dcg), read as it is, as labelled commands.

dcg's labels are mapped onto gatepost verdicts here: deny -> must be block or ask;
allow -> must be pass or warn. Cases that only say "must not crash" are kept with label None.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.shared import dcg_root

ROOT = dcg_root()


@dataclass(frozen=True)
class Case:
    command: str
    label: str | None  # "deny" | "allow" | None
    source: str  # file and index, for reporting


def _toml_cases() -> list[Case]:
    out: list[Case] = []
    for f in sorted((ROOT / "corpus").rglob("*.toml")):
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        for i, c in enumerate(data.get("case", [])):
            if "command" not in c:  # hook_json cases belong to the hook tests
                continue
            label = c.get("expected") or c.get("expected_decision")
            out.append(Case(c["command"], label, f"{f.relative_to(ROOT)}#{i}"))
    return out


def _fixture_commands(path: Path) -> tuple[list[tuple[str, str]], int]:
    """(pack, command) of each "- command:" line, read line by line because a few lines of
    these files are not valid YAML; returns those it could read and how many it could not."""
    out: list[tuple[str, str]] = []
    unreadable = 0
    pack = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            pack = line.rstrip()[:-1]
            continue
        stripped = line.strip()
        if not stripped.startswith("- command:"):
            continue
        try:
            value = yaml.safe_load(stripped[len("- command:") :])
        except yaml.YAMLError:
            unreadable += 1
            continue
        if isinstance(value, str):
            out.append((pack, value))
        else:
            unreadable += 1
    return out, unreadable


UNREADABLE: dict[str, int] = {}


def _fixture_cases() -> list[Case]:
    out: list[Case] = []
    for name, label in (("destructive_commands.yaml", "deny"), ("safe_commands.yaml", "allow")):
        commands, UNREADABLE[name] = _fixture_commands(ROOT / "fixtures" / name)
        for i, (pack, command) in enumerate(commands):
            out.append(Case(command, label, f"fixtures/{name}:{pack}#{i}"))
    edge = yaml.safe_load((ROOT / "fixtures" / "edge_cases.yaml").read_text(encoding="utf-8"))
    for key, label in (("false_positives", "allow"), ("false_negatives", "deny")):
        for i, item in enumerate(edge.get(key, [])):
            out.append(Case(item["command"], label, f"fixtures/edge_cases.yaml:{key}#{i}"))
    return out


def _e2e_cases() -> list[Case]:
    """One command a line; in the files with ALLOW:/BLOCK: prefixes an entry runs on over the
    following lines until the next prefix, comment or blank line (literal heredocs), and
    heredocs.txt writes its line breaks as \\n."""
    out: list[Case] = []
    base = ROOT / "e2e" / "fixtures" / "commands"
    for name, default in (
        ("dangerous.txt", "deny"),
        ("safe.txt", "allow"),
        ("edge_cases.txt", None),
        ("heredocs.txt", None),
    ):
        entries: list[tuple[int, str | None, str]] = []
        for n, line in enumerate((base / name).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                if default is None and entries and not line.strip():
                    entries.append((0, None, ""))  # a blank line closes an entry
                continue
            if line.startswith(("ALLOW:", "BLOCK:")):
                label = "allow" if line.startswith("ALLOW:") else "deny"
                entries.append((n, label, line[6:]))
            elif default is None and entries and entries[-1][0]:
                first, label, text = entries[-1]
                entries[-1] = (first, label, text + "\n" + line)
            elif default is not None:
                entries.append((n, default, line))
        for n, label, text in entries:
            if n:
                command = text.replace("\\n", "\n") if name == "heredocs.txt" else text
                out.append(Case(command, label, f"e2e/{name}:{n}"))
    return out


def hook_json_cases() -> list[tuple[str, str, str]]:
    """canonical.toml's raw hook payloads: (id, raw input, dcg label); none when the corpus
    is absent (the tests that use them say so through ``tests.shared.require``)."""
    if not ROOT.is_dir():
        return []
    data = tomllib.loads((ROOT / "corpus" / "canonical.toml").read_text(encoding="utf-8"))
    return [
        (c["id"], c["raw_input"], c["expected_decision"])
        for c in data.get("case", [])
        if c.get("input_kind") == "hook_json"
    ]


def all_cases() -> list[Case]:
    return _toml_cases() + _fixture_cases() + _e2e_cases()
