"""Bounded serving for ``socketserver`` servers: a fixed pool of worker threads instead of a
thread per connection, and one reaper thread that cuts connections past their deadline.

``BoundedPoolMixIn`` with ``overflow = "wait"`` stops accepting while every worker is busy, so
excess connections wait in the kernel's listen backlog; with ``overflow = "refuse"`` it answers
them at once through :meth:`refuse` (the HTTP endpoint's 503) and closes them.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from typing import Any


class Reaper:
    """Shuts down connections whose deadline has passed, so that a stalled or slow client
    cannot hold a worker: the worker's blocked read then ends at once."""

    def __init__(self, interval: float = 0.25) -> None:
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._run, name="gatepost-reaper", daemon=True)
        self._thread.start()

    def watch(self, conn: socket.socket, seconds: float) -> None:
        with self._lock:
            self._deadlines[conn] = time.monotonic() + seconds

    def forget(self, conn: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(conn, None)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            now = time.monotonic()
            with self._lock:
                late = [c for c, d in self._deadlines.items() if d < now]
                for c in late:
                    del self._deadlines[c]
            for c in late:
                with contextlib.suppress(OSError):  # already closed by its worker
                    c.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self._stop.set()


class BoundedPoolMixIn:
    """Mix in before a ``socketserver`` server class. ``workers`` threads serve connections;
    each connection may take ``connection_timeout`` seconds in all."""

    workers = 8
    overflow = "wait"  # or "refuse"
    connection_timeout = 5.0

    def start_pool(self) -> None:
        self._slots = threading.BoundedSemaphore(self.workers)
        self._jobs: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._worker, name=f"gatepost-worker-{i}", daemon=True)
            for i in range(self.workers)
        ]
        for t in self._threads:
            t.start()
        self.reaper = Reaper()

    def process_request(self, request: Any, client_address: Any) -> None:
        if self.overflow == "refuse":
            if not self._slots.acquire(blocking=False):
                try:
                    self.refuse(request)
                finally:
                    self.shutdown_request(request)  # type: ignore[attr-defined]
                return
        else:
            self._slots.acquire()  # every worker busy: the backlog holds the rest
        self.reaper.watch(request, self.connection_timeout)
        self._jobs.put((request, client_address))

    def _worker(self) -> None:
        while (job := self._jobs.get()) is not None:
            self._work(*job)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)  # type: ignore[attr-defined]
        except Exception:  # the worker must survive any one connection
            self.handle_error(request, client_address)
        finally:
            self.reaper.forget(request)
            self.shutdown_request(request)  # type: ignore[attr-defined]
            self._slots.release()

    def refuse(self, request: socket.socket) -> None:
        """Answer a connection over the limit (nothing by default: it is closed)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that stalls, hangs up or sends garbage costs nothing but its connection

    def stop_pool(self) -> None:
        self.reaper.stop()
        for _ in self._threads:
            self._jobs.put(None)
