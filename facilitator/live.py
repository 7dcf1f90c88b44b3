"""Socket.IO handlers: authenticate, parse, call the capability, acknowledge.

No business rule lives here. Every client change is a named operation in OPERATIONS,
applied through `operations.perform` (once per op_id, committed, then published to the
rooms of its audience). See docs/protocol.md for the payloads.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, Callable

from flask import g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from . import eventlog, participants, workshops
from .errors import OperationError
from .extensions import db, socketio
from .models import Workshop
from .operations import perform
from .snapshot import snapshot
from .viewers import Viewer

VIEWS = ("phone", "console", "projector")


def _refuse(code: str, message) -> None:
    """Refuse a connection; the client's connect_error gets {message, data: {code}}."""
    raise ConnectionRefusedError(str(message), {"code": code})


def viewer_for_connection(auth: Any) -> Viewer:
    """Who this socket speaks for, from its auth payload and its cookies."""
    if not isinstance(auth, dict) or auth.get("view") not in VIEWS:
        _refuse("bad_request", _l("Please reload the page."))
    try:
        workshop = db.session.get(Workshop, int(auth.get("workshop")))
    except (TypeError, ValueError):
        workshop = None
    if workshop is None:
        _refuse("not_found", _l("This workshop does not exist."))
    g.workshop_locale = workshop.language
    if auth["view"] == "phone":
        token = request.cookies.get(participants.cookie_name(workshop.id))
        participant = participants.identify(workshop.id, token)
        if participant is None:
            _refuse("not_joined", _l("Please join the workshop first."))
        return participants.viewer_for(participant)
    viewer = (workshops.viewer_for(workshop, current_user)
              if current_user.is_authenticated else None)
    if viewer is None or not viewer.is_staff:
        _refuse("forbidden", _l("Please sign in as one of this workshop's facilitators."))
    if auth["view"] == "projector":
        return Viewer(kind="projector", workshop_id=workshop.id)
    return viewer


def current_viewer() -> Viewer | None:
    data = session.get("viewer")
    if not data:
        return None
    viewer = Viewer(**data)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    g.workshop_locale = workshop.language if workshop else None
    return viewer


@socketio.on("connect")
def on_connect(auth=None):
    """Any client connects with auth {workshop, view}; its socket joins its rooms."""
    viewer = viewer_for_connection(auth)
    session["viewer"] = asdict(viewer)
    for room in viewer.rooms():
        join_room(room)


@socketio.on("sync")
def on_sync(payload=None):
    """A client (re)connected sends {since: last seq it applied}. The ack carries the events
    since then that it may see, or a snapshot when it is new or too far behind."""
    viewer = current_viewer()
    if viewer is None:
        return OperationError("not_connected", _l("Please reload the page.")).to_ack()
    since = payload.get("since", 0) if isinstance(payload, dict) else 0
    since = since if isinstance(since, int) and not isinstance(since, bool) else 0
    events = eventlog.events_since(viewer, since)
    if events is None:
        return {"ok": True, "snapshot": snapshot(viewer)}
    return {"ok": True, "events": [eventlog.wire(e) for e in events]}


# name -> (capability function, payload fields passed to it, who may send it)
OPERATIONS: dict[str, tuple[Callable[..., dict], tuple[str, ...], str]] = {
    "stage.change": (workshops.change_stage, ("from_stage", "to_stage"), "facilitator"),
    "joining.update": (workshops.set_joining, ("joining_open", "new_code"), "facilitator"),
}


def _forbidden() -> dict:
    return OperationError("forbidden", _l("Only the workshop's facilitators can do this.")).to_ack()


def _make_handler(name: str, change: Callable[..., dict], fields: tuple[str, ...], who: str):
    def handler(payload=None):
        viewer = current_viewer()
        if viewer is None:
            return OperationError("not_connected", _l("Please reload the page.")).to_ack()
        if who == "facilitator" and not viewer.runs_workshop:
            return _forbidden()
        if who == "participant" and viewer.kind != "participant":
            return OperationError("forbidden", _l("Only participants can do this.")).to_ack()
        if not isinstance(payload, dict):
            return OperationError("bad_request", _l("Please reload the page.")).to_ack()
        kwargs = {field: payload.get(field) for field in fields}
        return perform(viewer, name, payload.get("op_id"), change, **kwargs)

    handler.__name__ = "on_" + name.replace(".", "_")
    handler.__doc__ = change.__doc__
    return handler


def register_operations() -> None:
    from .live_steps12 import STEP12_OPERATIONS, STEP12_QUERIES

    OPERATIONS.update(STEP12_OPERATIONS)
    for name, (change, fields, who) in OPERATIONS.items():
        socketio.on_event(name, _make_handler(name, change, fields, who))
    for name, (query, _fields, _who) in STEP12_QUERIES.items():
        socketio.on_event(name, _make_query_handler(query))


def _make_query_handler(query: Callable[..., dict]):
    """A read that changes nothing (e.g. themes.suggest): no op_id, staff only."""
    def handler(payload=None):
        viewer = current_viewer()
        if viewer is None or not viewer.runs_workshop:
            return _forbidden()
        try:
            return {"ok": True, **query(viewer)}
        except OperationError as error:
            return error.to_ack()

    handler.__doc__ = query.__doc__
    return handler


register_operations()
