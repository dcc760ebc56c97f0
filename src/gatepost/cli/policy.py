"""``gatepost policy test|lint|show``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gatepost import codec
from gatepost.config import load_config
from gatepost.errors import PolicyError
from gatepost.policy.load import load_assignments, load_pack
from gatepost.policy.model import Pack
from gatepost.policy.packtest import run_pack_tests


def _pack_files(paths: list[str]) -> list[Path]:
    if not paths:
        return load_config().pack_files()
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml")))
        else:
            files.append(p)
    return files


def run_policy(args: argparse.Namespace) -> int:
    cmd = args.policy_command
    if cmd == "test":
        return _test(args)
    if cmd == "lint":
        return _lint(args)
    if cmd == "show":
        return _show()
    print("usage: gatepost policy {test,lint,show}", file=sys.stderr)
    return 2


def _load_all(files: list[Path]) -> tuple[list[Pack], list[PolicyError]]:
    packs: list[Pack] = []
    errors: list[PolicyError] = []
    for f in files:
        try:
            packs.append(load_pack(f))
        except PolicyError as exc:
            errors.append(exc)
    return packs, errors


def _test(args: argparse.Namespace) -> int:
    packs, errors = _load_all(_pack_files(args.paths))
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    result = run_pack_tests(tuple(packs))
    if args.json:
        print(json.dumps(codec.to_dict(result), indent=2))
    else:
        for f in result.failures:
            where = f"{f.file}:{f.line}"
            case = f" case {f.case!r}" if f.case else ""
            print(f"FAIL {f.rule_id} ({where}){case}: {f.problem}")
        print(
            f"{len(packs)} packs, {result.rules} rules, {result.cases} cases: "
            f"{result.cases - sum(1 for f in result.failures if f.case)} passed, "
            f"{len(result.failures)} failed"
        )
    return 0 if result.ok and not errors else 1


def _lint(args: argparse.Namespace) -> int:
    files = _pack_files(args.paths)
    packs, errors = _load_all(files)
    config = load_config()
    if not args.paths and config.assignments_file.is_file():
        try:
            ids = {p.id for p in packs}
            for a in load_assignments(config.assignments_file):
                if a.pack not in ids:
                    errors.append(
                        PolicyError(
                            f"assignment {a.id!r} names unknown pack {a.pack!r}",
                            file=a.file,
                            line=a.line,
                        )
                    )
        except PolicyError as exc:
            errors.append(exc)
    for e in errors:
        print(f"error: {e}")
    for p in packs:
        for r in p.rules:
            if not r.tests.match or not r.tests.no_match:
                errors.append(
                    PolicyError(
                        "rule lacks match or no_match test cases",
                        file=p.file,
                        line=r.line,
                        rule_id=r.id,
                    )
                )
                print(f"error: {errors[-1]}")
    print(f"{len(files)} files, {sum(len(p.rules) for p in packs)} rules, {len(errors)} problems")
    return 1 if errors else 0


def _show() -> int:
    from gatepost.policy.source import load_in_force

    loaded = load_in_force(load_config(), save=False)
    if loaded.error:
        print(f"configured policy refused ({loaded.error}); in force: {loaded.source}")
    policy = loaded.policy
    print(f"revision {policy.revision}")
    for a in policy.assignments:
        pack = policy.packs[a.pack]
        print(f"{a.id}: pack {pack.id} {pack.version} -> {a.scope} [{a.mode.value}]")
        for r in pack.rules:
            print(f"    {r.verdict.value:5} {r.severity:8} {r.id}  {r.title}")
    return 0
