"""Fixtures of the store tests: every test that takes ``store`` runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gatepost.store.base import EventStore, open_store
from tests.store.backends import BACKENDS, Backend, backend_for


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with backend_for(request.param, tmp_path) as chosen:
        yield chosen


@pytest.fixture
def store(backend: Backend) -> Iterator[EventStore]:
    with open_store(backend.url) as opened:
        yield opened
