"""Socket.IO handlers: identify, parse, call the operation path, acknowledge.

No business rule lives here. A socket keeps only who it connected as (an Identity);
every operation and every `sync` derives the Viewer again from the database, so rights
and rooms follow role and group changes on sockets already open. Every request gets an
ack, even when the server fails. See docs/protocol.md for the payloads.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import asdict
from functools import partial
from typing import Any, Callable

from flask import Flask, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from .. import database, eventlog, payload as check
from ..errors import OperationError
from ..extensions import db, socketio
from ..identity import Identity, viewer_of
from ..models import Workshop
from ..people import participants
from ..snapshot import snapshot
from ..viewers import Viewer
from . import schema, wire
from .operations import OPERATIONS, QUERIES, perform, query, server_error

VIEWS = ("phone", "console", "projector")
log = logging.getLogger(__name__)


def _refuse(code: str, message) -> None:
    """Refuse a connection; the client's connect_error gets {message, data: {code}}."""
    raise ConnectionRefusedError(str(message), {"code": code})


def identity_for_connection(auth: Any) -> Identity:
    """Who this socket speaks for, from its auth payload and its cookies."""
    if not isinstance(auth, dict) or auth.get("view") not in VIEWS:
        _refuse("bad_request", _l("Please reload the page."))
    workshop_id = auth.get("workshop")
    workshop = db.session.get(Workshop, workshop_id) if check.is_id(workshop_id) else None
    if workshop is None:
        _refuse("not_found", _l("This workshop does not exist."))
    g.workshop_locale = workshop.language
    if auth["view"] == "phone":
        token = request.cookies.get(participants.cookie_name(workshop.id))
        participant = participants.identify(workshop.id, token)
        if participant is None:
            _refuse("not_joined", _l("Please join the workshop first."))
        return Identity(workshop_id=workshop.id, view="phone",
                        participant_id=participant.id,
                        token_hash=participants.token_hash(token))
    identity = None
    if current_user.is_authenticated:
        identity = Identity(workshop_id=workshop.id, view=auth["view"],
                            facilitator_id=current_user.id,
                            session_token=current_user.session_token)
    if identity is None or viewer_of(identity) is None:
        _refuse("forbidden", _l("Please sign in as one of this workshop's facilitators."))
    return identity


def current_identity() -> Identity | None:
    """Who this socket connected as; messages speak the workshop's language (kept with
    the identity at connect and at every sync, so an operation costs no query for it)."""
    data = session.get("identity")
    if not data:
        return None
    g.workshop_locale = session.get("language")
    return Identity(**data)


def _workshop_now(workshop_id: int):
    """The workshop's log head, history and language, in one read a sync (the language
    kept with the identity: operations speak it without a query). None: it is gone."""
    row = db.session.execute(db.select(
        Workshop.last_seq, Workshop.log_epoch, Workshop.language).where(
        Workshop.id == workshop_id)).one_or_none()
    if row is not None:
        session["language"] = g.workshop_locale = row.language
    return row


def _align_rooms(viewer: Viewer | None, connecting: bool = False) -> bool:
    """Put this socket in exactly the rooms its viewer has now (none when refused).
    False when the socket closed meanwhile (a sync waiting its turn in a storm). The
    rooms it was put in last are kept in its session, each checked against the room as
    it is (close_room may have emptied it): the server's own list of a socket's rooms
    is a walk through every room, a thousand phones' worth in a storm."""
    if not connecting and not socketio.server.manager.is_connected(request.sid, "/"):
        return False
    wanted = set(viewer.rooms()) if viewer else set()
    held = socketio.server.manager.rooms.get("/", {})
    now = {room for room in session.get("rooms", ()) if request.sid in held.get(room, ())}
    try:
        for room in now - wanted:
            leave_room(room)
        for room in wanted - now:
            join_room(room)
    except KeyError:  # closed between the check and the move
        return False
    session["rooms"] = sorted(wanted)
    return True


def scope(viewer: Viewer, epoch: str) -> str:
    """What this viewer sees, and in which history of the log, in one word: a client
    whose scope changed (its rights or group moved, or the database was restored from a
    backup) needs a snapshot. `7f3a09c2/*` for the staff, `7f3a09c2/all,g3,p7` for a
    phone."""
    return f"{epoch}/" + ("*" if viewer.is_staff else ",".join(viewer.streams()))


# Connects and syncs take turns: in a storm of a thousand (a restart, a Wi-Fi cut), each
# waits blocked (not runnable), so the ack of the one before goes out, and pings and
# /healthz are answered, between two of them. SQLite's queries never yield (one at a time
# is all the process does anyway); PostgreSQL's wait on the network, so a few overlap.
TURNS = {"sqlite": 1, "postgresql": 4}


def init_app(app: Flask) -> None:
    """This server's turns, made with the app: per process, as what they share out is
    this process's own time (under eventlet, the monkey-patched threading makes the
    semaphore green)."""
    app.extensions["facilitator.turn"] = threading.BoundedSemaphore(
        TURNS.get(database.dialect(app.config["SQLALCHEMY_DATABASE_URI"]), 1))


def _turn() -> threading.BoundedSemaphore:
    return current_app.extensions["facilitator.turn"]


