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

from . import eventlog, ideas, participants, priorities, workshops
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


# Every operation a client can send: name -> (capability, payload fields passed to it,
# who may send it). "facilitator": owner or co-facilitator; "participant": a phone;
# "author or facilitator": either, and the capability decides (a card's own author).
# The capability checks again: this table is the first gate, not the only one.
OPERATIONS: dict[str, tuple[Callable[..., dict], tuple[str, ...], str]] = {
    "stage.change": (workshops.change_stage, ("from_stage", "to_stage"), "facilitator"),
    "joining.update": (workshops.set_joining, ("joining_open", "new_code"), "facilitator"),
    # Step 1: cards
    "idea.post": (ideas.post_idea, ("text", "kind", "origin"), "participant"),
    "idea.edit": (ideas.edit_idea, ("idea_id", "text", "kind", "origin"),
                  "author or facilitator"),
    "idea.withdraw": (ideas.withdraw_idea, ("idea_id",), "author or facilitator"),
    "idea.hide": (ideas.hide_idea, ("idea_id",), "facilitator"),
    "idea.restore": (ideas.restore_idea, ("idea_id",), "facilitator"),
    "idea.merge": (ideas.merge_ideas, ("into_id", "idea_ids"), "facilitator"),
    "ideas.settings": (ideas.set_idea_settings, ("anonymous", "input_locked"), "facilitator"),
    "timer.start": (ideas.start_timer, ("seconds",), "facilitator"),
    "timer.stop": (ideas.stop_timer, (), "facilitator"),
    # Step 2: themes, dots, priorities
    "theme.create": (priorities.create_theme, ("title", "description"), "facilitator"),
    "theme.rename": (priorities.rename_theme, ("theme_id", "title", "description"),
                     "facilitator"),
    "theme.merge": (priorities.merge_themes, ("into_id", "theme_ids"), "facilitator"),
    "idea.assign": (priorities.assign_idea, ("idea_id", "theme_id"), "facilitator"),
    "voting.update": (priorities.set_voting, ("open", "revealed", "allow_multiple"),
                      "facilitator"),
    "dot.place": (priorities.place_dot, ("theme_id",), "participant"),
    "dot.remove": (priorities.remove_dot, ("theme_id",), "participant"),
    "priorities.confirm": (priorities.confirm_priorities,
                           ("theme_ids", "titles", "descriptions"), "facilitator"),
}

# Reads that change nothing: no op_id, not logged; facilitators only.
QUERIES: dict[str, Callable[..., dict]] = {
    "themes.suggest": priorities.suggest_themes,
}


def _refusal(viewer: Viewer | None, payload: Any, who: str) -> dict | None:
    """The ack refusing this request before the capability runs, or None."""
    if viewer is None:
        return OperationError("not_connected", _l("Please reload the page.")).to_ack()
    try:
        if who == "facilitator":
            workshops.require_runner(viewer)
    except OperationError as error:
        return error.to_ack()
    if who == "participant" and viewer.kind != "participant":
        return OperationError("forbidden", _l("Only participants can do this.")).to_ack()
    if not isinstance(payload, dict):
        return OperationError("bad_request", _l("Please reload the page.")).to_ack()
    return None


def _make_handler(name: str, change: Callable[..., dict], fields: tuple[str, ...], who: str):
    def handler(payload=None):
        viewer = current_viewer()
        refused = _refusal(viewer, payload, who)
        if refused:
            return refused
        kwargs = {field: payload.get(field) for field in fields}
        return perform(viewer, name, payload.get("op_id"), change, **kwargs)

    handler.__name__ = "on_" + name.replace(".", "_")
    handler.__doc__ = change.__doc__
    return handler


def _make_query_handler(query: Callable[..., dict]):
    def handler(payload=None):
        viewer = current_viewer()
        refused = _refusal(viewer, payload if payload is not None else {}, "facilitator")
        if refused:
            return refused
        try:
            return {"ok": True, **query(viewer)}
        except OperationError as error:
            return error.to_ack()

    handler.__doc__ = query.__doc__
    return handler


def register_operations() -> None:
    for name, (change, fields, who) in OPERATIONS.items():
        socketio.on_event(name, _make_handler(name, change, fields, who))
    for name, query in QUERIES.items():
        socketio.on_event(name, _make_query_handler(query))


register_operations()
