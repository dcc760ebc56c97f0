"""``gatepost events``: search recorded events, shown through the role-aware projection."""

from __future__ import annotations

import argparse
from typing import Any

from gatepost.cli.evidence_io import (
    PAGE,
    add_filter_options,
    add_role_options,
    add_store_option,
    iter_events,
    open_existing,
    query_from,
    store_url,
    viewer_from,
)

DEFAULT_LIMIT = 50


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "events",
        allow_abbrev=False,
        help="search recorded events",
        description="Search recorded events: the most recent LIMIT matching events, oldest "
        "first, as a table or as JSON lines, showing what --role may see.",
    )
    add_filter_options(p)
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="at most this many events")
    p.add_argument("--json", action="store_true", help="one event per line as JSON")
    add_role_options(p)
    add_store_option(p)


def run(args: argparse.Namespace) -> int:
    import json
    from dataclasses import replace
    from itertools import islice

    from gatepost.errors import PayloadError
    from gatepost.evidence.display import table
    from gatepost.evidence.views import AccessError, Role, project

    if args.limit < 1:
        raise PayloadError(f"--limit must be a positive number, got {args.limit}")
    viewer = viewer_from(args)
    if args.text is not None and viewer.role is Role.VIEWER:
        raise AccessError("a viewer cannot search content: --text needs the analyst role")
    q = query_from(args, limit=min(args.limit, PAGE), order="desc")
    if viewer.groups is not None and len(viewer.groups) == 1 and q.group is None:
        q = replace(q, group=viewer.groups[0])  # let the store apply a one-group limit
    with open_existing(store_url(args)) as store:
        projected = (project(e, viewer) for e in iter_events(store, q))
        docs = list(islice((d for d in projected if d is not None), args.limit))
    docs.reverse()  # fetched newest first, shown oldest first
    if args.json:
        for doc in docs:
            print(json.dumps(doc, ensure_ascii=False))
    else:
        for line in table(docs):
            print(line)
    return 0