@socketio.on("connect")
def on_connect(auth=None):
    """Any client connects with auth {workshop, view}; its socket joins its rooms."""
    with _turn():
        socketio.sleep(0)  # let what the previous one queued go out first
        if not socketio.server.manager.is_pre_connected(request.sid, "/"):
            return False  # it left while waiting (and will try again): nothing to do
        try:
            identity = identity_for_connection(auth)
            session["identity"] = asdict(identity)
            session["language"] = g.workshop_locale
            _align_rooms(viewer_of(identity), connecting=True)
        finally:
            db.session.rollback()


def _more_than_one(extra: tuple) -> dict | None:
    """A request carries one payload: a client sending more is answered, not failed."""
    if extra:
        return OperationError("bad_request", _l(
            "This request could not be read (it carries more than one payload). Please "
            "reload the page.")).to_ack()
    return None


@socketio.on("sync")
def on_sync(payload=None, *extra):
    """A client (re)connected, or told to `resync`, sends {since, scope}: the last seq it
    applied and the scope of its last snapshot. The ack carries the events since then that
    it may see, or a snapshot when it is new, too far behind, ahead of the log, or its
    rights or group changed. Its rooms are set again from its rights now."""
    if extra:
        return _more_than_one(extra)
    with _turn():  # see TURNS
        return _sync(payload)


def _sync(payload) -> dict:
    socketio.sleep(0)  # let what the previous sync queued go out first
    try:
        identity = current_identity()
        workshop = _workshop_now(identity.workshop_id) if identity else None
        viewer = viewer_of(identity) if workshop else None
        if not _align_rooms(viewer):
            return OperationError("not_connected", _l("Please reload the page.")).to_ack()
        if viewer is None:
            return OperationError("signed_out", _l(
                "You are no longer signed in to this workshop. Please reload the page."
            )).to_ack()
        payload = payload if payload is not None else {}
        since = payload.get("since", 0) if isinstance(payload, dict) else None
        if not check.is_count(since):
            return OperationError("bad_request", _l("Please reload the page.")).to_ack()
        now = scope(viewer, workshop.log_epoch)
        events = None
        if payload.get("scope") == now:
            events = eventlog.events_since(viewer, since, workshop.last_seq)
        if events is None:
            return {"ok": True, "snapshot": {**snapshot(viewer), "scope": now}}
        return {"ok": True, "events": [eventlog.wire(e) for e in events]}
    finally:
        db.session.rollback()


def _make_handler(name: str, shape: type[schema.Payload], function: Callable,
                  answer: Callable[[Identity, dict, dict], dict], empty: bool):
    """The Socket.IO handler of an operation or a query: who is connected, the payload
    an object of the right shape (`empty`: a query may send none), then `answer`."""
    fields = schema.field_names(shape)

    def handler(payload=None, *extra):
        identity = current_identity()
        if extra:
            return _more_than_one(extra)
        if identity is None:
            return OperationError("not_connected", _l("Please reload the page.")).to_ack()
        if payload is None and empty:
            payload = {}
        if not isinstance(payload, dict):
            return OperationError("bad_request", _l("Please reload the page.")).to_ack()
        refused = schema.refusal(shape, payload)  # nothing of the wrong type goes further
        if refused is not None:
            return refused.to_ack()
        return answer(identity, payload, {field: payload.get(field) for field in fields})

    handler.__name__ = "on_" + name.replace(".", "_")
    handler.__doc__ = function.__doc__
    return handler


@socketio.on("*")
def on_unknown(event, *_args) -> dict:
    """An event no handler knows (a misspelt operation, a client newer than the server):
    answered like every request, with its own code; nothing is read or changed."""
    current_identity()  # the sentence speaks the workshop's language
    name = event if isinstance(event, str) else ""
    return OperationError("unknown_operation", _l(
        "The server does not know this operation, so nothing was changed. Please reload "
        "the page."), operation=name[:100]).to_ack()


@socketio.on(wire.UNREADABLE)
def on_unreadable(*_args) -> dict:
    """A message the server could not read (broken JSON, an integer too long to convert,
    no event name: facilitator/live/wire.py) is answered too; nothing is read or changed."""
    current_identity()  # the sentence speaks the workshop's language
    return OperationError("bad_request", _l(
        "This request could not be read (its data is malformed), so nothing was changed. "
        "Please reload the page.")).to_ack()


@socketio.on_error_default
def on_error(error: Exception) -> dict:
    """Whatever breaks in a handler, the client gets an ack it can show, no traceback."""
    db.session.rollback()
    log.exception("Socket.IO handler for %s failed",
                  getattr(request, "event", {}).get("message", "?"), exc_info=error)
    return server_error()


def register_operations() -> None:
    for name, (change, shape, _who) in OPERATIONS.items():
        socketio.on_event(name, _make_handler(
            name, shape, change, empty=False, answer=partial(_change, name)))
    for name, (read, shape, _who) in QUERIES.items():
        socketio.on_event(name, _make_handler(
            name, shape, read, empty=True, answer=partial(_query, name)))


def _change(name: str, identity: Identity, payload: dict, fields: dict) -> dict:
    return perform(identity, name, payload.get("op_id"), **fields)


def _query(name: str, identity: Identity, _payload: dict, fields: dict) -> dict:
    return query(identity, name, **fields)


register_operations()
