"""SHA-256 without ``hashlib`` on the hook path.

``hashlib`` loads OpenSSL, about 3 ms of a cold hook that only hashes a few small inputs
(cache keys, the policy revision, the host id). CPython's own SHA-256 module gives the same
digests; ``hashlib`` remains the fallback where that module is absent.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: a cold hook does not import typing
if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:
        from _sha256 import sha256  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # CPython 3.12 and later
        except ImportError:
            from hashlib import sha256

__all__ = ["sha256"]
