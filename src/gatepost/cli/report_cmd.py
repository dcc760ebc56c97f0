"""``gatepost report``: counts, trends, top blocked actions and what enforcing would change."""

from __future__ import annotations

import argparse
from typing import Any

from gatepost.cli.evidence_io import (
    add_role_options,
    add_store_option,
    add_time_options,
    iter_events,
    open_existing,
    query_from,
    store_url,
    viewer_from,
)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "report",
        allow_abbrev=False,
        help="counts by verdict, pack, rule, agent, user, repository and day; top blocked "
        "actions; what audit-mode packs would block if enforced",
    )
    add_time_options(p)
    p.add_argument("--top", type=int, default=10, help="blocked actions to list (default 10)")
    p.add_argument("--json", action="store_true", help="the report as one JSON object")
    add_role_options(p)
    add_store_option(p)


def run(args: argparse.Namespace) -> int:
    import json

    from gatepost.evidence.report import build_report, format_report
    from gatepost.evidence.views import project

    viewer = viewer_from(args)
    with open_existing(store_url(args)) as store:
        projected = (project(e, viewer) for e in iter_events(store, query_from(args)))
        report = build_report(
            (d for d in projected if d is not None),
            since=args.since,
            until=args.until,
            top=args.top,
        )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for line in format_report(report):
            print(line)
    return 0
