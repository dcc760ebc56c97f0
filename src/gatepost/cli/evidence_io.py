"""What the evidence commands (events, timeline, report, export, verify, evidence) share: their
common options, the store they read, the viewer they show events to, and reading every event
of a query page by page.

Import-light: the command line imports every sub-command module to build its parser, so what
the commands need to run is imported when they run.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pathlib import Path

    from gatepost.evidence.event import Event
    from gatepost.evidence.views import Viewer
    from gatepost.store.base import EventQuery, EventStore

PAGE = 1000
ROLES = ("viewer", "analyst", "investigator", "admin")  # gatepost.evidence.views.Role
# option -> EventQuery field
FILTERS = {
    "user": "user",
    "group": "group",
    "host": "host",
    "repo": "repository",
    "agent": "agent",
    "session": "session",
    "kind": "kind",
    "verdict": "verdict",
    "pack": "pack",
    "rule": "rule",
    "mode": "mode",
    "text": "text",
}


def add_store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="URL", help="event store URL (default: the configured one)")


def add_time_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", metavar="TIME", help="from this RFC 3339 time (inclusive)")
    p.add_argument("--until", metavar="TIME", help="up to this RFC 3339 time (exclusive)")


def add_filter_options(p: argparse.ArgumentParser) -> None:
    add_time_options(p)
    p.add_argument("--user", help="user id")
    p.add_argument("--group", help="one of the actor's groups")
    p.add_argument("--host", help="host id")
    p.add_argument("--repo", help="repository, e.g. github.com/acme/api")
    p.add_argument("--agent", help="agent name, e.g. claude-code")
    p.add_argument("--session", help="session id as recorded, e.g. claude-code:abc")
    p.add_argument("--kind", help="command, file_read, file_write, web_fetch, ...")
    p.add_argument("--verdict", choices=("pass", "warn", "ask", "block"))
    p.add_argument("--pack", help="winning pack id")
    p.add_argument("--rule", help="winning rule id, e.g. git/force-push")
    p.add_argument("--mode", choices=("audit", "warn", "enforce"), help="winning match's mode")
    p.add_argument("--text", help="case-insensitive text in the command, paths, urls, content")


def add_role_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--role",
        choices=ROLES,
        default="analyst",
        help="what to show: viewer (metadata and verdicts), analyst (redacted content, the "
        "default), investigator (also raw payloads, needs --reason), admin (everything)",
    )
    p.add_argument(
        "--groups", metavar="G[,G...]", help="show only events of actors in these groups"
    )
    p.add_argument("--reason", default="", help="why raw payloads are read (investigator)")


def viewer_from(args: argparse.Namespace) -> Viewer:
    from gatepost.evidence.views import Role, Viewer

    groups = None
    if args.groups is not None:
        groups = tuple(g.strip() for g in args.groups.split(",") if g.strip())
    return Viewer(Role(args.role), groups, args.reason)


def query_from(
    args: argparse.Namespace, *, limit: int = PAGE, order: Literal["asc", "desc"] = "asc"
) -> EventQuery:
    from gatepost.store.base import EventQuery

    given = {field: getattr(args, opt, None) for opt, field in FILTERS.items()}
    return EventQuery(
        since=args.since,
        until=args.until,
        limit=limit,
        order=order,
        **{k: v for k, v in given.items() if v is not None},
    )


def store_url(args: argparse.Namespace) -> str:
    from gatepost.config import load_config

    return str(args.store or load_config().store_url)


def open_existing(url: str) -> EventStore:
    """The store at ``url``; a SQLite file that does not exist yet is refused, not created."""
    from gatepost.errors import StoreError
    from gatepost.store.base import open_store

    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise StoreError(f"no event store at {path}: nothing has been recorded yet")
    return open_store(url)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite store URL (None for PostgreSQL and in-memory stores)."""
    from pathlib import Path

    if url.startswith(("postgresql://", "postgres://")):
        return None
    path = url[len("sqlite://") :] if url.startswith("sqlite://") else url
    if path in (":memory:", "/:memory:"):
        return None
    if path.startswith("//"):  # sqlite:////abs/path, as Config.store_url writes it
        path = "/" + path.lstrip("/")
    return Path(path)


def iter_events(store: EventStore, q: EventQuery) -> Iterator[Event]:
    """Every event matching ``q`` in its order, fetched ``q.limit`` at a time.

    The store contract has no cursor, so each next page starts at the time of the last event
    seen (inclusive) and skips the events already returned at that very time.
    """
    limit = q.limit
    seen_at_edge: set[str] = set()
    edge = ""
    while True:
        page = store.query(_page(q, edge, limit))
        fresh = [e for e in page if not (e.time == edge and e.id in seen_at_edge)]
        for e in fresh:
            if e.time != edge:
                edge, seen_at_edge = e.time, set()
            seen_at_edge.add(e.id)
            yield e
        if len(page) < limit:
            return
        if not fresh:  # a whole page at one instant: widen the page
            limit *= 2


def _page(q: EventQuery, edge: str, limit: int) -> EventQuery:
    from dataclasses import replace
    from datetime import timedelta

    from gatepost.store.base import parse_time

    since, until = q.since, q.until
    if edge and q.order == "asc":
        since = edge
    elif edge:
        until = (parse_time(edge) + timedelta(microseconds=1)).isoformat()
    return replace(q, since=since, until=until, limit=limit)
