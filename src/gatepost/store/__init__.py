"""Where events are kept: one EventStore contract, SQLite and PostgreSQL backends, migrations."""

from gatepost.store.base import COUNT_DIMENSIONS, EventQuery, EventStore, open_store

__all__ = ["COUNT_DIMENSIONS", "EventQuery", "EventStore", "open_store"]
