"""``../shared`` beside the checkout: corpora from another project, read in place.

A fresh clone must pass its own README without anything beside it, so tests that use these
files skip with a reason when they are absent; under ``CI=true`` their absence fails instead,
so CI never passes by skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def corpora_root() -> Path:
    """$GATEPOST_CORPORA, or shared/corpora beside the repository."""
    return Path(os.environ.get("GATEPOST_CORPORA") or REPO.parent / "shared" / "corpora")


def dcg_root() -> Path:
    return corpora_root() / "dcg"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(path: Path) -> Path:
    """``path`` when it is there; otherwise skip the test with the reason, or fail under CI."""
    if path.exists():
        return path
    reason = f"{path} is absent (shared/ beside the checkout, or set GATEPOST_CORPORA)"
    if in_ci():
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)
