"""Numbered schema steps and the runner both backends share.

Each backend lists its steps (``Migration(version, name, statements)``, versions 1, 2, 3, ...)
and provides a ``MigrationTarget``: one transaction that holds the backend's migration lock,
with the ``schema_migrations`` table created. The runner applies, in that transaction, every
step not yet recorded, and refuses a database that a newer gatepost has migrated further.
Steps are never edited once released: a change is a new step.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from gatepost.errors import StoreError


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered schema change of the event store."""

    version: int
    name: str
    statements: tuple[str, ...]


class MigrationTarget(Protocol):
    def locked(self) -> AbstractContextManager[None]:
        """One transaction holding the migration lock, with schema_migrations present."""

    def applied(self) -> set[int]:
        """Versions recorded in schema_migrations."""

    def apply(self, migration: Migration) -> None:
        """Run the step's statements and record its version, in the current transaction."""


def check_steps(steps: Sequence[Migration]) -> None:
    for expected, step in enumerate(steps, start=1):
        if step.version != expected:
            raise StoreError(f"migration {step.name!r} has version {step.version}, not {expected}")


def pending(steps: Sequence[Migration], applied: set[int], *, where: str) -> list[Migration]:
    """The steps still to apply, in order; StoreError for a schema newer than ``steps``."""
    check_steps(steps)
    latest = len(steps)
    unknown = sorted(v for v in applied if v > latest or v < 1)
    if unknown:
        raise StoreError(
            f"{where}: schema version {unknown[-1]} is newer than this gatepost knows "
            f"(up to {latest}); upgrade gatepost to use this store"
        )
    return [step for step in steps if step.version not in applied]


def migrate(target: MigrationTarget, steps: Sequence[Migration], *, where: str) -> list[int]:
    """Bring the schema up to date; returns the versions applied now (usually none)."""
    with target.locked():
        todo = pending(steps, target.applied(), where=where)
        for step in todo:
            target.apply(step)
    return [step.version for step in todo]
