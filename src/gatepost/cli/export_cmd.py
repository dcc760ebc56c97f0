"""``gatepost export --format ocsf``: events as OCSF JSON lines, redacted again on the way out."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from gatepost.cli.evidence_io import (
    add_filter_options,
    add_store_option,
    iter_events,
    open_existing,
    query_from,
    store_url,
)

if TYPE_CHECKING:
    from gatepost.store.base import EventStore


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "export",
        allow_abbrev=False,
        help="export events for a SIEM (OCSF JSON lines)",
        description="Export matching events, oldest first, one OCSF record per line: an "
        "activity record per event and a Detection Finding per warn, ask or block. Every "
        "text field is redacted again; raw payloads are never exported.",
    )
    p.add_argument("--format", required=True, choices=("ocsf",), help="output format")
    add_filter_options(p)
    p.add_argument("--output", metavar="FILE", help="write to FILE (mode 600) instead of stdout")
    add_store_option(p)


def run(args: argparse.Namespace) -> int:
    import os

    from gatepost.errors import ConfigError

    with open_existing(store_url(args)) as store:
        if args.output is None:
            write(store, args, sys.stdout)
            return 0
        try:
            fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as out:
                events, records = write(store, args, out)
        except OSError as exc:
            raise ConfigError(f"cannot write {args.output}: {exc.strerror}") from None
    print(f"exported {records} OCSF records of {events} events to {args.output}", file=sys.stderr)
    return 0


def write(store: EventStore, args: argparse.Namespace, out: TextIO) -> tuple[int, int]:
    """Write the matching events' records as JSON lines; (events, records) written."""
    import json

    from gatepost.evidence.ocsf import export_records

    events = records = 0
    for event in iter_events(store, query_from(args)):
        events += 1
        for record in export_records(event):
            records += 1
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return events, records
