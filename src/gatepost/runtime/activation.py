"""The decision service's listening socket: inherited from the service manager (systemd's
``sd_listen_fds`` protocol; launchd's launch_activate_socket on macOS) or bound here.

Bound before anything heavy is imported, so that a hook that has just started the service can
connect at once and wait in the backlog while the policy loads.
"""

from __future__ import annotations

import os
import socket
import sys

SD_LISTEN_FDS_START = 3
WANTED_BACKLOG = 256
LAUNCHD_LABEL = "dev.gatepost.service"  # as gatepost.installer.service writes it


class AlreadyServing(OSError):
    """Another process listens on the socket path already."""


def backlog() -> int:
    """Room for a burst of hooks: 256 connections waiting, capped by the kernel's limit."""
    try:
        with open("/proc/sys/net/core/somaxconn", encoding="ascii") as f:
            limit = int(f.read().strip())
    except (OSError, ValueError):
        limit = socket.SOMAXCONN
    return max(1, min(WANTED_BACKLOG, limit))


def inherited(environ: dict[str, str] | os._Environ[str] = os.environ) -> socket.socket | None:
    """The first socket passed by the service manager (fd 3), or None when this process was
    not socket-activated. The LISTEN_* variables are removed so that children do not see them."""
    pid, fds = environ.get("LISTEN_PID", ""), environ.get("LISTEN_FDS", "")
    for name in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"):
        environ.pop(name, None)
    if not (pid.isdigit() and int(pid) == os.getpid() and fds.isdigit() and int(fds) >= 1):
        return None
    for fd in range(SD_LISTEN_FDS_START, SD_LISTEN_FDS_START + int(fds)):
        os.set_inheritable(fd, False)
    sock = socket.socket(fileno=SD_LISTEN_FDS_START)
    if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_STREAM:
        sock.detach()
        raise OSError(f"inherited fd {SD_LISTEN_FDS_START} is not a Unix stream socket")
    return sock


def launchd_socket(
    name: str = "gatepost", environ: dict[str, str] | os._Environ[str] = os.environ
) -> socket.socket | None:
    """The socket launchd holds for this job's ``Sockets`` entry ``name`` (macOS; launchd
    passes sockets through launch_activate_socket(3), not LISTEN_FDS). Not exercised by the
    test suite, which runs on Linux."""
    if sys.platform != "darwin" or environ.get("XPC_SERVICE_NAME") != LAUNCHD_LABEL:
        return None
    import ctypes

    libc = ctypes.CDLL(None)
    fds = ctypes.POINTER(ctypes.c_int)()
    count = ctypes.c_size_t()
    if libc.launch_activate_socket(name.encode(), ctypes.byref(fds), ctypes.byref(count)) != 0:
        return None
    try:
        return socket.socket(fileno=fds[0]) if count.value else None
    finally:
        libc.free(fds)


def bind_unix(path: str) -> socket.socket:
    """A listening Unix socket at ``path`` (0600). A socket file nobody listens on is a leftover
    and replaced; AlreadyServing when a process answers there."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)  # the socket file is created 0600, never wider for a moment
    try:
        try:
            sock.bind(path)
        except OSError:
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.settimeout(1.0)
                probe.connect(path)
            except OSError:
                os.unlink(path)  # nobody listens: a leftover of a process that died
                sock.bind(path)
            else:
                sock.close()
                raise AlreadyServing(f"{path}: another process serves this socket") from None
            finally:
                probe.close()
    finally:
        os.umask(old_umask)
    sock.listen(backlog())
    return sock


def listening_socket(path: str) -> tuple[socket.socket, bool]:
    """(listening socket, whether it was inherited from the service manager)."""
    sock = inherited() or launchd_socket()
    if sock is not None:
        return sock, True
    return bind_unix(path), False
