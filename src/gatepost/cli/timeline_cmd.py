"""``gatepost timeline SESSION``: one agent session's actions in order, with their verdicts."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from gatepost.cli.evidence_io import (
    add_role_options,
    add_store_option,
    open_existing,
    store_url,
    viewer_from,
)

if TYPE_CHECKING:
    from gatepost.evidence.event import Event
    from gatepost.store.base import EventStore


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "timeline",
        allow_abbrev=False,
        help="one agent session's actions in order, with verdicts and explanations",
        description="Every action of one agent session, oldest first, with its verdict and "
        "why; verdicts that audit or warn mode held back are marked, e.g. "
        "'pass (audit: would block)'.",
    )
    p.add_argument(
        "session", help="session id as recorded (claude-code:abc) or the agent's own id (abc)"
    )
    p.add_argument("--json", action="store_true", help="one event per line as JSON")
    add_role_options(p)
    add_store_option(p)


def run(args: argparse.Namespace) -> int:
    import json

    from gatepost.evidence.display import timeline
    from gatepost.evidence.views import project

    viewer = viewer_from(args)
    with open_existing(store_url(args)) as store:
        events = session_events(store, args.session)
    docs = [d for d in (project(e, viewer) for e in events) if d is not None]
    if args.json:
        for doc in docs:
            print(json.dumps(doc, ensure_ascii=False))
        return 0
    if not docs:
        print(f"no events for session {args.session}")
        return 0
    sessions = sorted({d["action"]["actor"]["session"] for d in docs})
    print(f"session {', '.join(sessions)}: {len(docs)} events")
    for line in timeline(docs):
        print(line)
    return 0


def session_events(store: EventStore, session: str) -> list[Event]:
    """The session's events; an id without its agent prefix is looked up under every agent."""
    events = store.timeline(session)
    if events or ":" in session:
        return events
    from gatepost.adapters.registry import ADAPTERS

    found = [e for agent in ADAPTERS for e in store.timeline(f"{agent}:{session}")]
    return sorted(found, key=lambda e: (e.time, e.seq))
