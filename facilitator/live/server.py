"""Serving the app with eventlet: open files, a connection cap, and never dying of either.

A shell's common limit of 1,024 open files would let the server die (`accept()` raising
EMFILE inside eventlet) as soon as a room passes a thousand sockets. At start the soft
limit is raised to the hard limit; the number of simultaneous connections is kept below
it with room for the database and logs; a connection past the cap is answered 503 and
closed (the phone's client retries), and EMFILE, should it still happen, waits instead of
crashing.
"""
from __future__ import annotations

import errno
import logging
import resource
import socket
import time

log = logging.getLogger("facilitator.live.server")
RESERVED_FILES = 64  # the database, its WAL, logs, pipes


def raise_open_files_limit() -> tuple[int, int]:
    """Raise the soft RLIMIT_NOFILE to the hard one; returns (soft, hard) after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft, hard


def connection_cap(configured: int, soft_limit: int) -> int:
    return max(16, min(configured, soft_limit - RESERVED_FILES))


class _Throttled:
    """Log a repeated warning at most every `every` seconds."""

    def __init__(self, every: float = 5.0):
        self.every, self.last, self.count = every, 0.0, 0

    def warn(self, message: str, *args) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self.last >= self.every:
            log.warning(message + " (%d times since the last warning)", *args, self.count)
            self.last, self.count = now, 0


class Listener:
    """The listening socket as eventlet.wsgi.server uses it, refusing past the cap."""

    REFUSAL = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
               b"Retry-After: 5\r\nConnection: close\r\n\r\n")

    def __init__(self, sock, pool):
        self._sock, self._pool = sock, pool
        self._full, self._no_files = _Throttled(), _Throttled()

    def accept(self):
        import eventlet

        while True:
            try:
                client, address = self._sock.accept()
            except OSError as error:
                if error.errno in (errno.EMFILE, errno.ENFILE):
                    self._no_files.warn("out of open files; waiting before accepting more")
                    eventlet.sleep(0.1)
                    continue
                raise
            if self._pool.free() > 0:
                # an ack written just after its event must not wait for the phone's
                # delayed TCP acknowledgement (Nagle: 40 ms on Linux)
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return client, address
            self._full.warn("connection cap of %d reached: refusing a connection",
                            self._pool.size)
            try:
                client.setblocking(False)
                client.send(self.REFUSAL)
            except OSError:
                pass
            client.close()

    def __getattr__(self, name):
        return getattr(self._sock, name)


def run_eventlet(app, host: str, port: int, max_connections: int, log_output: bool) -> None:
    import eventlet
    import eventlet.green.socket
    import eventlet.wsgi

    soft, hard = raise_open_files_limit()
    cap = connection_cap(max_connections, soft)
    print(f"  Open files: soft limit {soft}, hard limit {hard}; "
          f"at most {cap} connections at once.", flush=True)
    pool = eventlet.GreenPool(cap)
    family, _type, _proto, _name, address = eventlet.green.socket.getaddrinfo(host, port)[0]
    sock = eventlet.listen(address, family, backlog=1024)
    eventlet.wsgi.server(Listener(sock, pool), app, custom_pool=pool, log_output=log_output)
