"""Several server processes behind nginx: what each one must know of the others.

- Its node name (FACILITATOR_NODE): every Engine.IO session id starts with it
  (`a.Xy3…`), so nginx sends each request of a long-polling session back to the process
  that holds the session, whatever the phone's address. A venue's phones share one NAT
  address: hashing the client's IP would send the whole room to one process.
- The proxies in front of it (PROXY_COUNT): ProxyFix takes the client's address, scheme
  and host from the X-Forwarded-* headers they set, so guess limits count each phone and
  not the proxy, and join links name the public address.
- Counters shared by every process: processes joined by a message queue, with guess
  counters in memory, would each count alone (a guesser spreading over them gets twice
  the tries); such a start is refused with a sentence.
- Sockets whose rights went (a member removed, an account signed out everywhere) are
  disconnected by the server on every process, whatever their client does: `cut_off`
  a room, and each process disconnects its own sockets in it. It travels on the message
  queue as a `close_room` of a room named CUT_OFF + the room, which the client managers
  below read as "disconnect its members" (python-socketio has no such message of its
  own).
"""
from __future__ import annotations

import os
import re
import socket

import socketio as python_socketio
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import SetupError

CUT_OFF = "cut-off:"

NODE_NAME = re.compile(r"^[a-z0-9]{1,16}$")


def process_name() -> str:
    """Which process answered, as an operator reads it: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _disconnect_members(manager, namespace: str | None, room: str) -> None:
    """This process's sockets in `room`, disconnected (they reconnect, and are refused
    or given what their rights are now)."""
    namespace = namespace or "/"
    for sid, _eio_sid in list(manager.get_participants(namespace, room)):
        manager.server.disconnect(sid, namespace=namespace, ignore_queue=True)


class OneProcessManager(python_socketio.Manager):
    """One server process: a cut-off room's sockets are all here."""

    def close_room(self, room, namespace):
        if room.startswith(CUT_OFF):
            return _disconnect_members(self, namespace, room[len(CUT_OFF):])
        return super().close_room(room, namespace)


class RedisManager(python_socketio.RedisManager):
    """Several processes on Redis: every process (the sender too) reads the cut-off from
    the queue and disconnects its own sockets in the room."""

    def _handle_close_room(self, message):
        room = message.get("room") or ""
        if room.startswith(CUT_OFF):
            return _disconnect_members(self, message.get("namespace"), room[len(CUT_OFF):])
        return super()._handle_close_room(message)


def client_manager(message_queue: str | None):
    """The Socket.IO client manager for this server: one process, or processes on
    Redis (the only message queue the cluster is built and tested with)."""
    if not message_queue:
        return OneProcessManager()
    if not message_queue.startswith(("redis://", "rediss://")):
        raise SetupError(f"SOCKETIO_MESSAGE_QUEUE must be a Redis URL (redis://host:port/db); "
                         f"got {message_queue.split('://')[0]}://…")
    return RedisManager(message_queue, channel="flask-socketio")


def init_app(app: Flask, socketio) -> None:
    """Called after socketio.init_app, so ProxyFix wraps the Socket.IO middleware too
    (Engine.IO checks a socket's Origin against the host the client used)."""
    node = app.config.get("NODE_NAME")
    if node:
        if not NODE_NAME.match(node):
            raise SetupError(f"FACILITATOR_NODE must be 1 to 16 lowercase letters or "
                             f"digits (it starts every socket's session id); got {node!r}.")
        engine = socketio.server.eio
        generate = engine.generate_id
        engine.generate_id = lambda: f"{node}.{generate()}"
    proxies = app.config.get("PROXY_COUNT") or 0
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies)
    if (app.config.get("SOCKETIO_MESSAGE_QUEUE")
            and app.config["RATELIMIT_STORAGE_URI"].startswith("memory")):
        raise SetupError(
            "SOCKETIO_MESSAGE_QUEUE is set, so several processes serve this app, but "
            "RATELIMIT_STORAGE_URI keeps the guess counters in each process's memory, "
            "where each would count alone. Set RATELIMIT_STORAGE_URI to the same Redis, "
            "e.g. RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/1.")
