"""``gatepost evidence``: sign checkpoints of the event store, make the key pair to sign them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gatepost.cli.evidence_io import add_store_option, open_existing, store_url

PRIVATE_KEY = "checkpoint-key.pem"
PUBLIC_KEY = "checkpoint-key.pub.pem"


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "evidence", allow_abbrev=False, help="signed checkpoints of the event store"
    )
    esub = p.add_subparsers(dest="evidence_command", metavar="SUBCOMMAND", required=True)
    c = esub.add_parser(
        "checkpoint", allow_abbrev=False, help="sign the store's current head and keep it"
    )
    c.add_argument("--key", required=True, metavar="PRIVATE_KEY_PEM", help="Ed25519 key")
    c.add_argument("--json", action="store_true", help="print the checkpoint as JSON")
    add_store_option(c)
    k = esub.add_parser(
        "keygen",
        allow_abbrev=False,
        help="make an Ed25519 key pair for checkpoints",
        description=f"Write DIR/{PRIVATE_KEY} (mode 600; keep it away from the store) and "
        f"DIR/{PUBLIC_KEY} (give it to whoever runs gatepost verify --key).",
    )
    k.add_argument("dir", metavar="DIR", help="folder for the key pair (created if missing)")
    r = esub.add_parser(
        "raw",
        allow_abbrev=False,
        help="open an event's sealed raw payload (investigators and admins, with a reason)",
        description="Print the untouched payload kept for EVENT when raw evidence is on. The "
        "read is itself recorded as an event naming the reader and the reason.",
    )
    r.add_argument("event", metavar="EVENT", help="event id")
    r.add_argument("--reason", required=True, help="why the raw payload is needed")
    r.add_argument("--role", default="investigator", choices=("investigator", "admin"))
    r.add_argument("--viewer", help="who reads it (default: the configured identity)")
    add_store_option(r)


def run(args: argparse.Namespace) -> int:
    import json

    from gatepost.evidence.chain import load_private_key, make_checkpoint

    if args.evidence_command == "keygen":
        return keygen(Path(args.dir))
    if args.evidence_command == "raw":
        return read_raw_payload(args)
    key = load_private_key(args.key)
    with open_existing(store_url(args)) as store:
        cp = make_checkpoint(store, key)
    if args.json:
        print(
            json.dumps({"seq": cp.seq, "hash": cp.hash, "time": cp.time, "signature": cp.signature})
        )
    else:
        print(f"checkpoint at seq {cp.seq}: {cp.hash} ({cp.time})")
    return 0


def read_raw_payload(args: argparse.Namespace) -> int:
    import sys

    from gatepost.config import load_config
    from gatepost.evidence.raw import load_key, read_raw
    from gatepost.identity import user_identity

    config = load_config()
    key = load_key(config.raw_evidence.key_path(config.home))
    viewer = args.viewer or user_identity(config).id
    with open_existing(store_url(args)) as store:
        data = read_raw(
            store, args.event, viewer=viewer, viewer_role=args.role, reason=args.reason, key=key
        )
    sys.stdout.buffer.write(data)
    return 0


def keygen(folder: Path) -> int:
    """Write a new key pair into ``folder``; never replaces an existing key."""
    import os

    from gatepost.errors import ConfigError
    from gatepost.evidence.chain import generate_key, save_private_key, save_public_key

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ConfigError(f"cannot create {folder}: {exc.strerror}") from None
    private, public = folder / PRIVATE_KEY, folder / PUBLIC_KEY
    if public.exists():
        raise ConfigError(f"{public} already exists: not replacing a key pair")
    key = generate_key()
    save_private_key(key, private)  # refuses to replace an existing file
    try:
        save_public_key(key.public_key(), public)
    except ConfigError:
        os.unlink(private)
        raise
    print(f"private key: {private} (keep it away from the event store)")
    print(f"public key:  {public}")
    return 0
