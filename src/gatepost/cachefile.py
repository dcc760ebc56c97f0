"""Writing the files gatepost keeps only to start faster (parsed configuration and policy,
compiled dataclass methods): replaced whole or not at all, and never an error."""

from __future__ import annotations

import os
from pathlib import Path


def write_cache(path: str | os.PathLike[str], data: bytes) -> bool:
    """Replace ``path`` with ``data`` atomically (a reader sees the old file or the new one);
    False, with nothing left behind, when it cannot be written: a cache is a convenience."""
    target = Path(path)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, target)
        return True
    except OSError:
        try:  # noqa: SIM105  # not contextlib.suppress: contextlib costs a cold hook ~0.5 ms
            tmp.unlink()
        except OSError:
            pass
        return False
