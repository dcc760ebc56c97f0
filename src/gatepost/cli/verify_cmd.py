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
        description="Walk the hash chain of the event store and its checkpoints, and the "
        "latest checkpoint the writer keeps outside the store (GATEPOST_HOME/state/"
        "checkpoint.json); say how many events wait in the journal. Exit status: "
        "0 intact, 1 a problem was found (its kind, seq and event id are printed), 2 the "
        "store or key could not be read.",
    )
    p.add_argument(
        "--key",
        metavar="PUBLIC_KEY_PEM",
        help="check checkpoint signatures with this key (default: the key the writer signs its "
        "own checkpoints with, GATEPOST_HOME/keys/checkpoint.pub)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_store_option(p)


def run(args: argparse.Namespace) -> int:
    import json

    from gatepost.config import load_config
    from gatepost.errors import StoreError
    from gatepost.evidence.chain import load_public_key, verify
    from gatepost.runtime import checkpoints as auto
    from gatepost.runtime.journal import describe_pending

    config = load_config()
    own_store = not args.store or args.store == config.store_url
    own = auto.public_key(config.home)  # the writer's checkpoints are signed with it
    given = (load_public_key(args.key),) if args.key else ()
    keys = given + ((own,) if own is not None else ())
    key = keys or None
    kept = auto.last(config.home) if own_store else None  # the writer's, outside the store
    waiting, pending = describe_pending(config.home) if own_store else (0, "")
    try:
        with open_existing(store_url(args)) as store:
            result = verify(store, key=key, kept=() if kept is None else (kept,))
            checkpoints = len(store.checkpoints())
    except StoreError:
        if waiting:  # the store cannot be read (a full disk): still say what waits
            print(pending)
        raise
    if args.json:
        doc = as_dict(result, checkpoints, signed=key is not None)
        print(json.dumps(doc | {"waiting": waiting}))
    else:
        print(describe(result, checkpoints, signed=key is not None))
        if waiting:
            print(pending)
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
