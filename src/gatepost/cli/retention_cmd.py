"""``gatepost retention apply``: remove evidence past its retention, but what legal holds keep.

The policy is GATEPOST_HOME/retention.yaml (gatepost.evidence.retention documents it).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from gatepost.cli.evidence_io import add_store_option, open_existing, store_url

if TYPE_CHECKING:
    from gatepost.evidence.retention import RetentionPolicy, RetentionReport


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "retention",
        allow_abbrev=False,
        help="remove evidence past its retention (legal holds keep theirs)",
    )
    rsub = p.add_subparsers(dest="retention_command", metavar="SUBCOMMAND", required=True)
    a = rsub.add_parser(
        "apply",
        allow_abbrev=False,
        help="apply GATEPOST_HOME/retention.yaml now",
        description="Delete raw evidence older than raw_days, strip the content of events older "
        "than content_days, and remove events older than metadata_days (as a prefix of the "
        "hash chain, which keeps verifying), except for sessions and users under a legal hold. "
        "Prints how many rows of each class were removed and kept by a hold.",
    )
    a.add_argument("--now", metavar="TIME", help="apply as of this RFC 3339 time (default: now)")
    a.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    a.add_argument("--json", action="store_true", help="print the counts as JSON")
    a.add_argument(
        "--policy", metavar="FILE", help="retention policy (default: GATEPOST_HOME/retention.yaml)"
    )
    a.add_argument(
        "--key",
        metavar="PRIVATE_KEY_PEM",
        help="checkpoint key (gatepost evidence keygen): sign where the chain will start, so "
        "old events can go without an existing checkpoint there",
    )
    add_store_option(a)


def run(args: argparse.Namespace) -> int:
    import json
    from datetime import UTC, datetime

    from gatepost.config import load_config
    from gatepost.evidence.chain import load_private_key
    from gatepost.evidence.retention import RETENTION_FILE, apply_retention, load_policy
    from gatepost.store.base import parse_time

    config = load_config()
    policy = load_policy(args.policy or config.home / RETENTION_FILE)
    now = parse_time(args.now, what="--now") if args.now else datetime.now(UTC)
    key = load_private_key(args.key) if args.key else None
    with open_existing(store_url(args)) as store:
        report = apply_retention(
            store, policy, now=now, dry_run=args.dry_run, signing_key=key, by=_who(config.identity)
        )
    if args.json:
        print(json.dumps(report.as_dict()))
    else:
        print(describe(report, policy))
    return 0


def describe(report: RetentionReport, policy: RetentionPolicy) -> str:
    head = f"retention as of {report.now}"
    lines = [head + (" (dry run: nothing changed)" if report.dry_run else "")]
    verb = "would be " if report.dry_run else ""
    rows = (
        ("raw evidence", policy.raw_days, report.raw, "payloads", "removed"),
        ("content", policy.content_days, report.content, "events", "stripped"),
        ("metadata", policy.metadata_days, report.metadata, "events", "removed"),
    )
    for name, days, counts, unit, done in rows:
        if days is None:
            lines.append(f"{name:<13} kept forever (no {name.split()[0]}_days)")
            continue
        text = f"{counts.removed} {unit} {verb}{done}, {counts.held} kept by a hold"
        lines.append(f"{name:<13} older than {days} days: {text}")
    if report.waiting:
        lines.append(
            f"{'':<13} {report.waiting} more past metadata_days wait: behind a held or newer "
            "event in the chain, or no checkpoint to start from (give --key)"
        )
    if report.checkpoint is not None:
        lines.append(f"checkpoint signed at seq {report.checkpoint.seq}")
    if report.chain_start is not None:
        starts = "would start" if report.dry_run else "starts"
        lines.append(f"the chain {starts} at seq {report.chain_start}")
    return "\n".join(lines)


def _who(identity: str) -> str:
    if identity:
        return identity
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
