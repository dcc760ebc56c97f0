"""Random identifiers for actions and events."""

from __future__ import annotations

import os


def new_id() -> str:
    """A random (version 4) UUID in its usual text form.

    Made here rather than with ``uuid.uuid4()`` because the ``uuid`` module imports
    ``platform`` and more on Python 3.11 (about 3 ms of a hook's cold start)."""
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40  # version 4
    b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
