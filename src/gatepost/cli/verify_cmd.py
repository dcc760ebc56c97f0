"""``gatepost verify``: check the store's hash chain and signed checkpoints."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from gatepost.cli.evidence_io import add_store_option, open_existing, store_url

if TYPE_CHECKING:
    from gatepost.evidence.chain import VerifyResult


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "verify",
        allow_abbrev=False,
        help="check that no recorded event was altered, removed or reordered",
        description="Walk the hash chain of the event store and its checkpoints. Exit status: "
        "0 intact, 1 a problem was found (its kind, seq and event id are printed), 2 the "
        "store or key could not be read.",
    )
    p.add_argument(
        "--key", metavar="PUBLIC_KEY_PEM", help="check checkpoint signatures with this key"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_store_option(p)


def run(args: argparse.Namespace) -> int:
    import json

    from gatepost.evidence.chain import load_public_key, verify

    key = load_public_key(args.key) if args.key else None
    with open_existing(store_url(args)) as store:
        result = verify(store, key=key)
        checkpoints = len(store.checkpoints())
    if args.json:
        print(json.dumps(as_dict(result, checkpoints, signed=key is not None)))
    else:
        print(describe(result, checkpoints, signed=key is not None))
    return 0 if result.ok else 1


def as_dict(result: VerifyResult, checkpoints: int, *, signed: bool) -> dict[str, Any]:
    problem = result.problem
    return {
        "ok": result.ok,
        "checked": result.checked,
        "checkpoints": checkpoints,
        "signatures_checked": signed,
        "problem": None
        if problem is None
        else {
            "kind": problem.kind,
            "seq": problem.seq,
            "event_id": problem.event_id,
            "message": problem.message,
        },
    }


def describe(result: VerifyResult, checkpoints: int, *, signed: bool) -> str:
    problem = result.problem
    if problem is not None:
        where = f"seq {problem.seq}" + (f", event {problem.event_id}" if problem.event_id else "")
        return f"{problem.kind} at {where}: {problem.message} ({result.checked} events intact)"
    text = f"ok: {_count(result.checked, 'event')}, {_count(checkpoints, 'checkpoint')}"
    if checkpoints and not signed:
        text += " (signatures not checked: give --key)"
    return text


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"
