"""Authenticating the decision service to its client: a per-home secret, a nonce per request,
an HMAC over each reply, and the peer's uid read from the Unix socket.

The secret is 32 random bytes in ``GATEPOST_HOME/keys/service.key``, created 0600 by whichever
side needs it first (link(2) of a finished temporary file: a reader sees no file or the whole
key, and two creators agree on the first one). A key file readable or writable by anyone but
its owner, or owned by another account, is refused.

Stdlib only and import-light: the hook client imports this module on every call.
"""

from __future__ import annotations

import os
import sys

KEY_BYTES = 32
NONCE_BYTES = 16
TAG_BYTES = 32  # HMAC-SHA256
KEY_NAME = "service.key"


class KeyRefused(OSError):
    """The key file exists but must not be trusted (mode wider than 0600, foreign owner, size).

    An OSError, so that the hook client's one ``except OSError`` treats it as "no service"."""


def key_path(home: str) -> str:
    return os.path.join(home, "keys", KEY_NAME)


def _check(fd: int, path: str, size: int) -> None:
    st = os.fstat(fd)
    if st.st_mode & 0o077:
        raise KeyRefused(f"{path}: mode {st.st_mode & 0o777:04o} is wider than 0600")
    if st.st_uid != os.getuid():
        raise KeyRefused(f"{path}: owned by uid {st.st_uid}, not {os.getuid()}")
    if st.st_size != size:
        raise KeyRefused(f"{path}: {st.st_size} bytes, want {size}")


def read_secret(path: str, size: int = KEY_BYTES) -> bytes:
    """The secret in ``path``; FileNotFoundError when there is none, KeyRefused when it must not
    be trusted."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        _check(fd, path, size)
        data = os.read(fd, size + 1)
    finally:
        os.close(fd)
    if len(data) != size:
        raise KeyRefused(f"{path}: short read")
    return data


def load_or_create_secret(path: str, size: int = KEY_BYTES, *, text: bool = False) -> bytes:
    """The secret in ``path``, made first (0600, whatever the umask) when there is none:
    ``size`` random bytes, or with ``text`` ``size`` hex digits (a token for a header)."""
    try:
        return read_secret(path, size)
    except FileNotFoundError:
        pass
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask cannot widen it, this makes sure it is not narrower
        os.write(fd, os.urandom(size // 2).hex().encode() if text else os.urandom(size))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails when another process made the key first: theirs wins
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return read_secret(path, size)


def tag(secret: bytes, nonce: bytes, reply: bytes) -> bytes:
    """HMAC-SHA256(secret, nonce || reply)."""
    import hmac

    return hmac.digest(secret, nonce + reply, "sha256")


def verify(secret: bytes, nonce: bytes, reply: bytes, mac: bytes) -> bool:
    import hmac

    return hmac.compare_digest(hmac.digest(secret, nonce + reply, "sha256"), mac)


def peer_uid(sock: object) -> int | None:
    """The uid of the process at the other end of a connected Unix socket, or None where the
    platform does not tell (the reply's MAC is then the only check)."""
    import _socket

    if isinstance(sock, _socket.socket) and hasattr(_socket, "SO_PEERCRED"):
        creds = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
        return int.from_bytes(creds[4:8], sys.byteorder)  # struct ucred {pid, uid, gid}
    return None


def trusted_uids() -> tuple[int, ...]:
    """Whose service the client trusts, and whose clients the service answers: this account.
    Managed mode (the service under an account of its own) adds that account's uid here."""
    return (os.getuid(),)
